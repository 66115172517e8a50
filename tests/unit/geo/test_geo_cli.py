"""The geo subcommands: run functions with a Namespace, and one real subprocess each way."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from operator_desk.geo.cli import add_parsers, run_gazetteer, run_locate, run_region_import

REPO = Path(__file__).resolve().parents[3]


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--region", default=None)  # the main CLI has a global --region too
    add_parsers(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_gazetteer_json(banjar_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["gazetteer", "--region", str(banjar_dir), "sei tabuk kramat", "--limit", "3"])
    assert args.func is run_gazetteer and run_gazetteer(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 3
    assert {"code", "name", "level", "kecamatan", "lat", "lon", "score"} <= set(out[0])
    assert (out[0]["code"], out[0]["name"], out[0]["kecamatan"]) == (
        "63.03.04.2010",
        "Sungai Tabuk Keramat",
        "Sungai Tabuk",
    )


def test_global_region_option_is_not_hidden_by_subparser(
    banjar_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _parse(["--region", str(banjar_dir), "locate", "-3.419204", "114.845934"])
    assert run_locate(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["desa"] == {"code": "63.03.05.1001", "name": "Keraton", "level": "kelurahan"}
    assert out["kecamatan"] == {"code": "63.03.05", "name": "Martapura"}


def test_locate_outside_gives_null_fields(banjar_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_locate(_parse(["locate", "--region", str(banjar_dir), "-6.2", "106.8"])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["desa"] is None and out["kecamatan"] is None


def test_locate_without_region_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_locate(_parse(["locate", "-3.4", "114.8"])) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--region" in err


def test_region_import_then_locate_from_data_dir(
    make_pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run_region_import(_parse(["region", "import", str(make_pack()), "--data-dir", str(data)])) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["installed"] is True and summary["name"] == "Kabupaten Uji" and summary["desa"] == 2
    assert run_locate(_parse(["--data-dir", str(data), "locate", "0.02", "0.02"])) == 0
    assert json.loads(capsys.readouterr().out)["desa"]["name"] == "Barat"


def _subprocess(code: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


MAIN = "import sys; from operator_desk.geo.cli import main; sys.exit(main(sys.argv[1:]))"


def test_subprocess_region_import_of_broken_pack(make_pack, tmp_path: Path) -> None:
    pack = make_pack()
    (pack / "kecamatan.geojson").write_text(
        '{"type": "FeatureCollection",\n "features": [}', encoding="utf-8"
    )
    proc = _subprocess(MAIN, "region", "import", str(pack), "--data-dir", str(tmp_path / "d"))
    assert proc.returncode != 0 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "kecamatan.geojson: line 2 column" in proc.stderr
    assert not (tmp_path / "d" / "region").exists()


def test_subprocess_locate_and_gazetteer(banjar_dir: Path) -> None:
    proc = _subprocess(MAIN, "locate", "--region", str(banjar_dir), "-3.321896", "114.699855")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["desa"]["code"] == "63.03.04.2010"
    proc = _subprocess(MAIN, "gazetteer", "--region", str(banjar_dir), "Kec. Gambut", "--limit", "1")
    assert proc.returncode == 0, proc.stderr
    assert [m["code"] for m in json.loads(proc.stdout)] == ["63.03.03"]
