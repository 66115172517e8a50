"""The incident list's query object: open incidents by priority then age, filtered and searched.

Read on the task runner (never the GUI thread) through `store.reader()`; the SQL lives in
store/repositories.py (`IncidentWorkRepository`). The overdue marker comes from the referral board's
own timers (services/referrals.py), so the list and the board never disagree about what is late.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
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
OVERDUE_REFRESH_MS = 30_000
PATCH_MAX = 200  # more changed incidents than this: read all open incidents again


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


_Entry = tuple[
    ListRow, str, str | None, str | None, str | None
]  # row, haystack, created_by, kecamatan, category


def _order(e: _Entry) -> tuple[str, int, str]:
    return (e[0].priority or "P9", e[0].created_at, e[0].id)


@dataclass(frozen=True)
class _OpenSnapshot:
    """The open incidents as last read, with what the search looks in (casefolded), and the overdue set."""

    rows: list[_Entry]
    overdue_at: int
    overdue: set[str]


class IncidentListQuery:
    """The list's rows for a filter, the kecamatan choices.

    The default view (open incidents) filters and searches in memory over a snapshot of the open
    incidents: typing in the search box costs a scan of a few thousand rows in Python, not a query.
    The list calls `invalidate(ids)` when the bridge says incidents changed: a few changed incidents are
    read again by id and patched in, a big batch (a sync catch-up) reads all open incidents again;
    referral changes only re-read which incidents are overdue. Other status choices (closed in the last
    7 days, all, one status) query SQLite. Thread-safe: the snapshot is replaced whole under a lock.
    """

    def __init__(self, store: Store, zone: ZoneInfo = WITA, now_ms: Callable[[], int] | None = None) -> None:
        self.store = store
        self.zone = zone
        self.now_ms = now_ms or store.now_ms
        self.board = ReferralBoardQuery(store)
        self._lock = threading.Lock()
        self._snapshot: _OpenSnapshot | None = None
        self._pending: set[str] = set()  # incidents changed since the snapshot was read

    def invalidate(self, ids: Iterable[str] | None = None) -> None:
        """Incidents changed: `ids` (a few) are read again at the next read, None reads all again."""
        with self._lock:
            if ids is None or self._snapshot is None:
                self._snapshot, self._pending = None, set()
                return
            self._pending |= set(ids)
            if len(self._pending) > PATCH_MAX:
                self._snapshot, self._pending = None, set()

    def refresh_overdue(self) -> None:
        """Referrals changed: which incidents are overdue is read again at the next read."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot = replace(self._snapshot, overdue_at=-OVERDUE_REFRESH_MS - 1)

    def _read(self, now: int, late: set[str], ids: set[str] | None = None) -> list[_Entry]:
        where, params = where_of(ListFilter(), operator=None, now_ms=now, zone=self.zone)
        if ids is not None:
            where.append(f"id IN ({','.join('?' * len(ids))})")
            params += sorted(ids)
        out = []
        for r in self._repo().list_rows(where, params, 100_000, search=True):
            parts = (
                r["number"],
                r["desa_name"],
                r["kecamatan_name"],
                r["address"],
                r["landmark"],
                r["narrative"],
                r["caller_name"],
            )
            hay = " ".join(str(v) for v in parts if v).casefold()
            out.append((self._row(r, late), hay, r["created_by"], r["kecamatan_code"], r["category"]))
        return out

    def _open_snapshot(self, now: int) -> _OpenSnapshot:
        with self._lock:
            snap, pending = self._snapshot, self._pending
            self._pending = set()
        if snap is None:
            late = self.overdue_incidents(now)
            fresh = _OpenSnapshot(self._read(now, late), now, late)
        else:
            late = snap.overdue
            if now - snap.overdue_at > OVERDUE_REFRESH_MS:  # timers run on: re-read which referrals are late
                late = self.overdue_incidents(now)
            rows = snap.rows
            if pending:
                rows = [e for e in rows if e[0].id not in pending] + self._read(now, late, pending)
                rows.sort(key=_order)
            if late != snap.overdue:
                rows = [(replace(r, overdue=r.id in late), h, c, k, g) for r, h, c, k, g in rows]
            fresh = _OpenSnapshot(rows, now if late is not snap.overdue else snap.overdue_at, late)
        with self._lock:
            if self._snapshot is snap:  # nobody asked for a full re-read meanwhile
                self._snapshot = fresh
        return fresh

    def _filter_open(self, f: ListFilter, now: int, limit: int) -> list[ListRow]:
        snap = self._open_snapshot(now)
        text = f.text.strip().casefold()
        me = self.store.operator
        since = day_start_ms(now, self.zone) if f.today else None
        out = []
        for row, hay, created_by, kec, cat in snap.rows:
            if f.category and cat != f.category:
                continue
            if f.kecamatan_code and kec != f.kecamatan_code:
                continue
            if f.mine and me not in (created_by, row.updated_by):
                continue
            if since is not None and row.created_at < since:
                continue
            if text and text not in hay:
                continue
            out.append(row)
            if len(out) >= limit:
                break
        return out

    @staticmethod
    def _row(r: Any, late: set[str]) -> ListRow:
        return ListRow(
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

    def _repo(self) -> IncidentWorkRepository:
        return IncidentWorkRepository(self.store.reader())

    def overdue_incidents(self, now_ms: int) -> set[str]:
        return {str(r["incident_id"]) for r in self.board.overdue(now_ms)}

    def rows(self, f: ListFilter, limit: int = LIST_LIMIT) -> list[ListRow]:
        now = self.now_ms()
        if f.status == OPEN:
            return self._filter_open(f, now, limit)
        where, params = where_of(f, operator=self.store.operator, now_ms=now, zone=self.zone)
        late = self.overdue_incidents(now)
        return [self._row(r, late) for r in self._repo().list_rows(where, params, limit)]

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
