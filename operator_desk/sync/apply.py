"""Applying pulled changes to a desk's SQLite store, and the sync bookkeeping checks.

Runs on the store's writer thread inside the transaction that also moves the pull cursor, so a
crash leaves either both or neither. No outbox rows: these changes already have an origin.

Every change is validated against the table declaration first (sync/protocol.validate_change): one
that does not fit (from an older or broken hub) is set aside in the local `quarantine` table with
the reason, and the rest of the page is applied. A desk never crashes on what it pulls.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..domain.audit import cell_digest
from ..domain.changes import Changes
from ..domain.retention import REDACTABLE, redaction_problem
from ..store.schema import APPEND_TABLES, RECORD_TABLES
from ..store.tx import decode_value, encode_value
from . import protocol as p

CURSOR_KEY = "sync_cursor"
SERVER_ID_KEY = "sync_server_id"
SERVER_URL_KEY = "sync_server"
TOKEN_KEY = "sync_token"
CHUNK = 400  # bound parameters per IN (...) query
MAX_QUARANTINE_TEXT = 64 * 1024  # the raw change kept in the quarantine is cut here


@dataclass
class Applied(Changes):
    """The Changes of an applied page, and how many of its changes were set aside (quarantined)."""

    quarantined: int = 0


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
    changes: Iterable[Any],
    *,
    fault_hook: Callable[[int], None] | None = None,
    now_ms: int | None = None,
) -> Applied:
    """Merge remote changes (LWW per field, status forward, append once). Idempotent.

    A change that does not fit its table's declaration is quarantined, not applied; the returned
    `Applied.quarantined` counts the ones this call set aside (a re-delivered one counts once).

    Batched: the field clocks of the page are read in chunks, merged in Python in page order, and
    written back with one executemany per (table, set of columns) — one statement per row, so the
    FTS triggers fire once per row, not once per field.
    """
    touched = Applied(origin="sync")
    fields: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    validate, append_tables, change_error = p.validate_change, APPEND_TABLES, p.ChangeError
    for i, raw in enumerate(changes):
        try:
            ch = validate(raw, need_origin=True, min_seq=0)  # a snapshot's changes carry site_seq 0
            if ch["tbl"] == REDACTIONS:
                problem = redaction_problem(ch["value"].get("tbl"), ch["value"].get("fields"))
                if problem is not None:
                    raise change_error(ch, "value", problem)
        except change_error as exc:
            at = now_ms if now_ms is not None else int(time.time() * 1000)
            touched.quarantined += quarantine(conn, raw, exc, at)
            if fault_hook is not None:
                fault_hook(i)
            continue
        if ch["tbl"] in append_tables:
            rows.append(ch)
        else:
            fields.append(ch)  # validated: a known column of a record table
        if fault_hook is not None:
            fault_hook(i)
    redactions = [ch for ch in rows if ch["tbl"] == REDACTIONS]
    known = known_redactions(conn, [*fields, *rows], redactions)
    if known:  # nothing redacted comes back: an older change of a redacted field is applied redacted
        fields = [_redacted_change(ch, known) for ch in fields]
        rows = [_redacted_change(ch, known) for ch in rows]
    for ch in rows:
        if _apply_row(conn, ch):
            touched.add(ch["tbl"], ch["pk"])
    if fields:
        _apply_fields(conn, fields, touched)
    for ch in redactions:
        red = ch["value"]
        redact(conn, ch["pk"], red["tbl"], red["pk"], red["fields"])
        touched.add(red["tbl"], red["pk"])
    return touched


# -- redactions (domain/retention.py) ---------------------------------------------------------------
REDACTIONS = "redactions"


def known_redactions(
    conn: sqlite3.Connection, changes: list[dict[str, Any]], page: Iterable[dict[str, Any]] = ()
) -> dict[tuple[str, str], dict[str, Any]]:
    """{(tbl, pk): {column: replacement}} of the redactions that concern these changes: the ones this
    desk holds and the ones in the same page."""
    wanted: dict[str, set[str]] = {}
    for ch in changes:
        if ch["tbl"] in REDACTABLE:
            wanted.setdefault(ch["tbl"], set()).add(ch["pk"])
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for tbl, keys in wanted.items():
        for part in _chunks(sorted(keys)):
            found = conn.execute(
                f"SELECT pk, fields FROM redactions WHERE tbl=? AND pk IN ({','.join('?' * len(part))})",
                (tbl, *part),
            )
            for pk, text in found:
                out.setdefault((tbl, pk), {}).update(json.loads(text) if text else {})
    for ch in page:
        red = ch["value"]
        out.setdefault((red["tbl"], red["pk"]), {}).update(red["fields"])
    return out


def _redacted_change(ch: dict[str, Any], known: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    fields = known.get((ch["tbl"], ch["pk"]))
    if not fields:
        return ch
    if ch["col"] == "*":
        return {**ch, "value": {**ch["value"], **{k: v for k, v in fields.items() if k in ch["value"]}}}
    if ch["col"] in fields:
        return {**ch, "value": fields[ch["col"]]}
    return ch


def redact(conn: sqlite3.Connection, redaction_id: str, tbl: str, pk: str, fields: dict[str, Any]) -> int:
    """Overwrite one row's redacted columns wherever this desk holds them: the row (the FTS triggers
    follow), the digests `check` keeps of pulled fields, the outbox rows that carried the old values
    (listed in `redacted_outbox`: `check` accepts their audit covers), conflict records of those
    fields and set-aside (quarantined) changes of the row. Returns the outbox rows scrubbed.

    Freed pages are zeroed (secure_delete); the retention job compacts the FTS index and the WAL."""
    conn.execute("PRAGMA secure_delete=ON")
    fields = {c: v for c, v in fields.items() if c in REDACTABLE.get(tbl, ())}
    if not fields:
        return 0
    scrubbed = _overwrite(conn, tbl, pk, fields, redaction_id)
    for cid, col in conn.execute(
        f"SELECT id, col FROM conflicts WHERE tbl=? AND pk=? AND col IN ({','.join('?' * len(fields))})",
        (tbl, pk, *fields),
    ).fetchall():
        text = json.dumps(fields[col], ensure_ascii=False)
        scrubbed += _overwrite(
            conn, "conflicts", cid, {"local_value": text, "remote_value": text}, redaction_id
        )
    for qid, change in conn.execute(
        "SELECT id, change FROM quarantine WHERE tbl=? AND instr(change, ?) > 0", (tbl, pk)
    ).fetchall():
        conn.execute("UPDATE quarantine SET change=? WHERE id=?", (_scrub_change_text(change, fields), qid))
    return scrubbed


def _overwrite(conn: sqlite3.Connection, tbl: str, pk: str, fields: dict[str, Any], redaction_id: str) -> int:
    stored = {c: encode_value(tbl, c, v) for c, v in fields.items()}
    conn.execute(f"UPDATE {tbl} SET {', '.join(f'{c}=?' for c in stored)} WHERE id=?", (*stored.values(), pk))
    seqs: list[int] = []
    if tbl in RECORD_TABLES:
        conn.executemany(  # a pulled field's digest follows the redacted value (`check`)
            "UPDATE field_clock SET vhash=? WHERE tbl=? AND pk=? AND col=? AND vhash IS NOT NULL",
            [(cell_digest(v), tbl, pk, c) for c, v in stored.items()],
        )
        for c, v in fields.items():
            text = json.dumps(v, ensure_ascii=False)
            found = conn.execute(
                "SELECT site_seq FROM outbox WHERE tbl=? AND pk=? AND col=? AND value IS NOT ?",
                (tbl, pk, c, text),
            ).fetchall()
            conn.executemany("UPDATE outbox SET value=? WHERE site_seq=?", [(text, r[0]) for r in found])
            seqs += [r[0] for r in found]
    else:
        for seq, value in conn.execute(
            "SELECT site_seq, value FROM outbox WHERE tbl=? AND pk=? AND col='*'", (tbl, pk)
        ).fetchall():
            row = json.loads(value) if value else {}
            new = {**row, **{c: v for c, v in fields.items() if c in row}}
            if new != row:
                conn.execute(
                    "UPDATE outbox SET value=? WHERE site_seq=?", (json.dumps(new, ensure_ascii=False), seq)
                )
                seqs.append(seq)
    conn.executemany(
        "INSERT INTO redacted_outbox (site_seq, redaction_id) VALUES (?, ?) ON CONFLICT (site_seq) DO NOTHING",
        [(s, redaction_id) for s in seqs],
    )
    return len(seqs)


def _scrub_change_text(text: str, fields: dict[str, Any]) -> str:
    """A quarantined change (JSON text) with the redacted columns replaced; unreadable ones emptied."""
    try:
        change = json.loads(text)
    except ValueError:
        return json.dumps({"redacted": True})
    if not isinstance(change, dict):
        return json.dumps({"redacted": True})
    value = change.get("value")
    if change.get("col") in fields:
        change["value"] = fields[change["col"]]
    elif isinstance(value, dict):
        change["value"] = {**value, **{c: v for c, v in fields.items() if c in value}}
    else:
        return json.dumps({"redacted": True})
    return json.dumps(change, ensure_ascii=True, sort_keys=True)


def quarantine(conn: sqlite3.Connection, raw: Any, error: p.ChangeError, at_ms: int) -> int:
    """Set one refused change aside (once: a re-delivered one is known by its digest); 1 when new."""
    text = json.dumps(raw, ensure_ascii=True, sort_keys=True, default=repr)  # ASCII: any surrogate fits
    truncated = len(text) > MAX_QUARANTINE_TEXT
    get = raw.get if isinstance(raw, dict) else {}.get
    server_seq = get("server_seq")
    cur = conn.execute(
        "INSERT INTO quarantine (at, digest, site_id, site_seq, server_seq, tbl, col, field, reason, change, "
        "truncated) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (digest) DO NOTHING",
        (
            at_ms,
            hashlib.sha256(text.encode("ascii")).hexdigest(),
            _plain_text(error.site_id),
            error.site_seq if _int64(error.site_seq) else None,
            server_seq if _int64(server_seq) else None,
            _plain_text(error.tbl),
            _plain_text(error.col),
            error.field,
            str(error),
            text[:MAX_QUARANTINE_TEXT] if truncated else text,
            int(truncated),
        ),
    )
    return cur.rowcount if cur.rowcount > 0 else 0


def _plain_text(x: Any) -> str | None:
    if type(x) is not str:
        return None
    return x[:200].encode("utf-8", "backslashreplace").decode("utf-8")


def _int64(x: Any) -> bool:
    return type(x) is int and -(2**63) <= x < 2**63


def quarantined_count(conn: sqlite3.Connection) -> int:
    """How many pulled changes this desk has set aside (for the status bar and `check`)."""
    return int(conn.execute("SELECT count(*) FROM quarantine").fetchone()[0])


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
        "INSERT INTO field_clock (tbl, pk, col, hlc, site_id, vhash) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc=excluded.hlc, site_id=excluded.site_id, vhash=excluded.vhash",
        [  # vhash: the digest of the value as stored, so `check` sees a later direct edit (domain/audit.py)
            (tbl, pk, col, *clocks[(tbl, pk, col)], cell_digest(encode_value(tbl, col, v)))
            for (tbl, pk), new in dirty.items()
            for col, v in new.items()
        ],
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
