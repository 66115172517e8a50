"""The call log model: ids in order plus a small row cache, pages fetched on demand.

Stays fast at a million calls: the filter is an indexed query with keyset paging; search goes through
FTS5 (trigram, so number fragments match); only visible rows are materialised.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..domain import phone
from ..domain.changes import Changes
from ..domain.timeutil import local
from ..store.database import StoreError
from ..store.store import Store
from . import labels

PAGE = 200
CACHE_ROWS = 2000
FETCH_BLOCK = 48  # about what a view shows at once
Index = QModelIndex | QPersistentModelIndex


@dataclass
class CallFilter:
    """What the operator narrowed the log to."""

    outcome: str | None = None
    category: str | None = None
    from_ms: int | None = None
    to_ms: int | None = None
    text: str = ""

    def page_sql(self, after: tuple[int, str] | None, limit: int) -> tuple[str, list[Any]]:
        """The query of one page, newest first, keyset-paged after (started_at, id).

        LIMIT is written as a literal: with a bound LIMIT SQLite cannot see that walking the time index
        and stopping early beats sorting every match.
        """
        where, params = self.where()
        if after is not None:
            where += " AND (c.started_at, c.id) < (?, ?)"
            params += [after[0], after[1]]
        order = "+c.started_at" if self.searching else "c.started_at"
        return (
            f"SELECT c.id, c.started_at FROM calls c WHERE {where} ORDER BY {order} DESC, c.id DESC LIMIT {int(limit)}",
            params,
        )

    @property
    def searching(self) -> bool:
        return len(self.text.strip()) >= 3

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.outcome:
            clauses.append("c.outcome = ?")
            params.append(self.outcome)
        if self.from_ms is not None:
            clauses.append("c.started_at >= ?")
            params.append(self.from_ms)
        if self.to_ms is not None:
            clauses.append("c.started_at < ?")
            params.append(self.to_ms)
        if self.category:
            clauses.append("c.incident_id IN (SELECT id FROM incidents WHERE category = ?)")
            params.append(self.category)
        text = self.text.strip()
        if len(text) >= 3:
            # One rowid set from the indexes (FTS of calls, FTS of incidents, the exact number), never an OR
            # across them: SQLite then walks the few matches instead of the whole log.
            quoted = '"' + text.replace('"', '""') + '"'
            parts = [
                "SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?",
                "SELECT c2.rowid FROM calls c2 WHERE c2.incident_id IN (SELECT i.id FROM incidents i WHERE i.rowid IN "
                "(SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?))",
            ]
            params += [quoted, quoted]
            digits = "".join(ch for ch in text if ch.isdigit())
            e164 = phone.normalise(digits) if digits.startswith("0") and len(digits) >= 6 else None
            if e164:  # 0812… typed with spaces or dashes, +62812… stored
                parts.append("SELECT c3.rowid FROM calls c3 WHERE c3.caller_number = ?")
                params.append(e164)
            clauses.append("c.rowid IN (" + " UNION ".join(parts) + ")")
        return (" AND ".join(clauses) or "1"), params


@dataclass
class _Page:
    ids: list[str] = field(default_factory=list)
    last_key: tuple[int, str] | None = None
    exhausted: bool = False


class CallLogModel(QAbstractTableModel):
    """Newest call first. Columns: time (WITA), number, outcome, incident, operator, duration."""

    COLUMNS = ("time", "number", "outcome", "incident", "operator", "duration")

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.filter = CallFilter()
        self._page = _Page()
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.reload()

    # -- loading ------------------------------------------------------------------------------------
    def _query_ids(self, after: tuple[int, str] | None, limit: int) -> list[tuple[str, int]]:
        sql, params = self.filter.page_sql(after, limit)
        return [(r[0], r[1]) for r in self.store.reader().execute(sql, params)]

    def reload(self) -> None:
        self._outcome_names: dict[str | None, str] = {}
        self.beginResetModel()
        self._page = _Page()
        self._cache.clear()
        self._append_page()
        self.endResetModel()

    def _append_page(self) -> int:
        rows = self._query_ids(self._page.last_key, PAGE)
        if len(rows) < PAGE:
            self._page.exhausted = True
        if rows:
            self._page.ids.extend(r[0] for r in rows)
            self._page.last_key = (rows[-1][1], rows[-1][0])
        return len(rows)

    def set_filter(self, flt: CallFilter) -> None:
        self.filter = flt
        self.reload()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._page.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._page.exhausted:
            return
        rows = self._query_ids(self._page.last_key, PAGE)
        if not rows:
            self._page.exhausted = True
            return
        first = len(self._page.ids)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._page.ids.extend(r[0] for r in rows)
        self._page.last_key = (rows[-1][1], rows[-1][0])
        if len(rows) < PAGE:
            self._page.exhausted = True
        self.endInsertRows()

    def apply_changes(self, changes: Changes) -> None:
        """New calls matching the filter appear on top; changed ones repaint; nothing else moves."""
        touched = changes.ids.get("calls", set()) | set()
        if changes.touches("incidents"):
            self._cache.clear()
            if self._page.ids:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._page.ids) - 1, len(self.COLUMNS) - 1)
                )
        if not touched:
            return
        known = set(self._page.ids)
        for call_id in touched & known:
            self._cache.pop(call_id, None)
            row = self._page.ids.index(call_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        if touched - known:
            top = None
            if self._page.ids:
                r = (
                    self.store.reader()
                    .execute("SELECT started_at, id FROM calls WHERE id=?", (self._page.ids[0],))
                    .fetchone()
                )
                top = (r[0], r[1]) if r else None
            newer = self._newer_than(top)
            newer = [i for i in newer if i not in known]
            if newer:
                self.beginInsertRows(QModelIndex(), 0, len(newer) - 1)
                self._page.ids[0:0] = newer
                self.endInsertRows()

    def _newer_than(self, top: tuple[int, str] | None) -> list[str]:
        where, params = self.filter.where()
        if top is not None:
            where += " AND (c.started_at, c.id) > (?, ?)"
            params += [top[0], top[1]]
        sql = f"SELECT c.id FROM calls c WHERE {where} ORDER BY c.started_at DESC, c.id DESC LIMIT 1000"
        return [r[0] for r in self.store.reader().execute(sql, params)]

    # -- Qt model API -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._page.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def call_id(self, row: int) -> str | None:
        return self._page.ids[row] if 0 <= row < len(self._page.ids) else None

    def _row(self, row: int) -> dict[str, Any] | None:
        call_id = self.call_id(row)
        if call_id is None:
            return None
        rec = self._cache.get(call_id)
        if rec is None:
            self._load_block(row)
            rec = self._cache.get(call_id, {})
        return rec

    def _load_block(self, row: int) -> None:
        """Materialise the rows a view is about to paint in one query (not one query per row)."""
        block = [i for i in self._page.ids[row : row + FETCH_BLOCK] if i not in self._cache]
        marks = ",".join("?" * len(block))
        rows = self.store.reader().execute(
            "SELECT c.id, c.caller_number, c.caller_raw, c.started_at, c.answered_at, c.ended_at, c.outcome, "
            "c.operator, c.incident_id, i.number AS incident_number, i.category AS category FROM calls c "
            f"LEFT JOIN incidents i ON i.id = c.incident_id WHERE c.id IN ({marks})",
            block,
        )
        for r in rows:
            rec = dict(r)
            self._cache[rec["id"]] = rec
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        try:
            rec = self._row(index.row())
        except StoreError:  # the desk is shutting down
            return None
        if not rec:
            return None
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            shown = rec.get("_display")
            if shown is None:  # formatted once per row, when it is first painted
                shown = rec["_display"] = [self._display(rec, c) for c in self.COLUMNS]
            return shown[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return rec.get("id")
        if role == Qt.ItemDataRole.ToolTipRole and col == "incident":
            return labels.category(rec.get("category"))
        return None

    def _display(self, rec: dict[str, Any], col: str) -> str:
        if col == "time":
            return f"{local(rec['started_at']):%d-%m %H:%M:%S}"
        if col == "number":
            return phone.display(rec.get("caller_number")) or rec.get("caller_raw") or "—"
        if col == "outcome":
            code = rec.get("outcome")
            name = self._outcome_names.get(code)
            if name is None:  # 7 codes: translate each once per reload, not per row
                name = self._outcome_names[code] = labels.outcome(code)
            return name
        if col == "incident":
            return rec.get("incident_number") or ""
        if col == "operator":
            return rec.get("operator") or ""
        if col == "duration":
            start = rec.get("answered_at") or rec.get("started_at")
            end = rec.get("ended_at")
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
