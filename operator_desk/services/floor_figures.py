"""The figures of the supervisor's board and the wall (issue 14), read from the desk's own store.

A supervisor's desk (and the wall) hold the whole center's calls, incidents and referrals through sync, so
the figures are those of the center: today's calls (the region's day), the share answered within 10 / 15 /
20 s, abandoned and prank + ghost shares, open incidents by priority, overdue referrals, and the last
hour's 15-second service level against NENA's 90 % (`alert`). Counts are kept beside the shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain.enums import Priority
from ..store.store import Store
from .referrals import ReferralBoardQuery
from .service_level import TARGET_15S_PCT, ServiceLevel, service_level

HOUR_MS = 3_600_000


@dataclass(frozen=True)
class FloorFigures:
    today: ServiceLevel
    last_hour: ServiceLevel
    prank_ghost: int
    open_by_priority: dict[str, int] = field(default_factory=dict)
    overdue_referrals: int = 0

    def share(self, count: int) -> float | None:
        return round(100.0 * count / self.today.offered, 1) if self.today.offered else None

    @property
    def alert(self) -> bool:
        """The last hour's calls answered within 15 s fell below 90 % (only once calls rang in it)."""
        pct = self.last_hour.pct("within_15s")
        return pct is not None and pct < TARGET_15S_PCT


class FloorFiguresQuery:
    """Read on the task runner (never the GUI thread): `figures(now_ms, zone)`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def figures(self, now_ms: int, zone: ZoneInfo) -> FloorFigures:
        conn = self.store.reader()
        local = datetime.fromtimestamp(now_ms / 1000, tz=zone)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        day_from = int(start.timestamp() * 1000)
        day_to = int((start + timedelta(days=1)).timestamp() * 1000)
        pg = conn.execute(
            "SELECT count(*) FROM calls WHERE started_at >= ? AND started_at < ? AND outcome IN ('prank','ghost')",
            (day_from, day_to),
        ).fetchone()[0]
        by_priority = {str(p): 0 for p in Priority}
        for prio, n in conn.execute(
            "SELECT priority, count(*) FROM incidents WHERE status NOT IN ('resolved','closed') GROUP BY priority"
        ):
            if prio:
                by_priority[str(prio)] = int(n)
        return FloorFigures(
            today=service_level(conn, day_from, day_to),
            last_hour=service_level(conn, now_ms - HOUR_MS, now_ms + 1),
            prank_ghost=int(pg or 0),
            open_by_priority=by_priority,
            overdue_referrals=len(ReferralBoardQuery(self.store).overdue(now_ms)),  # past due: amber or red
        )
