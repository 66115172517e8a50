"""Service level: how fast the center answers (issue 14).

NENA-STA-020.1-2020 asks 90 % of calls answered within 15 s and 95 % within 20 s (NFPA 1225: 90 % within
10 s). Here a call's answer time is `answered_at − started_at` of the call record: from the moment it rang
on a desk to the moment an operator took it (a PBX queue before the desks is not seen). A call counts in
the period — hour, day, operator — in which it STARTED, in the region's time zone: a call that rang at
23:59:55 and was answered at 00:00:07 is the earlier day's, answered within 15 s.

Counts, never rounded shares, are the record (`report --format json` → `service_level`): `offered` every
call that rang, `answered` those taken, `within_10s` / `within_15s` / `within_20s` those taken that fast,
`abandoned` those the caller gave up while ringing (outcome `abandoned`). Shares are of `offered` — an
abandoned call is a call the center did not answer in time.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

THRESHOLDS_S = (10, 15, 20)
TARGET_15S_PCT = 90.0  # NENA: 90 % within 15 s — the floor board's alert threshold


@dataclass(frozen=True)
class ServiceLevel:
    offered: int = 0
    answered: int = 0
    within_10s: int = 0
    within_15s: int = 0
    within_20s: int = 0
    abandoned: int = 0

    def pct(self, field: str) -> float | None:
        """A count as a share of the calls offered (None when nothing rang)."""
        return round(100.0 * getattr(self, field) / self.offered, 1) if self.offered else None


_SUMS = (
    "count(*), sum(answered_at IS NOT NULL), "
    + ", ".join(f"sum(answered_at IS NOT NULL AND answered_at - started_at <= {s * 1000})" for s in THRESHOLDS_S)
    + ", sum(outcome = 'abandoned')"
)


def _level(row: Any) -> ServiceLevel:
    return ServiceLevel(*(int(v or 0) for v in row))


def service_level(conn: sqlite3.Connection, from_ms: int, to_ms: int) -> ServiceLevel:
    """The service level of the calls that started in [from_ms, to_ms)."""
    row = conn.execute(f"SELECT {_SUMS} FROM calls WHERE started_at >= ? AND started_at < ?", (from_ms, to_ms))
    return _level(row.fetchone())


def _offset_s(zone: ZoneInfo, from_ms: int, to_ms: int) -> int:
    """The zone's UTC offset in seconds; Indonesian zones have no DST (WIB +7, WITA +8, WIT +9)."""
    offsets = {datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(zone).utcoffset() for ms in (from_ms, to_ms)}
    if len(offsets) != 1 or None in offsets:
        raise ValueError(f"{zone.key}: an offset change inside the period is not supported")
    off = next(iter(offsets))
    assert off is not None
    return int(off.total_seconds())


def service_level_by(
    conn: sqlite3.Connection, from_ms: int, to_ms: int, zone: ZoneInfo, by: str
) -> list[tuple[str, ServiceLevel]]:
    """Per local `hour` (00…23), `day` (YYYY-MM-DD) or `operator`, in key order."""
    off = _offset_s(zone, from_ms, to_ms) * 1000
    keys = {
        "hour": f"printf('%02d', ((started_at + {off}) / 3600000) % 24)",
        "day": f"date((started_at + {off}) / 1000, 'unixepoch')",
        "operator": "coalesce(operator, '')",
    }
    if by not in keys:
        raise ValueError(f"service level by {by!r}: expected hour, day or operator")
    sql = (
        f"SELECT {keys[by]} AS k, {_SUMS} FROM calls WHERE started_at >= ? AND started_at < ? GROUP BY k ORDER BY k"
    )
    return [(str(r[0]), _level(r[1:])) for r in conn.execute(sql, (from_ms, to_ms))]


def service_level_report(conn: sqlite3.Connection, from_ms: int, to_ms: int, zone: ZoneInfo) -> dict[str, Any]:
    """The `service_level` object of the period report: the counts, then per hour, per day, per operator."""
    total = service_level(conn, from_ms, to_ms)
    return {
        **asdict(total),
        "pct_within_15s": total.pct("within_15s"),
        "by_hour": [{"hour": int(k), **asdict(v)} for k, v in service_level_by(conn, from_ms, to_ms, zone, "hour")],
        "by_day": [{"date": k, **asdict(v)} for k, v in service_level_by(conn, from_ms, to_ms, zone, "day")],
        "by_operator": [
            {"operator": k or None, **asdict(v)} for k, v in service_level_by(conn, from_ms, to_ms, zone, "operator")
        ],
    }
