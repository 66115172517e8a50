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

from ..domain.hlc import HybridClock
from ..sync import protocol as p
from .records import Cursor, IngestResult
from .records import LogWriter as Storage

CHUNK = 400  # bound parameters per IN (...) query


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
