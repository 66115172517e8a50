"""The incident list's query object: open incidents by priority then age, filtered and searched.

Read on the task runner (never the GUI thread) through `store.reader()`; the SQL lives in
store/repositories.py (`IncidentWorkRepository`). The overdue marker comes from the referral board's
own timers (services/referrals.py), so the list and the board never disagree about what is late.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.enums import OPEN_STATUSES, IncidentStatus
from ..domain.records import IncidentSummary
from ..domain.timeutil import WITA
from ..store.repositories import IncidentWorkRepository
from ..store.store import Store
from .referrals import ReferralBoardQuery

DAY_MS = 24 * 3600 * 1000
OPEN = "open"  # the status filter's default: new, referred, on scene
CLOSED_7D = "closed_7d"  # closed in the last 7 days
ALL = "all"
LIST_LIMIT = 2000


@dataclass(frozen=True)
class ListFilter:
    """What the operator chose above the list. `status`: OPEN, CLOSED_7D, ALL or one status code."""

    status: str = OPEN
    category: str | None = None
    kecamatan_code: str | None = None
    mine: bool = False
    today: bool = False
    text: str = ""


@dataclass(frozen=True)
class ListRow:
    """One line of the incident list."""

    id: str
    number: str
    category: str | None
    priority: str | None
    status: str
    desa_name: str | None
    kecamatan_name: str | None
    address: str | None
    created_at: int
    updated_at: int | None
    updated_by: str | None
    merged_into: str | None
    overdue: bool

    def age_ms(self, now_ms: int) -> int:
        return max(0, now_ms - self.created_at)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def day_start_ms(now_ms: int, zone: ZoneInfo) -> int:
    """Midnight of the region's day that holds `now_ms` (days are the region's days)."""
    day = datetime.fromtimestamp(now_ms / 1000, zone).date()
    return int(datetime.combine(day, time(0), zone).timestamp() * 1000)


def where_of(
    f: ListFilter, *, operator: str | None, now_ms: int, zone: ZoneInfo
) -> tuple[list[str], list[Any]]:
    """The SQL clauses of a filter (pure: the bench measures the same SQL as its floor)."""
    where: list[str] = []
    params: list[Any] = []
    if f.status == OPEN:
        marks = ",".join("?" * len(OPEN_STATUSES))
        where.append(f"status IN ({marks})")
        params += sorted(OPEN_STATUSES)
    elif f.status == CLOSED_7D:
        where.append("status = ? AND updated_at >= ?")
        params += [str(IncidentStatus.CLOSED), now_ms - 7 * DAY_MS]
    elif f.status != ALL:
        where.append("status = ?")
        params.append(f.status)
    if f.category:
        where.append("category = ?")
        params.append(f.category)
    if f.kecamatan_code:
        where.append("kecamatan_code = ?")
        params.append(f.kecamatan_code)
    if f.mine:
        where.append("(created_by = ? OR updated_by = ?)")
        params += [operator, operator]
    if f.today:
        where.append("created_at >= ?")
        params.append(day_start_ms(now_ms, zone))
    text = f.text.strip()
    if text:
        pat = _like(text)
        where.append(
            "(number LIKE ? ESCAPE '\\' OR json_extract(location, '$.desa_name') LIKE ? ESCAPE '\\' "
            "OR json_extract(location, '$.kecamatan_name') LIKE ? ESCAPE '\\' "
            "OR json_extract(location, '$.address') LIKE ? ESCAPE '\\' "
            "OR json_extract(location, '$.landmark') LIKE ? ESCAPE '\\' "
            "OR narrative LIKE ? ESCAPE '\\' OR caller_name LIKE ? ESCAPE '\\')"
        )
        params += [pat] * 7
    return where, params


class IncidentListQuery:
    """The list's rows for a filter, the kecamatan choices, a caller's open incident."""

    def __init__(self, store: Store, zone: ZoneInfo = WITA, now_ms: Callable[[], int] | None = None) -> None:
        self.store = store
        self.zone = zone
        self.now_ms = now_ms or store.now_ms
        self.board = ReferralBoardQuery(store)

    def _repo(self) -> IncidentWorkRepository:
        return IncidentWorkRepository(self.store.reader())

    def overdue_incidents(self, now_ms: int) -> set[str]:
        return {str(r["incident_id"]) for r in self.board.overdue(now_ms)}

    def rows(self, f: ListFilter, limit: int = LIST_LIMIT) -> list[ListRow]:
        now = self.now_ms()
        where, params = where_of(f, operator=self.store.operator, now_ms=now, zone=self.zone)
        late = self.overdue_incidents(now)
        return [
            ListRow(
                id=r["id"],
                number=r["number"] or "",
                category=r["category"],
                priority=r["priority"],
                status=r["status"],
                desa_name=r["desa_name"],
                kecamatan_name=r["kecamatan_name"],
                address=r["address"],
                created_at=int(r["created_at"] or 0),
                updated_at=r["updated_at"],
                updated_by=r["updated_by"],
                merged_into=r["merged_into"],
                overdue=r["id"] in late,
            )
            for r in self._repo().list_rows(where, params, limit)
        ]

    def kecamatans(self) -> list[tuple[str, str]]:
        return self._repo().kecamatans()


def open_incident(incidents: Iterable[IncidentSummary | Any]) -> Any | None:
    """The caller's open incident (the newest one not yet resolved) among a caller history's incidents;
    what the incoming bar shows while the number rings and what Alt+U attaches the answered call to."""
    for inc in incidents:  # newest first (CallerHistory.incidents)
        if inc["status"] in OPEN_STATUSES:
            return inc
    return None


__all__ = [
    "ALL",
    "CLOSED_7D",
    "OPEN",
    "IncidentListQuery",
    "ListFilter",
    "ListRow",
    "day_start_ms",
    "open_incident",
    "where_of",
]
