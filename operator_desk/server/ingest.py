"""Batched ingest: one push becomes a handful of statements instead of three per change.

Inside the caller's write transaction: known (site_id, site_seq) are read per origin in one range
query, new rows go to the log with executemany, the current field states of the batch are read in
chunks, merged in Python in batch order (conflict detection sees every write in order) and written
back with executemany. Conflict records (and relayed `conflicts` changes) then take the row-by-row
path, which touches only the `conflicts` table.
"""

from __future__ import annotations

import json
from typing import Any

from ..domain import rules
from ..domain.hlc import HybridClock
from ..domain.retention import REDACTABLE, redaction_problem
from ..sync import protocol as p
from .records import Cursor, IngestResult
from .records import LogWriter as Storage

CHUNK = 400  # bound parameters per IN (...) query
REDACTIONS = "redactions"


def ingest_batch(
    storage: Storage,
    cur: Cursor,
    source: str,
    changes: list[dict[str, Any]],
    *,
    own_site: str,
    clock: HybridClock,
    now_ms: int,
    result: IngestResult,
) -> None:
    q = storage.q
    fresh = _new_changes(storage, cur, changes)
    result.duplicates += len(changes) - len(fresh)
    result.accepted += len(fresh)
    if not fresh:
        return
    result.audit.extend(c for c in fresh if c["tbl"] == "audit")
    redactions = [c for c in fresh if c["tbl"] == REDACTIONS]
    known = load_redacted(q, cur, fresh, redactions)
    if known:  # nothing redacted comes back: a change of a redacted field is logged redacted
        fresh = [redacted_change(c, known) for c in fresh]
    texts = [p.json_text(c["value"]) for c in fresh]  # each value encoded once: log and field_state
    cur.executemany(
        q(
            "INSERT INTO log (site_id, site_seq, hlc, tbl, pk, col, value, base_hlc, operator, source, received_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)"
        ),
        [
            (
                c["site_id"],
                c["site_seq"],
                c["hlc"],
                c["tbl"],
                c["pk"],
                c["col"],
                text,
                c["base_hlc"],
                c["operator"],
                source,
                now_ms,
            )
            for c, text in zip(fresh, texts, strict=True)
        ],
    )
    records = [
        (c, t) for c, t in zip(fresh, texts, strict=True) if p.is_record(c["tbl"]) and c["tbl"] != "conflicts"
    ]
    state = _load_state(storage, cur, [c for c, _ in records])
    dirty: set[tuple[str, str, str]] = set()
    found: list[tuple[str, str, str, tuple[Any, tuple[str, str]], tuple[Any, tuple[str, str]]]] = []
    hook = storage.fault_hook
    for i, (ch, text) in enumerate(records):
        key = (ch["tbl"], ch["pk"], ch["col"])
        current = state.get(key)
        if current is None:
            # a field the server has not seen yet (the common case): no conflict, the write wins
            state[key] = (ch["value"], (ch["hlc"], ch["site_id"]), text)
            dirty.add(key)
            if hook is not None:
                hook(i)
            continue
        cur_value, cur_clock = current[0], current[1]
        incoming = (ch["hlc"], ch["site_id"])
        value = ch["value"]
        if p.is_conflict(*key[::2], ch["base_hlc"], cur_clock, cur_value, value):
            found.append((*key, (cur_value, cur_clock), (value, incoming)))
        new_value, new_clock, changed = p.merge_field(key[0], key[2], cur_value, cur_clock, value, incoming)
        if changed:
            # the text of the winning value: the incoming one's, else re-encoded (forward-only merge)
            state[key] = (new_value, new_clock, text if new_value is value else p.json_text(new_value))
            dirty.add(key)
        if hook is not None:
            hook(i)
    cur.executemany(
        q(
            "INSERT INTO field_state (tbl, pk, col, hlc, site_id, value) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc=excluded.hlc, site_id=excluded.site_id, value=excluded.value"
        ),
        [(*k, state[k][1][0], state[k][1][1], state[k][2]) for k in sorted(dirty)],
    )
    for ch in fresh:
        if ch["tbl"] == "conflicts":
            merge_one(storage, cur, ch, own_site, clock, now_ms, result)
    for tbl, pk, col, a, b in found:
        write_conflict(storage, cur, tbl, pk, col, a, b, own_site, clock, now_ms, result)
    for c in redactions:
        red = c["value"]
        redact(q, cur, c["pk"], red["tbl"], red["pk"], red["fields"])


def append_log(storage: Storage, cur: Cursor, source: str, ch: dict[str, Any], now_ms: int) -> bool:
    """One change into the log unless its (site_id, site_seq) is there; True when it was new."""
    cur.execute(
        storage.q(
            "INSERT INTO log (site_id, site_seq, hlc, tbl, pk, col, value, base_hlc, operator, source, "
            "received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (site_id, site_seq) DO NOTHING "
            "RETURNING server_seq"
        ),
        (
            ch["site_id"],
            ch["site_seq"],
            ch["hlc"],
            ch["tbl"],
            ch["pk"],
            ch["col"],
            p.json_text(ch["value"]),
            ch["base_hlc"],
            ch["operator"],
            source,
            now_ms,
        ),
    )
    return cur.fetchone() is not None


def merge_one(
    storage: Storage,
    cur: Cursor,
    ch: dict[str, Any],
    own_site: str,
    clock: HybridClock,
    now_ms: int,
    result: IngestResult,
) -> None:
    """Merge one change row by row (conflict records, the server's own writes)."""
    tbl, pk, col = ch["tbl"], ch["pk"], ch["col"]
    cur.execute(
        storage.q("SELECT hlc, site_id, value FROM field_state WHERE tbl=? AND pk=? AND col=?"),
        (tbl, pk, col),
    )
    row = cur.fetchone()
    cur_clock = (row[0], row[1]) if row else None
    cur_value = json.loads(row[2]) if row else None
    incoming = (ch["hlc"], ch["site_id"])
    if row is not None and p.is_conflict(tbl, col, ch["base_hlc"], cur_clock, cur_value, ch["value"]):
        assert cur_clock is not None
        write_conflict(
            storage,
            cur,
            tbl,
            pk,
            col,
            (cur_value, cur_clock),
            (ch["value"], incoming),
            own_site,
            clock,
            now_ms,
            result,
        )
    value, new_clock, changed = p.merge_field(tbl, col, cur_value, cur_clock, ch["value"], incoming)
    if changed:
        cur.execute(
            storage.q(
                "INSERT INTO field_state (tbl, pk, col, hlc, site_id, value) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc=excluded.hlc, site_id=excluded.site_id, "
                "value=excluded.value"
            ),
            (tbl, pk, col, new_clock[0], new_clock[1], p.json_text(value)),
        )


def write_conflict(
    storage: Storage,
    cur: Cursor,
    tbl: str,
    pk: str,
    col: str,
    a: tuple[Any, tuple[str, str]],
    b: tuple[Any, tuple[str, str]],
    own_site: str,
    clock: HybridClock,
    now_ms: int,
    result: IngestResult,
) -> None:
    """Record two writes of one field as a `conflicts` record, once."""
    cid, fields = p.conflict_fields(tbl, pk, col, a, b, now_ms)
    cur.execute(storage.q("SELECT 1 FROM field_state WHERE tbl='conflicts' AND pk=? AND col='tbl'"), (cid,))
    if cur.fetchone() is not None:
        return  # already recorded (by this server or one below it)
    if result.conflict_allowance is not None and len(result.conflicts) >= result.conflict_allowance:
        result.conflicts_suppressed += 1  # a flood from one site: logged and merged, not recorded
        return
    storage.write_own(cur, "conflicts", cid, fields, own_site=own_site, clock=clock, now_ms=now_ms)
    result.conflicts.append(cid)


def _new_changes(storage: Storage, cur: Cursor, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes whose (site_id, site_seq) the log does not hold yet (nor earlier in this batch)."""
    by_site: dict[str, list[int]] = {}
    for c in changes:
        by_site.setdefault(c["site_id"], []).append(c["site_seq"])
    known: set[tuple[str, int]] = set()
    for site, seqs in by_site.items():
        cur.execute(
            storage.q("SELECT site_seq FROM log WHERE site_id=? AND site_seq BETWEEN ? AND ?"),
            (site, min(seqs), max(seqs)),
        )
        known.update((site, int(r[0])) for r in cur.fetchall())
    if not known and sum(len(set(seqs)) for seqs in by_site.values()) == len(changes):
        return changes  # nothing seen before and no repeats within the batch (every first delivery)
    out = []
    for c in changes:
        key = (c["site_id"], c["site_seq"])
        if key not in known:
            known.add(key)
            out.append(c)
    return out


def _load_state(
    storage: Storage, cur: Cursor, records: list[dict[str, Any]]
) -> dict[tuple[str, str, str], tuple[Any, tuple[str, str], str]]:
    """(value, clock, value text) of every field the batch's records have."""
    pks: dict[str, set[str]] = {}
    for c in records:
        pks.setdefault(c["tbl"], set()).add(c["pk"])
    state: dict[tuple[str, str, str], tuple[Any, tuple[str, str], str]] = {}
    for tbl, keys in pks.items():
        ordered = sorted(keys)
        for i in range(0, len(ordered), CHUNK):
            part = ordered[i : i + CHUNK]
            cur.execute(
                storage.q(
                    f"SELECT pk, col, hlc, site_id, value FROM field_state WHERE tbl=? AND pk IN "
                    f"({','.join('?' * len(part))})"
                ),
                (tbl, *part),
            )
            for pk, col, hlc, site, value in cur.fetchall():
                state[(tbl, pk, col)] = (json.loads(value), (hlc, site), value)
    return state


# -- redactions (domain/retention.py) ---------------------------------------------------------------
# The hub keeps `redacted` (tbl, pk, col, value, redaction_id): what every redaction it holds sets, so
# a change of a redacted field that arrives later (an old push, a replay, a relay) is logged and merged
# with the redacted value, whatever its clock.
Q = Any  # storage.q: SQL with '?' placeholders in the backend's dialect

REDACTED_TABLE = """CREATE TABLE IF NOT EXISTS redacted (tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL,
    value TEXT, redaction_id TEXT NOT NULL, PRIMARY KEY (tbl, pk, col))"""


def load_redacted(
    q: Q, cur: Cursor, changes: list[dict[str, Any]], page: list[dict[str, Any]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """{(tbl, pk): {col: replacement}} of the redactions that concern these changes (held or in the batch)."""
    wanted: dict[str, set[str]] = {}
    for c in changes:
        if c["tbl"] in REDACTABLE:
            wanted.setdefault(c["tbl"], set()).add(c["pk"])
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for tbl, keys in wanted.items():
        ordered = sorted(keys)
        for i in range(0, len(ordered), CHUNK):
            part = ordered[i : i + CHUNK]
            cur.execute(
                q(f"SELECT pk, col, value FROM redacted WHERE tbl=? AND pk IN ({','.join('?' * len(part))})"),
                (tbl, *part),
            )
            for pk, col, value in cur.fetchall():
                out.setdefault((tbl, pk), {})[col] = json.loads(value) if value is not None else None
    for c in page:
        red = c["value"]
        out.setdefault((red["tbl"], red["pk"]), {}).update(red["fields"])
    return out


def redacted_change(c: dict[str, Any], known: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    fields = known.get((c["tbl"], c["pk"]))
    if not fields:
        return c
    if c["col"] == "*" and isinstance(c["value"], dict):
        return {**c, "value": {**c["value"], **{k: v for k, v in fields.items() if k in c["value"]}}}
    if c["col"] in fields:
        return {**c, "value": fields[c["col"]]}
    return c


def redact(q: Q, cur: Cursor, redaction_id: str, tbl: str, pk: str, fields: dict[str, Any]) -> int:
    """Overwrite one row's redacted columns in the hub's merged state, its log (the values desks pull
    and the upstream relays), the changes it set aside and the conflict records of those fields.
    Returns the log rows rewritten."""
    fields = {c: v for c, v in fields.items() if c in REDACTABLE.get(tbl, ())}
    if not fields:
        return 0
    cur.executemany(
        q(
            "INSERT INTO redacted (tbl, pk, col, value, redaction_id) VALUES (?,?,?,?,?) "
            "ON CONFLICT (tbl, pk, col) DO UPDATE SET value=excluded.value, redaction_id=excluded.redaction_id"
        ),
        [(tbl, pk, c, p.json_text(v), redaction_id) for c, v in fields.items()],
    )
    n = 0
    if p.is_record(tbl):
        for col, v in fields.items():
            text = p.json_text(v)
            cur.execute(
                q("UPDATE field_state SET value=? WHERE tbl=? AND pk=? AND col=?"), (text, tbl, pk, col)
            )
            for table in ("log", "refused"):
                cur.execute(
                    q(f"UPDATE {table} SET value=? WHERE tbl=? AND pk=? AND col=?"), (text, tbl, pk, col)
                )
                n += max(cur.rowcount, 0) if table == "log" else 0
        cur.execute(  # conflict records of these fields hold both values: the redacted value in both
            q("SELECT pk FROM field_state WHERE tbl='conflicts' AND col='pk' AND value=?"), (p.json_text(pk),)
        )
        for (cid,) in cur.fetchall():
            cur.execute(q("SELECT col, value FROM field_state WHERE tbl='conflicts' AND pk=?"), (cid,))
            rec = {r[0]: json.loads(r[1]) if r[1] is not None else None for r in cur.fetchall()}
            if rec.get("tbl") != tbl or rec.get("col") not in fields:
                continue
            text = p.json_text(p.json_text(fields[str(rec["col"])]))  # the kept values are JSON text
            for col in ("local_value", "remote_value"):
                cur.execute(
                    q("UPDATE field_state SET value=? WHERE tbl='conflicts' AND pk=? AND col=?"),
                    (text, cid, col),
                )
                cur.execute(
                    q("UPDATE log SET value=? WHERE tbl='conflicts' AND pk=? AND col=?"), (text, cid, col)
                )
    else:
        for table, key in (("log", "server_seq"), ("refused", "site_seq")):
            cur.execute(
                q(f"SELECT {key}, site_id, value FROM {table} WHERE tbl=? AND pk=? AND col='*'"), (tbl, pk)
            )
            for k, site, value in cur.fetchall():
                row = json.loads(value) if value is not None else None
                if not isinstance(row, dict):
                    continue
                new = {**row, **{c: v for c, v in fields.items() if c in row}}
                if new == row:
                    continue
                where = "server_seq=?" if table == "log" else "site_seq=? AND site_id=?"
                args = (k,) if table == "log" else (k, site)
                cur.execute(q(f"UPDATE {table} SET value=? WHERE {where}"), (p.json_text(new), *args))
                n += 1 if table == "log" else 0
    return n


# -- authority over accounts, retention and redactions (domain/rules.py POLICY) --------------------
# Rule for a desk's changes, once the hub knows an account (a hub that knows none yet cannot tell names
# apart and takes them as before): the change's `operator` must be an account the hub knows (or one
# made in the same push), null or a SYSTEM_OPERATORS name — the desk's own programs (migrations, demo
# data, the retention job, the trusted CLI) write without a person; they may not write what POLICY
# reserves. Audit rows are never
# set aside (the trail and the hub's tree per site stay whole; they also cover the refused changes). Rows of `accounts`
# need an admin (rules.MANAGE_ACCOUNTS), except the holder's own password_hash/must_change/changed_at;
# while the hub knows no admin account yet, the first admin arrives this way (the center's first desk).
# `retention_policy` and `redactions` need an admin (rules.RETENTION); a redaction may only clear or
# pseudonymise the columns a rule names (domain/retention.py). An admin credential is not checked.
TABLE_ACTIONS = {
    "accounts": rules.MANAGE_ACCOUNTS,
    "retention_policy": rules.RETENTION,
    "redactions": rules.RETENTION,
}
OWN_ACCOUNT_COLUMNS = frozenset({"password_hash", "must_change", "changed_at"})
SYSTEM_OPERATORS = rules.SYSTEM_OPERATORS  # demo, retention, admin-cli: no account may take these names


def account_authority(
    q: Q, cur: Cursor, changes: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], str]]]:
    """(changes to ingest, changes set aside with the reason) of one desk push."""
    cur.execute(q("SELECT pk, col, value FROM field_state WHERE tbl='accounts' AND col IN ('name', 'role')"))
    stored: dict[str, dict[str, Any]] = {}
    for pk, col, value in cur.fetchall():
        stored.setdefault(pk, {})[col] = json.loads(value) if value is not None else None
    has_admin = any(a.get("role") == rules.ADMIN for a in stored.values())
    accounts = {pk: dict(a) for pk, a in stored.items()}
    for c in changes:  # accounts made in this push count as known (their own authority is checked below)
        if (
            c["tbl"] == "accounts"
            and c["col"] in ("name", "role")
            and c["col"] not in accounts.get(c["pk"], {})
        ):
            accounts.setdefault(c["pk"], {})[c["col"]] = c["value"]
    by_name = {
        _name_key(a["name"]): (pk, a.get("role"))
        for pk, a in accounts.items()
        if isinstance(a.get("name"), str)
    }
    keep: list[dict[str, Any]] = []
    refused: list[tuple[dict[str, Any], str]] = []
    for c in changes:
        op, tbl = c["operator"], c["tbl"]
        pk, role = by_name.get(_name_key(op), (None, None)) if isinstance(op, str) else (None, None)
        action = TABLE_ACTIONS.get(tbl)
        if tbl == "audit":
            keep.append(c)  # the trail stays whole (the hub's tree per site); it vouches for what was refused
        elif by_name and op is not None and pk is None and op not in SYSTEM_OPERATORS:
            refused.append((c, "unknown_operator"))
        elif action is None:
            keep.append(c)
        elif tbl == "accounts" and not has_admin:
            keep.append(c)  # the center's first admin (the hub knows no admin yet)
        elif tbl == "accounts" and pk == c["pk"] and c["col"] in OWN_ACCOUNT_COLUMNS:
            keep.append(c)  # the holder's own password
        elif not rules.may(role, action):
            refused.append((c, f"{tbl}_needs_admin"))
        elif tbl == REDACTIONS and (
            problem := redaction_problem(c["value"].get("tbl"), c["value"].get("fields"))
        ):
            refused.append((c, "redaction_not_allowed: " + problem[:120]))
        else:
            keep.append(c)
    return keep, refused


def _name_key(name: str) -> str:
    """An account's name as one account (services/accounts.py: trimmed, spaces made one, any case)."""
    return " ".join(name.split()).casefold()
