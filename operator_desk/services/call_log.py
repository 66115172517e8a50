"""The call log's queries: which calls match a filter (keyset pages, newest first) and their rows.

Stays fast at a million calls: the filter is an indexed query with keyset paging; search goes through
FTS5 (trigram, so number fragments match). The UI's call log model holds ids and asks this object
for the few rows it paints; it never sees SQL or the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..domain import phone
from ..store.database import StoreError
from ..store.store import Store

Key = tuple[int, str]  # (started_at, id): the order of the log, newest first
MAX_IDS = 400  # bound parameters per IN (...) query


@dataclass
class CallFilter:
    """What the operator narrowed the log to."""

    outcome: str | None = None
    category: str | None = None
    from_ms: int | None = None
    to_ms: int | None = None
    text: str = ""

    def page_sql(self, after: Key | None, limit: int) -> tuple[str, list[Any]]:
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


@dataclass(frozen=True)
class CallLogRow:
    """One line of the call log: the call and the number and category of its incident, if any."""

    id: str
    caller_number: str | None
    caller_raw: str | None
    started_at: int
    answered_at: int | None
    ended_at: int | None
    outcome: str | None
    operator: str | None
    incident_id: str | None
    incident_number: str | None
    category: str | None


_ROW_SQL = (
    "SELECT c.id, c.caller_number, c.caller_raw, c.started_at, c.answered_at, c.ended_at, c.outcome, "
    "c.operator, c.incident_id, i.number, i.category FROM calls c "
    "LEFT JOIN incidents i ON i.id = c.incident_id WHERE c.id IN ({marks})"
)


class CallLogQuery:
    """Read-only queries of the call log over one desk's store (the calling thread's connection)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def page(self, flt: CallFilter, after: Key | None, limit: int) -> list[Key]:
        """Up to `limit` (started_at, id) keys matching `flt`, newest first, after the key `after`."""
        sql, params = flt.page_sql(after, limit)
        return [(int(r[1]), str(r[0])) for r in self._store.reader().execute(sql, params)]

    def newer_than(self, flt: CallFilter, top: Key | None, limit: int = 1000) -> list[str]:
        """Ids of calls matching `flt` that sort above `top` (all of them when None), newest first."""
        where, params = flt.where()
        if top is not None:
            where += " AND (c.started_at, c.id) > (?, ?)"
            params += [top[0], top[1]]
        sql = f"SELECT c.id FROM calls c WHERE {where} ORDER BY c.started_at DESC, c.id DESC LIMIT {int(limit)}"
        return [str(r[0]) for r in self._store.reader().execute(sql, params)]

    def key_of(self, call_id: str) -> Key | None:
        """The (started_at, id) of one call, None if this desk has no such call."""
        row = self._store.reader().execute("SELECT started_at, id FROM calls WHERE id=?", (call_id,)).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def count(self, flt: CallFilter) -> int:
        where, params = flt.where()
        return int(self._store.reader().execute(f"SELECT count(*) FROM calls c WHERE {where}", params).fetchone()[0])

    def rows_by_ids(self, ids: Iterable[str]) -> list[CallLogRow]:
        """The rows of these calls (any order; unknown ids are left out).

        Returns [] once the store is closed: a view may still paint while the desk shuts down.
        """
        wanted = list(dict.fromkeys(ids))
        out: list[CallLogRow] = []
        try:
            conn = self._store.reader()
            for i in range(0, len(wanted), MAX_IDS):
                part = wanted[i : i + MAX_IDS]
                for r in conn.execute(_ROW_SQL.format(marks=",".join("?" * len(part))), part):
                    out.append(CallLogRow(*tuple(r)))
        except StoreError:
            if self._store.closed:
                return []
            raise
        return out

    @property
    def closed(self) -> bool:
        """True once the desk's store is closed (nothing more can be read)."""
        return self._store.closed
