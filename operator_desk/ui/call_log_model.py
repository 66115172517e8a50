"""The call log model: ids in order plus a small row cache, pages fetched on demand.

Stays fast at a million calls: the rows come from `CallLogQuery` (services) in keyset pages and only
visible rows are materialised. Its reaction to a change-set is bounded: a few calls are updated in
place, a big batch (a sync catch-up) costs one reload of the loaded window, never per-row work.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..domain import phone
from ..domain.changes import Changes
from ..domain.timeutil import local
from ..services.call_log import CallFilter, CallLogQuery, CallLogRow, Key
from . import labels

PAGE = 200
CACHE_ROWS = 2000
FETCH_BLOCK = 48  # about what a view shows at once
BIG_BATCH = 200  # more calls than this in one change-set: reload the loaded window instead
RELOAD_MAX = 5000  # a reload keeps at most this many loaded rows (the rest is fetched again on scroll)
Index = QModelIndex | QPersistentModelIndex

__all__ = ["BIG_BATCH", "PAGE", "CallFilter", "CallLogModel"]


@dataclass
class _Page:
    ids: list[str] = field(default_factory=list)
    last_key: Key | None = None
    exhausted: bool = False
    rows: dict[str, int] = field(default_factory=dict)  # id -> row, built when needed

    def row_of(self, call_id: str) -> int | None:
        if len(self.rows) != len(self.ids):
            self.rows = {cid: i for i, cid in enumerate(self.ids)}
        return self.rows.get(call_id)


@dataclass
class _Cached:
    row: CallLogRow
    display: list[str] | None = None


class CallLogModel(QAbstractTableModel):
    """Newest call first. Columns: time (WITA), number, outcome, incident, operator, duration."""

    COLUMNS = ("time", "number", "outcome", "incident", "operator", "duration")

    def __init__(self, query: CallLogQuery | Any, parent: Any = None) -> None:
        super().__init__(parent)
        # A store is still accepted (older callers, benches): the query object wraps it.
        self.query = query if isinstance(query, CallLogQuery) else CallLogQuery(query)
        self.filter = CallFilter()
        self._page = _Page()
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self.reloads = 0  # full reloads done (tests and the latency bench read it)
        self.reload()

    # -- loading ------------------------------------------------------------------------------------
    def reload(self, keep: int = PAGE) -> None:
        """Query the first `keep` rows (at least one page) again: one model reset."""
        self._outcome_names: dict[tuple[str | None, bool, bool], str] = {}
        self.beginResetModel()
        self._page = _Page()
        self._cache.clear()
        self._append_page(max(PAGE, min(keep, RELOAD_MAX)))
        self.endResetModel()
        self.reloads += 1

    def _append_page(self, limit: int = PAGE) -> int:
        keys = self.query.page(self.filter, self._page.last_key, limit)
        if len(keys) < limit:
            self._page.exhausted = True
        if keys:
            self._page.ids.extend(k[1] for k in keys)
            self._page.last_key = keys[-1]
        return len(keys)

    def set_filter(self, flt: CallFilter) -> None:
        self.filter = flt
        self.reload()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._page.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._page.exhausted:
            return
        keys = self.query.page(self.filter, self._page.last_key, PAGE)
        if not keys:
            self._page.exhausted = True
            return
        first = len(self._page.ids)
        self.beginInsertRows(QModelIndex(), first, first + len(keys) - 1)
        self._page.ids.extend(k[1] for k in keys)
        self._page.last_key = keys[-1]
        if len(keys) < PAGE:
            self._page.exhausted = True
        self.endInsertRows()

    def apply_changes(self, changes: Changes) -> None:
        """New calls matching the filter appear on top; changed ones repaint; nothing else moves.

        Bounded whatever the size of `changes`: more than BIG_BATCH calls (a sync catch-up) make one
        reload of the rows already loaded, so calls that arrived in the middle of the log show too.
        """
        touched = changes.ids.get("calls", set())
        incidents = changes.touches("incidents")
        if len(touched) > BIG_BATCH:
            self.reload(len(self._page.ids))
            return
        n = len(self._page.ids)
        if incidents:  # an incident's number or category shows on every call of it
            self._cache.clear()
            if n:
                self.dataChanged.emit(self.index(0, 0), self.index(n - 1, len(self.COLUMNS) - 1))
        if not touched:
            return
        rows = [r for r in (self._page.row_of(cid) for cid in touched) if r is not None]
        for call_id in touched:
            self._cache.pop(call_id, None)
        if rows and not incidents:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(self.COLUMNS) - 1))
        if len(rows) < len(touched):
            top = self.query.key_of(self._page.ids[0]) if self._page.ids else None
            known = self._page.rows
            newer = [i for i in self.query.newer_than(self.filter, top) if i not in known]
            if newer:
                self.beginInsertRows(QModelIndex(), 0, len(newer) - 1)
                self._page.ids[0:0] = newer
                self._page.rows = {}
                self.endInsertRows()

    # -- Qt model API -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._page.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def call_id(self, row: int) -> str | None:
        return self._page.ids[row] if 0 <= row < len(self._page.ids) else None

    def row_of(self, call_id: str) -> int | None:
        """The row of a loaded call, None if it is not (or not yet) loaded."""
        return self._page.row_of(call_id)

    def _cached(self, row: int) -> _Cached | None:
        call_id = self.call_id(row)
        if call_id is None:
            return None
        rec = self._cache.get(call_id)
        if rec is None:
            self._load_block(row)
            rec = self._cache.get(call_id)
        return rec

    def _load_block(self, row: int) -> None:
        """Materialise the rows a view is about to paint in one query (not one query per row)."""
        block = [i for i in self._page.ids[row : row + FETCH_BLOCK] if i not in self._cache]
        for rec in self.query.rows_by_ids(block):
            self._cache[rec.id] = _Cached(rec)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cached = self._cached(index.row())
        if cached is None:
            return None
        rec = cached.row
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if cached.display is None:  # formatted once per row, when it is first painted
                cached.display = [self._display(rec, c) for c in self.COLUMNS]
            return cached.display[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return rec.id
        if role == Qt.ItemDataRole.ToolTipRole and col == "incident":
            return labels.category(rec.category)
        return None

    def _display(self, rec: CallLogRow, col: str) -> str:
        if col == "time":
            return f"{local(rec.started_at):%d-%m %H:%M:%S}"
        if col == "number":
            return phone.display(rec.caller_number) or rec.caller_raw or "—"
        if col == "outcome":  # a call not closed yet: ringing (never answered) or in progress
            key = (rec.outcome, rec.answered_at is not None, rec.ended_at is not None)
            name = self._outcome_names.get(key)
            if name is None:  # a few codes: translate each once per reload, not per row
                name = self._outcome_names[key] = labels.call_state(*key)
            return name
        if col == "incident":
            return rec.incident_number or ""
        if col == "operator":
            return rec.operator or ""
        if col == "duration":
            start = rec.answered_at or rec.started_at
            end = rec.ended_at
            if end is None or start is None:
                return ""
            secs = max(0, (end - start) // 1000)
            return f"{secs // 60}:{secs % 60:02d}"
        return ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        titles = {
            "time": self.tr("Time"),
            "number": self.tr("Number"),
            "outcome": self.tr("Outcome"),
            "incident": self.tr("Incident"),
            "operator": self.tr("Operator"),
            "duration": self.tr("Duration"),
        }
        return titles[self.COLUMNS[section]]
