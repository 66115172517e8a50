"""Batched ingest: one push becomes a handful of statements instead of three per change.

Inside the caller's write transaction: known (site_id, site_seq) are read per origin in one range
query, new rows go to the log with executemany, the current field states of the batch are read in
chunks, merged in Python in batch order (conflict detection sees every write in order) and written
back with executemany. Conflict records (and relayed `conflicts` changes) then take the row-by-row
path, which touches only the `conflicts` table.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..domain.hlc import HybridClock
from ..sync import protocol as p

if TYPE_CHECKING:
    from .storage import Cursor, IngestResult, Storage

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
                json.dumps(c["value"], ensure_ascii=False),
                c["base_hlc"],
                c["operator"],
                source,
                now_ms,
            )
            for c in fresh
        ],
    )
    records = [c for c in fresh if p.is_record(c["tbl"]) and c["tbl"] != "conflicts"]
    state = _load_state(storage, cur, records)
    dirty: set[tuple[str, str, str]] = set()
    found: list[tuple[str, str, str, tuple[Any, tuple[str, str]], tuple[Any, tuple[str, str]]]] = []
    for i, ch in enumerate(records):
        key = (ch["tbl"], ch["pk"], ch["col"])
        current = state.get(key)
        cur_value, cur_clock = (current[0], current[1]) if current else (None, None)
        incoming = (ch["hlc"], ch["site_id"])
        if current is not None and p.is_conflict(
            *key[::2], ch["base_hlc"], cur_clock, cur_value, ch["value"]
        ):
            assert cur_clock is not None
            found.append((*key, (cur_value, cur_clock), (ch["value"], incoming)))
        value, new_clock, changed = p.merge_field(key[0], key[2], cur_value, cur_clock, ch["value"], incoming)
        if changed:
            state[key] = (value, new_clock)
            dirty.add(key)
        if storage.fault_hook is not None:
            storage.fault_hook(i)
    cur.executemany(
        q(
            "INSERT INTO field_state (tbl, pk, col, hlc, site_id, value) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc=excluded.hlc, site_id=excluded.site_id, value=excluded.value"
        ),
        [
            (*k, state[k][1][0], state[k][1][1], json.dumps(state[k][0], ensure_ascii=False))
            for k in sorted(dirty)
        ],
    )
    for ch in fresh:
        if ch["tbl"] == "conflicts":
            storage._merge(cur, ch, own_site, clock, now_ms, result)
    for tbl, pk, col, a, b in found:
        storage._write_conflict(cur, tbl, pk, col, a, b, own_site, clock, now_ms, result)


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
    out = []
    for c in changes:
        key = (c["site_id"], c["site_seq"])
        if key not in known:
            known.add(key)
            out.append(c)
    return out


def _load_state(
    storage: Storage, cur: Cursor, records: list[dict[str, Any]]
) -> dict[tuple[str, str, str], tuple[Any, tuple[str, str]]]:
    pks: dict[str, set[str]] = {}
    for c in records:
        pks.setdefault(c["tbl"], set()).add(c["pk"])
    state: dict[tuple[str, str, str], tuple[Any, tuple[str, str]]] = {}
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
                state[(tbl, pk, col)] = (json.loads(value), (hlc, site))
    return state
