"""The headless commands of CONTRACT.md, run as a newcomer would."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "operator_desk.cli", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory, banjar_dir: Path) -> Path:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("demo")
    res = run(
        "demo-data",
        "--data-dir",
        str(data),
        "--calls",
        "800",
        "--days",
        "5",
        "--seed",
        "7",
        "--region",
        str(banjar_dir),
    )
    assert res.returncode == 0, res.stderr
    counts = json.loads(res.stdout)
    assert counts["calls"] == 800 and counts["incidents"] > 10
    return data


def test_export_calls_jsonl_has_contract_fields(demo_dir: Path) -> None:
    res = run("export", "--data-dir", str(demo_dir), "--what", "calls")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 800
    for key in (
        "id",
        "caller_number",
        "started_at",
        "answered_at",
        "ended_at",
        "outcome",
        "incident_id",
        "site_id",
        "operator",
    ):
        assert key in rows[0]
    assert all(r["caller_number"].startswith("+62") for r in rows)
    assert all(r["started_at"].endswith("Z") for r in rows)
    outcomes = {r["outcome"] for r in rows}
    assert outcomes <= {"emergency", "information", "prank", "ghost", "wrong_number", "test", "abandoned"}
    assert sum(r["outcome"] in ("ghost", "prank") for r in rows) > 400  # most calls are not emergencies


def test_export_incidents_csv(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "inc.csv"
    res = run(
        "export", "--data-dir", str(demo_dir), "--what", "incidents", "--format", "csv", "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows and {
        "id",
        "number",
        "category",
        "priority",
        "status",
        "lat",
        "lon",
        "desa_code",
        "kecamatan_code",
        "created_at",
        "updated_at",
    } <= set(rows[0])
    assert all(r["desa_code"].startswith("63.03.") for r in rows)


def test_export_eidd(demo_dir: Path) -> None:
    res = run("export-eidd", "--data-dir", str(demo_dir), "--all")
    assert res.returncode == 0, res.stderr
    docs = json.loads(res.stdout)
    number = docs[0]["incidentComponent"]["incidentTrackingIdentifier"]
    one = json.loads(run("export-eidd", "--data-dir", str(demo_dir), "--incident", number).stdout)
    assert one["incidentComponent"]["incidentTrackingIdentifier"] == number
    assert one["locationComponent"][0]["locationByValue"]["coordinates"][0] < 0  # south of the equator
    assert one["callComponent"] and one["callComponent"][0]["callbackNumberURI"].startswith("tel:+62")


def test_check_passes_then_detects_tampering(demo_dir: Path, tmp_path: Path) -> None:
    res = run("check", "--data-dir", str(demo_dir))
    assert res.returncode == 0, res.stdout
    assert json.loads(res.stdout)["ok"] is True
    # a copy whose audit row was altered behind the desk's back (triggers dropped first)
    import shutil
    import sqlite3

    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(demo_dir / "desk.sqlite", bad / "desk.sqlite")
    conn = sqlite3.connect(bad / "desk.sqlite")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET operator='mallory' WHERE seq=5")
    conn.commit()
    conn.close()
    res = run("check", "--data-dir", str(bad))
    assert res.returncode == 1
    assert "audit" in res.stderr and "seq 5" in res.stderr or "row 5" in res.stderr


def test_errors_are_one_line_with_the_reason(tmp_path: Path) -> None:
    res = run("export", "--data-dir", str(tmp_path / "nothing"), "--what", "calls")
    assert res.returncode != 0
    assert "no desk store" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = run("export-eidd", "--data-dir", str(tmp_path / "nothing"), "--incident", "X")
    assert res.returncode != 0 and len(res.stderr.strip().splitlines()) == 1
