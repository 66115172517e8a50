"""Applying pulled changes to a desk's SQLite store, and the sync bookkeeping checks.

Runs on the store's writer thread inside the transaction that also moves the pull cursor, so a
crash leaves either both or neither. No outbox rows: these changes already have an origin.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..domain.changes import Changes
from ..store.schema import APPEND_TABLES, RECORD_TABLES
from ..store.tx import decode_value, encode_value
from . import protocol as p

CURSOR_KEY = "sync_cursor"
SERVER_ID_KEY = "sync_server_id"
SERVER_URL_KEY = "sync_server"
TOKEN_KEY = "sync_token"
CHUNK = 400  # bound parameters per IN (...) query

_placeholders: dict[str, dict[str, Any]] = {}


def _not_null_defaults(conn: sqlite3.Connection, tbl: str) -> dict[str, Any]:
    """NOT NULL columns without a default get a placeholder until their own change arrives
    (a pull page may end in the middle of a record's insert)."""
    if tbl not in _placeholders:
        out: dict[str, Any] = {}
        for row in conn.execute(f"PRAGMA table_info({tbl})"):
            name, ctype, notnull, default, pk = row[1], row[2], row[3], row[4], row[5]
            if notnull and default is None and not pk:
                out[name] = 0 if "INT" in (ctype or "").upper() or "REAL" in (ctype or "").upper() else ""
        _placeholders[tbl] = out
    return _placeholders[tbl]


def apply_changes(
    conn: sqlite3.Connection,
    changes: Iterable[dict[str, Any]],
    *,
    fault_hook: Callable[[int], None] | None = None,
) -> Changes:
    """Merge remote changes (LWW per field, status forward, append once). Idempotent.

    Batched: the field clocks of the page are read in chunks, merged in Python in page order, and
    written back with one executemany per (table, set of columns) — one statement per row, so the
    FTS triggers fire once per row, not once per field.
    """
    touched = Changes(initiator="sync")
    fields: list[dict[str, Any]] = []
    for i, ch in enumerate(changes):
        tbl = ch["tbl"]
        cols = RECORD_TABLES.get(tbl)
        if cols is not None:
            if ch["col"] in cols:
                fields.append(ch)
        elif tbl in APPEND_TABLES and ch["col"] == "*" and _apply_row(conn, ch):
            touched.add(tbl, ch["pk"])
        # anything else comes from a newer schema: skipped (the server keeps it in its log)
        if fault_hook is not None:
            fault_hook(i)
    if fields:
        _apply_fields(conn, fields, touched)
    return touched


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _apply_fields(conn: sqlite3.Connection, fields: list[dict[str, Any]], touched: Changes) -> None:
    pks: dict[str, set[str]] = {}
    for ch in fields:
        pks.setdefault(ch["tbl"], set()).add(ch["pk"])
    clocks: dict[tuple[str, str, str], tuple[str, str]] = {}
    for tbl, keys in pks.items():
        for part in _chunks(sorted(keys)):
            rows = conn.execute(
                f"SELECT pk, col, hlc, site_id FROM field_clock WHERE tbl=? AND pk IN ({','.join('?' * len(part))})",
                (tbl, *part),
            )
            for pk, col, hlc, site in rows:
                clocks[(tbl, pk, col)] = (hlc, site)
    values = _forward_only_values(conn, fields, clocks)
    dirty: dict[tuple[str, str], dict[str, Any]] = {}  # (tbl, pk) -> {col: new value}
    for ch in fields:
        tbl, pk, col = ch["tbl"], ch["pk"], ch["col"]
        key = (tbl, pk, col)
        cur_clock = clocks.get(key)
        if cur_clock is None:  # a field this desk has not seen (the common case): the write wins
            value, clock = ch["value"], (ch["hlc"], ch["site_id"])
        else:
            value, clock, changed = p.merge_field(
                tbl, col, values.get(key), cur_clock, ch["value"], (ch["hlc"], ch["site_id"])
            )
            if not changed:
                continue
        clocks[key] = clock
        values[key] = value
        dirty.setdefault((tbl, pk), {})[col] = value
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
    for (tbl, pk), new in dirty.items():
        names = tuple(sorted(new))
        groups.setdefault((tbl, names), []).append((pk, *(encode_value(tbl, c, new[c]) for c in names)))
        touched.add(tbl, pk)
    for (tbl, names), batch in groups.items():
        extra = {k: v for k, v in _not_null_defaults(conn, tbl).items() if k not in names}
        cols = ", ".join(["id", *names, *extra])
        marks = ", ".join("?" * (1 + len(names) + len(extra)))
        sets = ", ".join(f"{c}=excluded.{c}" for c in names)
        tail = tuple(extra.values())
        conn.executemany(
            f"INSERT INTO {tbl} ({cols}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {sets}",
            [r + tail for r in batch] if tail else batch,
        )
    conn.executemany(
        "INSERT INTO field_clock (tbl, pk, col, hlc, site_id) VALUES (?,?,?,?,?) "
        "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc=excluded.hlc, site_id=excluded.site_id",
        [(tbl, pk, col, *clocks[(tbl, pk, col)]) for (tbl, pk), new in dirty.items() for col in new],
    )


def _forward_only_values(
    conn: sqlite3.Connection,
    fields: list[dict[str, Any]],
    clocks: dict[tuple[str, str, str], tuple[str, str]],
) -> dict[tuple[str, str, str], Any]:
    """Current values of the forward-only fields the page touches (their merge needs the value)."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for ch in fields:
        tbl, pk, col = ch["tbl"], ch["pk"], ch["col"]
        if (tbl, pk, col) in clocks and p.is_forward_only(tbl, col):
            wanted.setdefault((tbl, col), set()).add(pk)
    out: dict[tuple[str, str, str], Any] = {}
    for (tbl, col), keys in wanted.items():
        for part in _chunks(sorted(keys)):
            rows = conn.execute(
                f"SELECT id, {col} FROM {tbl} WHERE id IN ({','.join('?' * len(part))})", tuple(part)
            )
            for pk, value in rows:
                out[(tbl, pk, col)] = decode_value(tbl, col, value)
    return out


def _apply_row(conn: sqlite3.Connection, ch: dict[str, Any]) -> bool:
    tbl = ch["tbl"]
    cols = APPEND_TABLES[tbl]
    row = ch["value"] or {}
    cur = conn.execute(
        f"INSERT INTO {tbl} (id, {', '.join(cols)}) VALUES ({', '.join('?' * (len(cols) + 1))}) "
        "ON CONFLICT(id) DO NOTHING",
        (ch["pk"], *(encode_value(tbl, c, row.get(c)) for c in cols)),
    )
    return cur.rowcount > 0


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
        (key, value),
    )


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return None if row is None else str(row[0])


def replica_state(conn: sqlite3.Connection) -> dict[str, dict[str, dict[str, Any]]]:
    """{tbl: {pk: {col: value}}} of every synced row, non-null fields only (to compare replicas)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for tbl, cols in {**RECORD_TABLES, **APPEND_TABLES}.items():
        rows = conn.execute(f"SELECT id, {', '.join(cols)} FROM {tbl}").fetchall()
        for r in rows:
            fields = {c: decode_value(tbl, c, r[i + 1]) for i, c in enumerate(cols) if r[i + 1] is not None}
            if fields:
                out.setdefault(tbl, {})[r[0]] = fields
    return out


def sync_consistency(conn: sqlite3.Connection) -> list[str]:
    """Problems in the desk's sync bookkeeping (for `operator-desk check`); empty when consistent."""
    problems: list[str] = []
    site = get_meta(conn, "site_id")
    other = conn.execute("SELECT count(*) FROM outbox WHERE site_id IS NOT ?", (site,)).fetchone()[0]
    if other:
        problems.append(f"outbox: {other} rows carry another site_id than meta.site_id {site}")
    first_unpushed = conn.execute("SELECT min(site_seq) FROM outbox WHERE pushed=0").fetchone()[0]
    if first_unpushed is not None:
        late = conn.execute(
            "SELECT count(*) FROM outbox WHERE pushed=1 AND site_seq > ?", (first_unpushed,)
        ).fetchone()[0]
        if late:
            problems.append(f"outbox: {late} rows marked pushed after unpushed site_seq {first_unpushed}")
    bad_tbl = conn.execute(
        f"SELECT DISTINCT tbl FROM outbox WHERE tbl NOT IN ({','.join('?' * (len(RECORD_TABLES) + len(APPEND_TABLES)))})",
        (*RECORD_TABLES, *APPEND_TABLES),
    ).fetchall()
    if bad_tbl:
        problems.append(f"outbox: rows for tables that do not sync: {[r[0] for r in bad_tbl]}")
    for key in (CURSOR_KEY,):
        value = get_meta(conn, key)
        if value is not None and not value.isdigit():
            problems.append(f"meta.{key}: not a non-negative integer ({value!r})")
    bad_clock = conn.execute(
        "SELECT count(*) FROM field_clock WHERE hlc NOT GLOB '[0-9]*-[0-9]*' OR length(hlc) != 19"
    ).fetchone()[0]
    if bad_clock:
        problems.append(f"field_clock: {bad_clock} malformed clocks")
    bad_value = 0
    for row in conn.execute("SELECT value FROM outbox WHERE pushed=0"):
        try:
            json.loads(row[0]) if row[0] is not None else None
        except ValueError:
            bad_value += 1
    if bad_value:
        problems.append(f"outbox: {bad_value} unpushed rows whose value is not JSON")
    return problems
