"""The command line on odd stores and odd use (issue 13): one line on stderr, never a traceback, never a write."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def run(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "operator_desk.cli", *args], capture_output=True, text=True, timeout=120, **kw
    )


@pytest.fixture(scope="module")
def good_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("good")
    res = run("demo-data", "--data-dir", str(data), "--calls", "120", "--days", "2", "--seed", "3")
    assert res.returncode == 0, res.stderr
    return data


def _one_line_error(res: subprocess.CompletedProcess[str], *words: str) -> None:
    assert res.returncode != 0
    assert "Traceback" not in res.stderr, res.stderr
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, res.stderr
    for w in words:
        assert w in lines[0], lines[0]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def damaged_dir(good_dir: Path, tmp_path: Path) -> Path:
    """A copy of a good store with one page overwritten in the middle of its tables."""
    import shutil

    data = tmp_path / "damaged"
    shutil.copytree(good_dir, data)
    for extra in data.glob("desk.sqlite-*"):
        extra.unlink()
    store = data / "desk.sqlite"
    with store.open("r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096)
    return data


@pytest.mark.parametrize(
    "command",
    [
        ["demo-data", "--calls", "3"],
        ["export", "--what", "calls"],
        ["report", "--from", "2026-01-01", "--to", "2026-12-31"],
    ],
)
def test_a_damaged_store_is_refused_and_never_written(damaged_dir: Path, command: list[str]) -> None:
    store = damaged_dir / "desk.sqlite"
    before = _digest(store)
    res = run(*command, "--data-dir", str(damaged_dir))
    _one_line_error(res, "damaged")
    assert _digest(store) == before
    assert res.stdout == ""  # not half the rows and then an error


def test_an_empty_store_file_is_refused_not_recreated(tmp_path: Path) -> None:
    (tmp_path / "desk.sqlite").write_bytes(b"")
    res = run("demo-data", "--data-dir", str(tmp_path), "--calls", "3")
    _one_line_error(res, "empty")
    assert (tmp_path / "desk.sqlite").stat().st_size == 0


def test_a_good_store_is_accepted_by_the_same_commands(good_dir: Path) -> None:
    """The other side: the preflight lets a healthy store through."""
    res = run("export", "--what", "calls", "--data-dir", str(good_dir))
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) == 120


def test_a_closed_pipe_ends_quietly(good_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "operator_desk.cli", "export", "--what", "calls", "--data-dir", str(good_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert json.loads(first)["id"]
    assert "Broken pipe" not in err and "Traceback" not in err, err


@pytest.mark.parametrize("day", ["9999-12-31", "1900-01-01"])
def test_report_dates_out_of_range_are_one_line(good_dir: Path, day: str) -> None:
    res = run("report", "--data-dir", str(good_dir), "--from", "2026-01-01", "--to", day)
    assert res.returncode == 2
    assert "out of range" in res.stderr and "Traceback" not in res.stderr


def test_data_dir_after_the_gazetteer_subcommand(tmp_path: Path, banjar_dir: Path) -> None:
    res = run("region", "import", str(banjar_dir), "--data-dir", str(tmp_path))
    assert res.returncode == 0, res.stderr
    res = run("gazetteer", "--data-dir", str(tmp_path), "martapura", "--limit", "1")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)[0]["name"] == "Martapura"


@pytest.fixture
def read_only_dirs(tmp_path: Path) -> Iterator[Path]:
    """A desk and a hub data dir on a file system remounted read-only (root only: root ignores file modes)."""
    import os

    mnt = tmp_path / "ro"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and mount (to make a read-only file system)")
    try:
        assert run("demo-data", "--data-dir", str(mnt / "desk"), "--calls", "3").returncode == 0
        out = subprocess.run([sys.executable, "-m", "operator_desk.server.cli", "enroll", "--data-dir",
                              str(mnt / "hub"), "--site", "X"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_a_read_only_data_dir_is_one_line_everywhere(read_only_dirs: Path) -> None:
    mnt = read_only_dirs
    res = run("demo-data", "--data-dir", str(mnt / "desk"), "--calls", "3")
    _one_line_error(res, "read-only")
    for args in (["enroll", "--data-dir", str(mnt / "hub"), "--site", "Y"], ["sites", "--data-dir", str(mnt / "hub")]):
        res = subprocess.run([sys.executable, "-m", "operator_desk.server.cli", *args], capture_output=True, text=True,
                             timeout=60)
        _one_line_error(res, "read-only")
