"""The report's service-level counts equal what `export` implies (issue 14), across midnight WITA."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from operator_desk.domain.timeutil import WITA
from operator_desk.services.service_level import service_level, service_level_by
from operator_desk.store.store import Store
from operator_desk.store.tx import Tx


def _ms(text: str) -> int:
    """A WITA wall-clock time → UTC epoch ms."""
    return int(datetime.fromisoformat(text).replace(tzinfo=WITA).timestamp() * 1000)


# (started WITA, answer after s or None, outcome, operator)
CALLS = [
    ("2026-11-30 23:59:55", 12, "prank", "Rina"),  # before midnight, answered after it: the 30th's, within 15 s
    ("2026-11-30 23:59:58", None, "abandoned", None),
    ("2026-12-01 00:00:03", 9, "emergency", "Siti"),
    ("2026-12-01 08:00:00", 10, "ghost", "Siti"),  # exactly 10 s is within 10 s
    ("2026-12-01 08:05:00", 15, "information", "Rina"),
    ("2026-12-01 08:10:00", 16, "ghost", "Rina"),  # 16 s: within 20, not 15
    ("2026-12-01 23:59:59", 25, "prank", "Siti"),  # beyond 20 s
    ("2026-12-02 00:00:00", 3, "ghost", "Siti"),  # the next day
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    store = Store(tmp_path / "desk.sqlite")
    try:

        def fn(tx: Tx) -> None:
            for started, after, outcome, op in CALLS:
                s = _ms(started)
                tx.insert_record("calls", {
                    "site_id": "s", "caller_number": "+6281234567890", "caller_raw": "081234567890",
                    "source": "simulator", "started_at": s, "answered_at": None if after is None else s + after * 1000,
                    "ended_at": s + 60_000, "outcome": outcome, "operator": op,
                })  # fmt: skip

        store.write(fn)
    finally:
        store.close()
    return tmp_path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "operator_desk.cli", *args], capture_output=True, text=True,
                          timeout=120)


def _from_export(rows: list[dict[str, str]], day: str) -> dict[str, int]:
    """What the exported call records imply for one WITA day: the definition, computed independently."""
    out = {"offered": 0, "answered": 0, "within_10s": 0, "within_15s": 0, "within_20s": 0, "abandoned": 0}
    for r in rows:
        start = datetime.fromisoformat(r["started_at"].replace("Z", "+00:00"))
        if start.astimezone(WITA).date().isoformat() != day:
            continue
        out["offered"] += 1
        out["abandoned"] += r["outcome"] == "abandoned"
        if r["answered_at"]:
            wait = (datetime.fromisoformat(r["answered_at"].replace("Z", "+00:00")) - start).total_seconds()
            out["answered"] += 1
            for s in (10, 15, 20):
                out[f"within_{s}s"] += wait <= s
    return out


@pytest.mark.parametrize("day", ["2026-11-30", "2026-12-01", "2026-12-02"])
def test_report_counts_equal_what_the_export_implies(data: Path, day: str) -> None:
    res = _cli("export", "--data-dir", str(data), "--what", "calls")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    res = _cli("report", "--data-dir", str(data), "--from", day, "--to", day, "--format", "json")
    assert res.returncode == 0, res.stderr
    level = json.loads(res.stdout)["service_level"]
    want = _from_export(rows, day)
    assert {k: level[k] for k in want} == want
    assert all(isinstance(level[k], int) for k in want)


def test_the_counts_themselves(data: Path) -> None:
    store = Store(data / "desk.sqlite")
    try:
        conn = store.reader()
        dec1 = service_level(conn, _ms("2026-12-01 00:00:00"), _ms("2026-12-02 00:00:00"))
        assert (dec1.offered, dec1.answered, dec1.within_10s, dec1.within_15s, dec1.within_20s, dec1.abandoned) == (
            5, 5, 2, 3, 4, 0)
        nov30 = service_level(conn, _ms("2026-11-30 00:00:00"), _ms("2026-12-01 00:00:00"))
        assert (nov30.offered, nov30.within_10s, nov30.within_15s, nov30.abandoned) == (2, 0, 1, 1)
        assert nov30.pct("within_15s") == 50.0
        by_day = dict(service_level_by(conn, _ms("2026-11-30 00:00:00"), _ms("2026-12-03 00:00:00"), WITA, "day"))
        assert {k: v.offered for k, v in by_day.items()} == {"2026-11-30": 2, "2026-12-01": 5, "2026-12-02": 1}
        by_hour = dict(service_level_by(conn, _ms("2026-12-01 00:00:00"), _ms("2026-12-02 00:00:00"), WITA, "hour"))
        assert {k: v.offered for k, v in by_hour.items()} == {"00": 1, "08": 3, "23": 1}
        by_op = dict(service_level_by(conn, _ms("2026-12-01 00:00:00"), _ms("2026-12-02 00:00:00"), WITA, "operator"))
        assert by_op["Rina"].within_15s == 1 and by_op["Siti"].within_10s == 2
    finally:
        store.close()


def test_the_masked_report_shows_operators_as_initials(data: Path) -> None:
    res = _cli("report", "--data-dir", str(data), "--from", "2026-12-01", "--to", "2026-12-01", "--format", "json")
    ops = [o["operator"] for o in json.loads(res.stdout)["service_level"]["by_operator"]]
    assert "Rina" not in ops and "Siti" not in ops and len(ops) == 2


def test_utc_is_not_used_for_days() -> None:
    """The other side of the midnight rule: the same instant is a different day in UTC."""
    s = _ms("2026-11-30 23:59:55")
    assert datetime.fromtimestamp(s / 1000, tz=UTC).date().isoformat() == "2026-11-30"
    s = _ms("2026-12-01 00:00:03")
    assert datetime.fromtimestamp(s / 1000, tz=UTC).date().isoformat() == "2026-11-30"  # UTC would say the 30th


def test_the_csv_carries_it(data: Path) -> None:
    res = _cli("report", "--data-dir", str(data), "--from", "2026-12-01", "--to", "2026-12-01", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert "service_level,within_15s,3" in res.stdout.splitlines()
    assert "service_level,by_hour[08].offered,3" in res.stdout.splitlines()
