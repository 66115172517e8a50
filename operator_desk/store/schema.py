"""How each synced table merges, derived from the one declaration in domain/tables.py.

- RECORD tables merge per field, last writer wins by (hlc, site_id); `status` only moves forward.
- APPEND tables are insert-only rows that never conflict (notes, events).
Local-only tables (drafts, outbox, meta, field_clock, quarantine) never leave the desk; the audit
trail syncs as an append-only table (its `seq` stays local).

The names below stay for the callers that read them; `schema_problems` compares the declaration with
a migrated file (`operator-desk check`, and a unit test on a fresh store).
"""

from __future__ import annotations

import sqlite3

from ..domain.tables import TABLE, TABLES, synced

RECORD_TABLES: dict[str, tuple[str, ...]] = synced("record")
APPEND_TABLES: dict[str, tuple[str, ...]] = synced("append")

JSON_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    (t.name, c.name) for t in TABLES for c in t.columns if c.is_json
)

FORWARD_ONLY: frozenset[tuple[str, str]] = frozenset(
    (t.name, c.name) for t in TABLES for c in t.columns if c.forward_only
)


def is_synced(table: str) -> bool:
    return table in RECORD_TABLES or table in APPEND_TABLES


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """Where the migrated file and the declaration disagree: a missing or undeclared column, a type or
    NOT NULL that differs, a missing table. Empty when they match."""
    problems: list[str] = []
    for t in TABLES:
        rows = conn.execute(f"PRAGMA table_xinfo({t.name})").fetchall()
        if not rows:
            problems.append(f"schema: table {t.name} is declared but missing from the store")
            continue
        # hidden: 0 a stored column, 2/3 a generated one (virtual/stored)
        stored = {r[1]: r for r in rows if r[6] == 0}
        generated = {r[1] for r in rows if r[6] in (2, 3)}
        declared = {c.name: c for c in t.columns}
        for name in sorted(set(stored) - set(declared) - {t.pk} - set(t.local_columns)):
            problems.append(f"schema: {t.name}.{name} is in the store but not declared")
        if t.pk not in stored:
            problems.append(f"schema: {t.name} has no primary key column {t.pk}")
        elif not stored[t.pk][5] and not _unique(conn, t.name, t.pk):
            problems.append(f"schema: {t.name}.{t.pk} is not the primary key")
        for name, col in declared.items():
            row = stored.get(name)
            if row is None:
                problems.append(f"schema: {t.name}.{name} is declared but missing from the store")
                continue
            if (row[2] or "").upper() != col.sql_type:
                problems.append(f"schema: {t.name}.{name} is {row[2] or 'untyped'}, declared {col.sql_type}")
            if bool(row[3]) == col.nullable:
                want = "nullable" if col.nullable else "NOT NULL"
                problems.append(f"schema: {t.name}.{name} should be {want}")
        if generated != set(t.generated):
            problems.append(
                f"schema: {t.name} generated columns {sorted(generated)} differ from the declared "
                f"{sorted(t.generated)}"
            )
    return problems


def _unique(conn: sqlite3.Connection, table: str, column: str) -> bool:
    """True when a unique index holds exactly this column (the audit trail's `id`)."""
    for idx in conn.execute(f"PRAGMA index_list({table})").fetchall():
        if idx[2] and [r[2] for r in conn.execute(f"PRAGMA index_info({idx[1]})")] == [column]:
            return True
    return False


__all__ = [
    "APPEND_TABLES",
    "FORWARD_ONLY",
    "JSON_COLUMNS",
    "RECORD_TABLES",
    "TABLE",
    "is_synced",
    "schema_problems",
]
