"""A write transaction that records, with every domain change, its outbox rows and an audit row.

Everything here runs on the writer thread inside BEGIN IMMEDIATE; nothing commits by itself.

Audit rule (tamper evidence, domain/audit.py): every audit row covers the outbox rows written in its
transaction since the previous audit row (`covers`: their count, first and last clock, and digest,
hashed into the row's chained hash). `finish()`, called by the store just before the commit, adds an
automatic `commit` audit row when outbox rows are left uncovered, so no commit escapes the trail; a
service's explicit `tx.audit(...)` (call_ring, recording_replay, ...) written after its changes covers
them itself. Every audit row also goes into the outbox (table `audit`): the trail syncs to the hub.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from ..domain.audit import AUTO_ACTION, audit_hash, outbox_digest
from ..domain.changes import Changes
from ..domain.errors import ErrorCode, ValidationError
from ..domain.hlc import HybridClock
from ..domain.ids import new_id
from ..domain.tables import check_row, check_value
from .schema import APPEND_TABLES, JSON_COLUMNS, RECORD_TABLES


def encode_value(table: str, col: str, value: Any) -> Any:
    """Python value -> what SQLite stores (JSON columns as text)."""
    if (table, col) in JSON_COLUMNS and value is not None and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return int(value)
    return value


def decode_value(table: str, col: str, value: Any) -> Any:
    if (table, col) in JSON_COLUMNS and isinstance(value, str):
        return json.loads(value)
    return value


class Tx:
    """The only way services change synced tables. Collects a `Changes` for the broadcast."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        site_id: str,
        operator: str | None,
        clock: HybridClock,
        now_ms: Callable[[], int],
        audit_head: list[str],
    ) -> None:
        self.conn = conn
        self.site_id = site_id
        self.operator = operator
        self.clock = clock
        self.now_ms = now_ms
        self.changes = Changes(origin="local")
        self._audit_head = audit_head  # one-element list shared with the Store: last hash of this site
        self._uncovered: list[tuple[Any, ...]] = []  # outbox rows since the last audit row

    # -- reads inside the transaction ---------------------------------------------------------
    def one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def field_hlcs(self, table: str, pk: str) -> dict[str, str]:
        rows = self.conn.execute("SELECT col, hlc FROM field_clock WHERE tbl=? AND pk=?", (table, pk))
        return {r["col"]: r["hlc"] for r in rows}

    # -- writes -----------------------------------------------------------------------------------
    def insert_record(self, table: str, fields: Mapping[str, Any], pk: str | None = None) -> str:
        """A new mutable record; every field becomes one outbox change."""
        cols = RECORD_TABLES[table]
        unknown = set(fields) - set(cols)
        if unknown:
            raise KeyError(f"{table}: unknown fields {sorted(unknown)}")
        pk = pk or new_id()
        values = {c: encode_value(table, c, fields.get(c)) for c in cols if c in fields}
        names = ", ".join(["id", *values])
        marks = ", ".join("?" * (len(values) + 1))
        self.conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", (pk, *values.values()))
        self._outbox_many(table, pk, [(col, fields[col], None) for col in values])
        self.changes.add(table, pk)
        return pk

    def update_record(
        self, table: str, pk: str, fields: Mapping[str, Any], seen: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Change fields that differ; `seen` is the field clock the editor saw (base for conflicts).

        Returns the fields that really changed.
        """
        cols = RECORD_TABLES[table]
        unknown = set(fields) - set(cols)
        if unknown:
            raise KeyError(f"{table}: unknown fields {sorted(unknown)}")
        row = self.one(f"SELECT {', '.join(fields) or 'id'} FROM {table} WHERE id=?", (pk,))
        if row is None:
            raise KeyError(f"{table} {pk} not found")
        current = self.field_hlcs(table, pk)
        changed: dict[str, Any] = {}
        for col, value in fields.items():
            stored = encode_value(table, col, value)
            if row[col] == stored:
                continue
            changed[col] = value
            base = (seen or {}).get(col, current.get(col))
            self._outbox(table, pk, col, value, base_hlc=base)
        if changed:
            sets = ", ".join(f"{c}=?" for c in changed)
            self.conn.execute(
                f"UPDATE {table} SET {sets} WHERE id=?",
                (*(encode_value(table, c, v) for c, v in changed.items()), pk),
            )
            self.changes.add(table, pk)
        return changed

    def append(self, table: str, fields: Mapping[str, Any], pk: str | None = None) -> str:
        """An insert-only row (note, event): one outbox change carrying the whole row."""
        cols = APPEND_TABLES[table]
        pk = pk or new_id()
        row = {c: fields.get(c) for c in cols}
        stored = [encode_value(table, c, row[c]) for c in cols]
        self.conn.execute(
            f"INSERT INTO {table} (id, {', '.join(cols)}) VALUES ({', '.join('?' * (len(cols) + 1))})",
            (pk, *stored),
        )
        self._outbox(table, pk, "*", row, base_hlc=None)
        self.changes.add(table, pk)
        return pk

    def audit(self, action: str, table: str, pk: str, detail: Mapping[str, Any] | None = None) -> None:
        """Append to the hash-chained audit trail of this site; the row covers the outbox rows written
        since the previous one of this transaction, and goes into the outbox itself."""
        covered, self._uncovered = self._uncovered, []
        covers = (
            json.dumps(
                {"n": len(covered), "first": covered[0][0], "last": covered[-1][0], "sha256": outbox_digest(covered)},
                sort_keys=True,
            )
            if covered
            else None
        )
        row = {
            "id": new_id(),
            "at": self.now_ms(),
            "site_id": self.site_id,
            "operator": self.operator,
            "action": action,
            "tbl": table,
            "pk": pk,
            "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
            "covers": covers,
        }
        prev = self._audit_head[0]
        digest = audit_hash(prev, row)
        self.conn.execute(
            "INSERT INTO audit (id, at, site_id, operator, action, tbl, pk, detail, prev_hash, hash, covers) "
            "VALUES (:id, :at, :site_id, :operator, :action, :tbl, :pk, :detail, :prev, :hash, :covers)",
            {**row, "prev": prev, "hash": digest},
        )
        self._audit_head[0] = digest
        value = {k: v for k, v in row.items() if k != "id"}
        value.update(prev_hash=prev, hash=digest)
        self._check("audit", "*", value)
        self.conn.execute(
            "INSERT INTO outbox (site_id, hlc, tbl, pk, col, value, base_hlc, operator) VALUES (?,?,?,?,?,?,?,?)",
            (
                self.site_id,
                self.clock.tick().encode(),
                "audit",
                row["id"],
                "*",
                json.dumps(value, ensure_ascii=False),
                None,
                self.operator,
            ),
        )

    def finish(self) -> None:
        """Before the commit (Store.write_async): an automatic audit row for outbox rows no explicit
        audit row covers."""
        if self._uncovered:
            first = self._uncovered[0]
            tables = sorted({r[1] for r in self._uncovered})
            self.audit(AUTO_ACTION, first[1], first[2], {"tables": tables, "changes": len(self._uncovered)})

    @staticmethod
    def _check(table: str, col: str, value: Any) -> None:
        """What this desk sends must pass the hub's check of the same declaration: refuse it here, with
        the field named, rather than leave a change in the outbox that every push would be refused for."""
        problem = Tx._problem(table, col, value)
        if problem is None:
            return
        try:  # checked as it travels: enum members become text, tuples lists
            wire = json.loads(json.dumps(value, ensure_ascii=False))
        except (TypeError, ValueError):
            wire = value
        problem = Tx._problem(table, col, wire)
        if problem is None:
            return
        if col == "*":
            bad = check_row(table, wire)
            col = bad[0] if bad else col
        code = ErrorCode.TOO_LONG if "over the limit" in problem else ErrorCode.INVALID_VALUE
        raise ValidationError({col: str(code)}, detail=f"{table}.{col}: {problem}")

    @staticmethod
    def _problem(table: str, col: str, value: Any) -> str | None:
        if col == "*":
            bad = check_row(table, value)
            return None if bad is None else f"{bad[0]}: {bad[1]}"
        return check_value(table, col, value)

    def _outbox(self, table: str, pk: str, col: str, value: Any, base_hlc: str | None) -> None:
        self._outbox_many(table, pk, [(col, value, base_hlc)])

    def _outbox_many(self, table: str, pk: str, items: list[tuple[str, Any, str | None]]) -> None:
        """One outbox row per (col, value, base_hlc), and the field clocks, in two statements."""
        rows = []
        clocks = []
        for col, value, base_hlc in items:
            self._check(table, col, value)
            hlc = self.clock.tick().encode()
            text = json.dumps(value, ensure_ascii=False)
            rows.append((self.site_id, hlc, table, pk, col, text, base_hlc, self.operator))
            self._uncovered.append((hlc, table, pk, col, text, base_hlc, self.operator))
            if col != "*":
                clocks.append((table, pk, col, hlc, self.site_id))
        self.conn.executemany(
            "INSERT INTO outbox (site_id, hlc, tbl, pk, col, value, base_hlc, operator) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
        if clocks:
            self.conn.executemany(
                "INSERT INTO field_clock (tbl, pk, col, hlc, site_id) VALUES (?,?,?,?,?) "
                "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc=excluded.hlc, site_id=excluded.site_id, vhash=NULL",
                clocks,
            )


__all__ = ["Tx", "audit_hash", "decode_value", "encode_value"]
