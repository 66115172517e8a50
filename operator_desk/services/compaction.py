"""A bounded desk store: own outbox rows the hub has confirmed are compacted.

The rule (what `check` and sync still need, and nothing else):

- Confirmed = pushed (the hub acknowledges a push only after its commit) AND covered by an audit row
  inside the last checkpoint the hub signed for this site (verified with the hub key this desk
  learned). The horizon is the last such audit row's `site_seq`; rows newer than `keep_days` (30 by
  default: the incident timeline reads a record's own changes) are kept too.
- Up to the horizon, every change row (not audit) is deleted. A field whose winning change is among
  them keeps, in `field_clock.vhash`, the digest of that change's value — as a pulled field does —
  so `check` still compares the field with its winning change. Superseded values go.
- Audit rows stay in the outbox (they are the leaves of the hub's Merkle tree, which `check` recomputes
  against the signed root) but keep only their hash. Their `covers` digests stay in the audit trail
  itself (the `audit` table, hash-chained); the rows they covered are held by the hub, whose own
  `check` compares every audit row's digest with the changes it covers.
- Nothing is compacted that does not verify first: each segment's digest is recomputed (or accepted
  by the redaction rule) and each winning value must equal the field as stored. A store that fails is
  left as it is (`CompactionError`: run `check`).
- `meta.outbox_compacted_through` is the horizon; `check` reports a horizon beyond the signed
  checkpoint as a problem.

Work runs on the store's writer in background jobs of a few segments each (an operator's write never
waits long); freed pages go back with incremental vacuum (`vacuum=True` switches a store to it once,
with a VACUUM, when the desk is not running).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.audit import cell_digest, checkpoint_problem, outbox_digest
from ..domain.hlc import Hlc
from ..store.database import connect
from ..store.store import Store
from ..store.tx import encode_value
from ..sync.checkpoints import CHECKPOINT_KEY, HUB_KEY

COMPACTED_KEY = "outbox_compacted_through"
KEEP_DAYS = 30
DAY_MS = 86_400_000
JOB_ROWS = 500  # outbox rows per writer job: ~40 ms here, the longest an operator write waits behind it


class CompactionError(ValueError):
    """Compaction refused: the rows are not confirmed, or the store does not verify."""


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return None if row is None else str(row[0])


def compacted_through(conn: sqlite3.Connection) -> int:
    try:
        return int(_meta(conn, COMPACTED_KEY) or 0)
    except ValueError:
        return 0


def confirmed_horizon(conn: sqlite3.Connection) -> int:
    """The site_seq of the last audit row of this site inside the hub's signed checkpoint, with every
    row up to it pushed; 0 when nothing is confirmed."""
    site = _meta(conn, "site_id")
    try:
        cp = json.loads(_meta(conn, CHECKPOINT_KEY) or "null")
    except ValueError:
        return 0
    if checkpoint_problem(cp, _meta(conn, HUB_KEY)) is not None or cp["site_id"] != site:
        return 0
    size = int(cp["tree_size"])
    if size <= 0:
        return 0
    row = conn.execute(
        "SELECT site_seq FROM outbox WHERE tbl='audit' ORDER BY site_seq LIMIT 1 OFFSET ?", (size - 1,)
    ).fetchone()
    if row is None:
        return 0
    top = int(row[0])
    unpushed = conn.execute("SELECT min(site_seq) FROM outbox WHERE pushed=0").fetchone()[0]
    if unpushed is not None and unpushed <= top:
        below = conn.execute(
            "SELECT max(site_seq) FROM outbox WHERE tbl='audit' AND site_seq < ?", (unpushed,)
        ).fetchone()[0]
        top = int(below or 0)
    return top


def _age_limit(conn: sqlite3.Connection, before_ms: int) -> int:
    """The last audit row older than `before_ms` (by its clock): rows after it are kept."""
    hlc = Hlc(before_ms, 0).encode()
    row = conn.execute("SELECT max(site_seq) FROM outbox WHERE tbl='audit' AND hlc < ?", (hlc,)).fetchone()
    return int(row[0] or 0)


def compact(
    store: Store,
    *,
    through: int | None = None,
    keep_days: float = KEEP_DAYS,
    vacuum: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Compact own outbox rows up to `through` (default: the confirmed horizon, less `keep_days`).

    `through` beyond what the hub confirmed is refused (CompactionError). Returns counts."""
    conn = store.reader()
    done = compacted_through(conn)
    confirmed = confirmed_horizon(conn)
    if through is not None:
        if through > confirmed:
            raise CompactionError(
                f"outbox row {through} is not confirmed by the hub yet (confirmed through {confirmed}): "
                "only pushed rows inside the hub's signed checkpoint are compacted"
            )
        target = through
    else:
        target = min(confirmed, _age_limit(conn, store.now_ms() - int(keep_days * DAY_MS)))
    # end on an audit row: a segment is compacted whole or not at all
    row = conn.execute(
        "SELECT max(site_seq) FROM outbox WHERE tbl='audit' AND site_seq <= ?", (target,)
    ).fetchone()
    target = int(row[0] or 0)
    out: dict[str, Any] = {"confirmed": confirmed, "from": done, "through": max(done, target)}
    removed = fields = 0
    if target > done:
        start = done
        while start < target:
            if should_stop is not None and should_stop():
                break  # what is done is consistent: each job advances the horizon with its rows
            end = _job_end(conn, start, target)

            def job(c: sqlite3.Connection, s: int = start, e: int = end) -> tuple[int, int]:
                return _compact_range(c, store.site_id, s, e)

            r, f = store.raw_write(job)
            removed, fields = removed + r, fields + f
            start = end
    out.update(removed=removed, fields_kept_as_digest=fields)
    if should_stop is not None and should_stop():
        return out
    out["vacuum"] = _vacuum(store, full=vacuum)
    return out


def _job_end(conn: sqlite3.Connection, start: int, target: int) -> int:
    """The last audit row at most JOB_ROWS rows after `start` (at least the next one)."""
    row = conn.execute(
        "SELECT max(site_seq) FROM outbox WHERE tbl='audit' AND site_seq > ? AND site_seq <= ?",
        (start, min(target, start + JOB_ROWS)),
    ).fetchone()
    if row[0] is not None:
        return int(row[0])
    nxt = conn.execute(
        "SELECT min(site_seq) FROM outbox WHERE tbl='audit' AND site_seq > ? AND site_seq <= ?",
        (start, target),
    ).fetchone()[0]
    return int(nxt if nxt is not None else target)


def _compact_range(conn: sqlite3.Connection, site_id: str, start: int, end: int) -> tuple[int, int]:
    """On the writer, in one transaction: verify (start, end], move winning values to digests, delete
    the change rows, shrink the audit rows, advance the horizon."""
    from .check import _redacted_cover

    if compacted_through(conn) != start:
        raise CompactionError("another compaction ran meanwhile; try again")
    covered_from = int(_meta(conn, "audit_covered_from") or 0)
    rows = conn.execute(
        "SELECT site_seq, hlc, tbl, pk, col, value, base_hlc, operator, pushed FROM outbox "
        "WHERE site_seq > ? AND site_seq <= ? ORDER BY site_seq",
        (start, end),
    ).fetchall()
    pending: list[tuple[Any, ...]] = []
    for seq, hlc, tbl, pk, col, value, base, operator, pushed in rows:
        if not pushed:
            raise CompactionError(f"outbox row {seq} is not pushed: not compacted")
        if tbl != "audit":
            if seq >= covered_from:
                pending.append((hlc, tbl, pk, col, value, base, operator))
            continue
        try:
            covers = json.loads(value).get("covers")
            want = json.loads(covers) if covers else None
        except (ValueError, AttributeError, TypeError):
            raise CompactionError(f"outbox row {seq}: audit row {pk} does not read: run `check`") from None
        if want is None:
            ok = not pending
        else:
            ok = want.get("n") == len(pending) and want.get("sha256") == outbox_digest(pending)
            ok = ok or _redacted_cover(conn, covers, pending)
        if not ok:
            raise CompactionError(
                f"outbox rows before {seq} differ from what audit row {pk} covers: not compacted (run `check`)"
            )
        pending = []
    # winning own values -> digests in the field clock (verified against the field as stored)
    winners = conn.execute(
        "SELECT f.tbl, f.pk, f.col, o.value FROM outbox o JOIN field_clock f "
        "ON f.tbl = o.tbl AND f.pk = o.pk AND f.col = o.col AND f.hlc = o.hlc "
        "WHERE o.site_seq > ? AND o.site_seq <= ? AND o.tbl != 'audit' AND o.col != '*' "
        "AND f.site_id = ? AND f.vhash IS NULL",
        (start, end, site_id),
    ).fetchall()
    updates = []
    for tbl, pk, col, value in winners:
        try:
            digest = cell_digest(encode_value(tbl, col, json.loads(value)))
        except (TypeError, ValueError):
            raise CompactionError(f"{tbl} {pk} {col}: its change does not read: not compacted") from None
        stored = conn.execute(f"SELECT {col} FROM {tbl} WHERE id=?", (pk,)).fetchone()
        if stored is None or cell_digest(stored[0]) != digest:
            raise CompactionError(
                f"field {tbl} {pk} {col} differs from its change: not compacted (run `check`)"
            )
        updates.append((digest, tbl, pk, col))
    conn.executemany("UPDATE field_clock SET vhash=? WHERE tbl=? AND pk=? AND col=?", updates)
    gone = conn.execute(
        "DELETE FROM outbox WHERE site_seq > ? AND site_seq <= ? AND tbl != 'audit'", (start, end)
    ).rowcount
    conn.execute(
        "UPDATE outbox SET value = json_object('hash', json_extract(value, '$.hash')) "
        "WHERE site_seq > ? AND site_seq <= ? AND tbl = 'audit'",
        (start, end),
    )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
        (COMPACTED_KEY, str(end)),
    )
    return int(gone), len(updates)


def _vacuum(store: Store, *, full: bool) -> str:
    """Give freed pages back: incremental vacuum when the store is set for it; `full` switches it
    (PRAGMA auto_vacuum=INCREMENTAL takes effect with a VACUUM, which needs the store to itself)."""
    conn = store.reader()
    mode = int(conn.execute("PRAGMA auto_vacuum").fetchone()[0])
    if mode != 2 and full:
        store.drain()
        own = connect(store.path)  # the store's own kind of connection (its key, if it has one)
        try:
            own.execute("PRAGMA auto_vacuum=INCREMENTAL")
            own.execute("VACUUM")
            mode = int(own.execute("PRAGMA auto_vacuum").fetchone()[0])
        except sqlite3.OperationalError as exc:
            return f"not switched ({exc})"
        finally:
            own.close()
        return "switched to incremental" if mode == 2 else "not switched"
    if mode == 2:
        store.raw_write(lambda c: c.execute("PRAGMA incremental_vacuum").fetchall())
        return "incremental"
    return "off (run `operator-desk compact --vacuum` once with the desk closed)"


def store_bytes(path: Path) -> int:
    """The store's size on disk: the file and its WAL."""
    return sum(p.stat().st_size for p in (path, Path(str(path) + "-wal")) if p.exists())
