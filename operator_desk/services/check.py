"""`check`: is the store whole? SQLite integrity, the audit hash chain, outbox consistency, the
tables against their declaration (domain/tables.py), every stored value against its column, and the
pulled changes this desk refused (the quarantine).

Tamper evidence (domain/audit.py): the append-only triggers of the audit trail are in place; every
audit row hashes and links; every own outbox row is covered by the digest of an audit row; the chain,
as the Merkle tree over this site's audit rows, has the root of the last checkpoint the hub signed
(verified with the hub key this desk learned at its first sync); and every field of every record
holds the value of its winning change (the own outbox row, or the digest kept for a pulled one).
Each pass is linear: rows are streamed in key order and joined on indexes."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.audit import (
    Frontier,
    audit_hash,
    audit_row_problem,
    cell_digest,
    checkpoint_problem,
    leaf_of,
    outbox_digest,
)
from ..domain.tables import TABLES, check_value
from ..store.database import StoreError, connect
from ..store.migrations import migrations
from ..store.schema import APPEND_TABLES, RECORD_TABLES, schema_problems
from ..store.tx import encode_value
from ..sync.apply import sync_consistency
from ..sync.checkpoints import CHECKPOINT_KEY, HUB_KEY

QUICK_SKIPS = (
    "integrity_check (quick_check instead: no index-to-table cross-check)",
    "values against their columns",
    "audit hash chain walk",
    "outbox coverage digests",
    "own audit rows against the outbox",
    "signed checkpoint root",
    "fields against their winning change",
    "sync bookkeeping (every unpushed value parses)",
)
Progress = Callable[[str], None]
CHECK_CACHE_KIB = 256 * 1024  # the check's page cache at least (a CLI run, its own process)
CHECK_CACHE_MAX_KIB = 4 * 1024 * 1024  # and at most: the store's size, within half the free memory


def cache_kib(path: Path) -> int:
    """The check's page cache: the whole store when it fits (each encrypted page is read and decrypted
    once: SQLCipher allows no mmap, and integrity_check revisits index pages n log n times), at least
    CHECK_CACHE_KIB, at most CHECK_CACHE_MAX_KIB and half of the memory the system has available."""
    size_kib = int(path.stat().st_size * 1.1) // 1024 + 1024  # cached pages carry a small header
    free_kib = CHECK_CACHE_MAX_KIB * 2
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    free_kib = int(line.split()[1])
                    break
    except (OSError, ValueError, IndexError):
        pass
    return max(CHECK_CACHE_KIB, min(size_kib, CHECK_CACHE_MAX_KIB, free_kib // 2))


def check_store(path: Path, *, quick: bool = False, progress: Progress | None = None) -> dict[str, Any]:
    """Return {"ok": bool, "checks": {...}, "problems": [...]} without changing the file.

    `quick` (start-up use): SQLite's quick_check, migrations, schema, triggers, quarantine, the
    set-based outbox and sync tests; it skips the full walks listed in QUICK_SKIPS (reported as
    `checks.skipped`). `progress(line)` hears each phase as it starts (the CLI prints it on stderr)."""
    if not path.exists():
        raise StoreError(f"{path}: no store here")
    conn = connect(path, readonly=True)
    # every pass streams or seeks in key order: a page cache that holds the indexes' working set keeps
    # it linear (each page decrypted once, not once per visit) on a store of a year
    conn.execute(f"PRAGMA cache_size=-{cache_kib(path)}")
    problems: list[str] = []
    checks: dict[str, Any] = {}
    started = time.monotonic()

    def phase(name: str) -> None:
        if progress is not None:
            progress(f"check: {name} ({time.monotonic() - started:.1f} s)")

    try:
        phase("quick_check" if quick else "integrity_check")
        integrity = [r[0] for r in conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        checks["integrity"] = integrity[0] if integrity == ["ok"] else integrity[:10]
        if integrity != ["ok"]:
            problems.extend(f"integrity: {m}" for m in integrity[:10])
        applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
        missing = [m.name for m in migrations._migrations if m.name not in applied]
        checks["migrations"] = {"applied": len(applied), "missing": missing}
        problems.extend(f"migration not applied: {m}" for m in missing)
        drift = schema_problems(conn)
        checks["schema"] = {"problems": len(drift)}
        problems.extend(drift)
        if not drift and not quick:
            phase("values")
            checks["values"] = _check_values(conn, problems)
        checks["quarantine"] = _check_quarantine(conn, problems)
        if not quick:
            phase("audit chain")
            checks["audit"] = _check_audit(conn, problems)
        checks["audit_triggers"] = _check_triggers(conn, problems)
        if not quick:
            phase("outbox coverage")
            own_audit, leaves = _check_coverage(conn, problems)
            checks["audit"]["own_rows_in_outbox"] = len(own_audit)
            _check_own_audit(conn, own_audit, problems)
            phase("checkpoint")
            checks["checkpoint"] = _check_checkpoint(conn, leaves, problems)
            _check_compaction(conn, checks["checkpoint"], problems)
            if not drift:
                phase("fields")
                checks["fields"] = _check_fields(conn, problems)
        phase("outbox")
        checks["outbox"] = _check_outbox(conn, problems)
        if not quick:  # it parses every unpushed value: a walk
            extra = sync_consistency(conn)
            checks["sync"] = {"problems": len(extra)}
            problems.extend(extra)
        checks["counts"] = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("calls", "incidents", "referrals")
        }
        if quick:
            checks["skipped"] = list(QUICK_SKIPS)
    except sqlite3.DatabaseError as exc:
        problems.append(f"database error: {exc}")
    finally:
        conn.close()
    phase("done")
    return {"ok": not problems, "path": str(path), "checks": checks, "problems": problems}


AUDIT_TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit",
    "audit_no_delete": "BEFORE DELETE ON audit",
}


def _check_triggers(conn: sqlite3.Connection, problems: list[str]) -> dict[str, bool]:
    """The audit trail's append-only triggers are there and still refuse."""
    found = {
        r[0]: " ".join(str(r[1]).split())
        for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit'")
    }
    out = {}
    for name, clause in AUDIT_TRIGGERS.items():
        sql = found.get(name, "")
        ok = clause in sql and "RAISE(ABORT" in sql
        out[name] = ok
        if not ok:
            problems.append(
                f"audit: trigger {name} is missing or altered (the trail is no longer append-only)"
            )
    return out


def _site_id(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key='site_id'").fetchone()
    return None if row is None else str(row[0])


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _check_coverage(conn: sqlite3.Connection, problems: list[str]) -> tuple[dict[str, str], list[str]]:
    """Walk this desk's outbox in order: each audit row's `covers` digest must equal the digest of the
    outbox rows since the previous audit row; nothing after the last one is uncovered.

    Returns ({audit id: hash} of the audit rows in the outbox, their hashes in push order)."""
    covered_from = int(_meta(conn, "audit_covered_from") or 0)
    compacted = _compacted_through(conn)
    own: dict[str, str] = {}
    leaves: list[str] = []
    pending: list[tuple[Any, ...]] = []
    bad = 0
    rows = conn.execute(
        "SELECT site_seq, hlc, tbl, pk, col, value, base_hlc, operator FROM outbox ORDER BY site_seq"
    )
    for seq, hlc, tbl, pk, col, value, base, operator in rows:
        if tbl != "audit":
            if seq >= covered_from and seq > compacted:
                pending.append((hlc, tbl, pk, col, value, base, operator))
            continue
        if seq <= compacted:  # compacted (services/compaction.py): the hash stays, the hub holds the rows
            try:
                h = json.loads(value)["hash"]
            except (ValueError, KeyError, TypeError):
                h = None
            if not isinstance(h, str):
                problems.append(f"outbox row {seq}: compacted audit row {pk} has no hash")
                continue
            own[pk] = h
            leaves.append(h)
            pending = []
            continue
        try:
            row = json.loads(value)
            problem = audit_row_problem({**row, "id": pk}) if isinstance(row, dict) else "not an object"
        except ValueError:
            problem, row = "not JSON", {}
        if problem is not None:
            bad += 1
            if bad <= MAX_LISTED:
                problems.append(f"outbox row {seq}: audit row {pk}: {problem}")
            pending = []
            continue
        own[pk] = row["hash"]
        leaves.append(row["hash"])
        covers = row.get("covers")
        if covers is None:
            if pending:
                problems.append(f"outbox rows before {seq}: {len(pending)} changes no audit row covers")
        else:
            try:
                want = json.loads(covers)
                ok = want["n"] == len(pending) and want["sha256"] == outbox_digest(pending)
            except (ValueError, KeyError, TypeError):
                ok = False
            if not ok and not _redacted_cover(conn, covers, pending):
                bad += 1
                if bad <= MAX_LISTED:
                    problems.append(
                        f"outbox rows before {seq} differ from what audit row {pk} covers "
                        "(an outbox row was edited, added or removed)"
                    )
        pending = []
    if pending:
        problems.append(f"outbox: {len(pending)} changes after the last audit row, covered by none")
    return own, leaves


def _redacted_cover(conn: sqlite3.Connection, covers: str, pending: list[tuple[Any, ...]]) -> bool:
    """The redaction rule (retention, sync/apply.py `redact`): a redaction scrubs the outbox rows that
    carried a value it removes, so the digest their audit row covers can no longer be recomputed. Such
    a cover is accepted when it covers as many rows as it says, with the same first and last clock, and
    at least one of them was scrubbed by a redaction this desk holds (`redacted_outbox` -> `redactions`)
    whose replacement that row now carries. Every field is still compared with its (scrubbed) outbox
    row by the fields check, so a redacted field holding anything else is still reported."""
    try:
        want = json.loads(covers)
        if want["n"] != len(pending) or (
            pending and (want["first"], want["last"]) != (pending[0][0], pending[-1][0])
        ):
            return False
        has = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='redacted_outbox'"
        ).fetchone()
    except (ValueError, KeyError, TypeError, sqlite3.DatabaseError):
        return False
    if has is None:
        return False
    for hlc, tbl, pk, col, value, _base, _op in pending:
        row = conn.execute(
            "SELECT d.fields FROM outbox o JOIN redacted_outbox r ON r.site_seq = o.site_seq "
            "JOIN redactions d ON d.id = r.redaction_id AND d.tbl = o.tbl AND d.pk = o.pk "
            "WHERE o.hlc = ? AND o.tbl = ? AND o.pk = ? AND o.col = ?",
            (hlc, tbl, pk, col),
        ).fetchone()
        if row is None:
            continue
        try:
            fields = json.loads(row[0])
            carried = json.loads(value)
        except (TypeError, ValueError):
            continue
        if col == "*":
            agrees = isinstance(carried, dict) and all(
                carried.get(c) == v for c, v in fields.items() if c in carried
            )
        else:
            agrees = col in fields and carried == fields[col]
        if agrees:
            return True
    return False


def _compacted_through(conn: sqlite3.Connection) -> int:
    """Own outbox rows at or below this site_seq were compacted (services/compaction.py)."""
    try:
        return int(_meta(conn, "outbox_compacted_through") or 0)
    except ValueError:
        return 0


def _check_compaction(conn: sqlite3.Connection, checkpoint: dict[str, Any], problems: list[str]) -> None:
    """Compaction stops at what the hub confirmed: the horizon must be an audit row inside the tree of
    the checkpoint the hub signed for this site (`checkpoint`: what _check_checkpoint found)."""
    through = _compacted_through(conn)
    if not through:
        return
    cp = checkpoint if checkpoint.get("status") == "verified" else None
    size = int(cp.get("tree_size", 0)) if cp is not None else 0
    last = conn.execute(  # the last audit row inside the signed tree
        "SELECT site_seq FROM outbox WHERE tbl='audit' ORDER BY site_seq LIMIT 1 OFFSET ?",
        (max(size - 1, 0),),
    ).fetchone()
    if cp is None or size <= 0 or last is None or through > int(last[0]):
        problems.append(
            f"outbox: compacted through row {through}, beyond what the hub's signed checkpoint confirms"
        )


def _check_own_audit(conn: sqlite3.Connection, own: dict[str, str], problems: list[str]) -> None:
    """Every audit row of this site is in the outbox (it syncs) with the same hash, and back."""
    site = _site_id(conn)
    seen = 0
    for pk, site_id, h in conn.execute("SELECT id, site_id, hash FROM audit ORDER BY seq"):
        copy = own.get(pk)
        if copy is None:
            if site_id == site:
                problems.append(f"audit row {pk} of this site is not in the outbox")
            continue
        seen += 1
        if copy != h:
            problems.append(f"audit row {pk} differs from its copy in the outbox")
    if seen != len(own):
        problems.append(f"outbox: {len(own) - seen} audit rows that are not in the audit trail (deleted?)")


def _check_checkpoint(conn: sqlite3.Connection, leaves: list[str], problems: list[str]) -> dict[str, Any]:
    """The chain against the hub's last signed checkpoint: the Merkle root of this desk's first
    `tree_size` audit rows must be the one the hub signed."""
    text = _meta(conn, CHECKPOINT_KEY)
    pushed = conn.execute("SELECT count(*) FROM outbox WHERE tbl='audit' AND pushed=1").fetchone()[0]
    out: dict[str, Any] = {"rows": len(leaves), "pushed": pushed}
    if text is None:
        out["status"] = "none"
        if pushed:
            problems.append(f"checkpoint: {pushed} audit rows were pushed but no signed checkpoint is kept")
        return out
    try:
        cp = json.loads(text)
    except ValueError:
        cp = None
    problem = checkpoint_problem(cp, _meta(conn, HUB_KEY))
    if problem is not None:
        out["status"] = "invalid"
        problems.append(f"checkpoint: {problem}")
        return out
    assert isinstance(cp, dict)
    out.update(site_id=cp["site_id"], tree_size=cp["tree_size"], root_hash=cp["root_hash"])
    if cp["site_id"] != _site_id(conn):
        out["status"] = "other_site"  # signed for the site this desk was before a join
        return out
    size = cp["tree_size"]
    if size > len(leaves):
        out["status"] = "mismatch"
        problems.append(
            f"checkpoint: the hub signed {size} audit rows of this desk, the desk holds {len(leaves)} "
            "(the tail of the chain was cut)"
        )
        return out
    tree = Frontier()
    for h in leaves[:size]:
        tree.append(leaf_of(h))
    if tree.root() != cp["root_hash"]:
        out["status"] = "mismatch"
        problems.append(
            f"checkpoint: the first {size} audit rows do not have the root the hub signed (the chain was rewritten)"
        )
        return out
    out["status"] = "verified"
    out["unconfirmed"] = len(leaves) - size  # newer than the last checkpoint: vouched for by the chain only
    return out


def _check_fields(conn: sqlite3.Connection, problems: list[str]) -> dict[str, int]:
    """Every field of every record holds the value of its winning change: an own field its outbox row
    (found by its clock), a pulled one the digest kept at apply; a field no change wrote is empty (or
    its column default). Records and field clocks are both streamed in primary-key order."""
    site = _site_id(conn)
    checked = bad = unchecked = 0

    def report(text: str) -> None:
        nonlocal bad
        bad += 1
        if bad <= MAX_LISTED:
            problems.append(text)

    for t in TABLES:
        if t.kind != "record":
            continue
        names = t.names
        idle = _idle_values(conn, t.name)
        clocks = conn.execute(
            "SELECT f.pk, f.col, f.site_id, f.vhash, o.value, o.site_seq FROM field_clock f "
            "LEFT JOIN outbox o ON o.hlc = f.hlc AND o.tbl = f.tbl AND o.pk = f.pk AND o.col = f.col "
            "WHERE f.tbl = ? ORDER BY f.pk",
            (t.name,),
        )
        nxt = clocks.fetchone()
        for row in conn.execute(f"SELECT {t.pk}, {', '.join(names)} FROM {t.name} ORDER BY {t.pk}"):
            pk = row[0]
            mine: dict[str, Any] = {}
            while nxt is not None and nxt[0] <= pk:
                if nxt[0] == pk:
                    mine[nxt[1]] = nxt
                nxt = clocks.fetchone()
            for i, name in enumerate(names, start=1):
                stored = row[i]
                fc = mine.get(name)
                if fc is None:
                    if stored is not None and stored not in idle.get(name, ()):
                        report(
                            f"field: {t.name} {pk} {name} holds a value no change wrote (edited in the file?)"
                        )
                    continue
                checked += 1
                _, _, fsite, vhash, ovalue, oseq = fc
                if vhash is not None:
                    if cell_digest(stored) != vhash:
                        report(f"field: {t.name} {pk} {name} differs from the pulled change that set it")
                elif fsite == site and oseq is not None:
                    try:
                        want = cell_digest(encode_value(t.name, name, json.loads(ovalue)))
                    except (TypeError, ValueError):
                        want = None
                    if cell_digest(stored) != want:
                        report(f"field: {t.name} {pk} {name} differs from its change (outbox row {oseq})")
                elif fsite != site:
                    unchecked += 1  # pulled before the digests were kept (none since migration 13)
                    report(f"field: {t.name} {pk} {name} has no digest of the pulled change that set it")
    if bad > MAX_LISTED:
        problems.append(f"field: {bad - MAX_LISTED} more fields differ from their winning change")
    return {"checked": checked, "bad": bad, "unchecked": unchecked}


def _idle_values(conn: sqlite3.Connection, table: str) -> dict[str, tuple[Any, ...]]:
    """What a column holds before any change wrote it: its default, or apply's NOT NULL placeholder."""
    out: dict[str, tuple[Any, ...]] = {}
    for _, name, ctype, notnull, default, _pk in conn.execute(f"PRAGMA table_info({table})"):
        values: list[Any] = []
        if default is not None:
            text = str(default)
            values.append(text[1:-1] if text.startswith("'") else _number(text))
        if notnull:
            values.append(0 if "INT" in str(ctype).upper() or "REAL" in str(ctype).upper() else "")
        out[name] = tuple(values)
    return out


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _check_audit(conn: sqlite3.Connection, problems: list[str]) -> dict[str, int]:
    heads: dict[str, str] = {}
    n = 0
    for row in conn.execute("SELECT * FROM audit ORDER BY seq"):
        n += 1
        site = row["site_id"]
        prev = heads.get(site, "")
        if row["prev_hash"] != prev:
            problems.append(f"audit chain broken at seq {row['seq']} (site {site}): prev_hash mismatch")
        if audit_hash(row["prev_hash"], row) != row["hash"]:
            problems.append(f"audit row {row['seq']} altered: hash mismatch")
        heads[site] = row["hash"]
    return {"rows": n, "sites": len(heads)}


def _check_outbox(conn: sqlite3.Connection, problems: list[str]) -> dict[str, int]:
    site = conn.execute("SELECT value FROM meta WHERE key='site_id'").fetchone()
    site_id = site[0] if site else None
    n = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    # set-based, streamed by SQLite in site_seq order (the first MAX_LISTED of each kind are named)
    for seq, other in conn.execute(
        "SELECT site_seq, site_id FROM outbox WHERE site_id IS NOT ? ORDER BY site_seq LIMIT ?",
        (site_id, MAX_LISTED),
    ):
        problems.append(f"outbox row {seq} belongs to another site {other}")
    for (seq,) in conn.execute(
        "SELECT site_seq FROM (SELECT site_seq, hlc, lag(hlc) OVER (ORDER BY site_seq) AS prev FROM outbox) "
        "WHERE hlc <= prev ORDER BY site_seq LIMIT ?",
        (MAX_LISTED,),
    ):
        problems.append(f"outbox row {seq}: clock not increasing")
    for (tbl,) in conn.execute("SELECT DISTINCT tbl FROM outbox").fetchall():
        if tbl not in RECORD_TABLES and tbl not in APPEND_TABLES:
            problems.append(f"outbox: unknown table {tbl}")
            continue
        missing = conn.execute(  # set-based: fast at a million rows
            f"SELECT o.site_seq, o.pk FROM outbox o WHERE o.tbl=? AND NOT EXISTS "
            f"(SELECT 1 FROM {tbl} x WHERE x.id = o.pk) LIMIT 10",
            (tbl,),
        ).fetchall()
        problems.extend(f"outbox row {seq}: {tbl} {pk} does not exist" for seq, pk in missing)
    # Every field this site won locally must have the outbox row that carries it.
    orphan = conn.execute(  # a compacted field keeps the digest of its change instead (vhash)
        "SELECT count(*) FROM field_clock f WHERE f.site_id=? AND f.vhash IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.hlc=f.hlc AND o.tbl=f.tbl AND o.pk=f.pk AND o.col=f.col)",
        (site_id,),
    ).fetchone()[0]
    if orphan:
        problems.append(f"{orphan} local field clocks without their outbox change")
    pending = conn.execute("SELECT count(*) FROM outbox WHERE pushed=0").fetchone()[0]
    return {"rows": n, "pending": pending}


MAX_LISTED = 20  # problem lines listed per kind; the counts cover all of them


def _check_values(conn: sqlite3.Connection, problems: list[str]) -> dict[str, int]:
    """Every stored value of every synced table against its declared column (a call whose
    started_at is "x", a dict in a text column, a location that is not JSON)."""
    bad = 0
    for t in TABLES:
        names = t.names
        json_cols = {c.name for c in t.columns if c.is_json}
        required = {c.name for c in t.columns if not c.nullable}
        cur = conn.execute(f"SELECT {t.pk}, {', '.join(names)} FROM {t.name}")
        for row in cur:
            for i, name in enumerate(names, start=1):
                value = row[i]
                if value is None and name not in required:
                    continue
                if name in json_cols and isinstance(value, str):
                    try:
                        value = json.loads(value)
                    except ValueError:
                        problem: str | None = "stored text is not JSON"
                    else:
                        problem = check_value(t.name, name, value)
                else:
                    problem = check_value(t.name, name, value)
                if problem is not None:
                    bad += 1
                    if bad <= MAX_LISTED:
                        problems.append(
                            f"value: {t.name} {row[0]} {name}: {problem} (stored {_show(row[i])})"
                        )
    if bad > MAX_LISTED:
        problems.append(f"value: {bad - MAX_LISTED} more stored values do not fit their column")
    return {"bad": bad}


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_quarantine(conn: sqlite3.Connection, problems: list[str]) -> dict[str, Any]:
    """Pulled changes this desk set aside instead of applying (sync/apply.py): listed by origin."""
    if (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='quarantine'").fetchone()
        is None
    ):
        return {"count": 0, "changes": []}  # a store not yet migrated (the migrations check says so)
    n = conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    listed = [
        {
            "id": r["id"],
            "at": r["at"],
            "site_id": r["site_id"],
            "site_seq": r["site_seq"],
            "server_seq": r["server_seq"],
            "tbl": r["tbl"],
            "col": r["col"],
            "reason": r["reason"],
        }
        for r in conn.execute("SELECT * FROM quarantine ORDER BY id LIMIT ?", (MAX_LISTED,))
    ]
    problems.extend(f"quarantine: refused at apply: {q['reason']}" for q in listed)
    if n > len(listed):
        problems.append(f"quarantine: {n - len(listed)} more refused changes")
    return {"count": n, "changes": listed}
