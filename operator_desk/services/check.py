"""`check`: is the store whole? SQLite integrity, the audit hash chain, outbox consistency."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..store.database import StoreError, connect
from ..store.migrations import migrations
from ..store.schema import APPEND_TABLES, RECORD_TABLES
from ..store.tx import audit_hash
from ..sync.apply import sync_consistency


def check_store(path: Path) -> dict[str, Any]:
    """Return {"ok": bool, "checks": {...}, "problems": [...]} without changing the file."""
    if not path.exists():
        raise StoreError(f"{path}: no store here")
    conn = connect(path, readonly=True)
    problems: list[str] = []
    checks: dict[str, Any] = {}
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        checks["integrity"] = integrity[0] if integrity == ["ok"] else integrity[:10]
        if integrity != ["ok"]:
            problems.extend(f"integrity: {m}" for m in integrity[:10])
        applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
        missing = [m.name for m in migrations._migrations if m.name not in applied]
        checks["migrations"] = {"applied": len(applied), "missing": missing}
        problems.extend(f"migration not applied: {m}" for m in missing)
        checks["audit"] = _check_audit(conn, problems)
        checks["outbox"] = _check_outbox(conn, problems)
        extra = sync_consistency(conn)
        checks["sync"] = {"problems": len(extra)}
        problems.extend(extra)
        checks["counts"] = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("calls", "incidents", "referrals")
        }
    except sqlite3.DatabaseError as exc:
        problems.append(f"database error: {exc}")
    finally:
        conn.close()
    return {"ok": not problems, "path": str(path), "checks": checks, "problems": problems}


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
    n = 0
    last_hlc = ""
    for r in conn.execute("SELECT site_seq, site_id, hlc FROM outbox ORDER BY site_seq"):
        n += 1
        if r["site_id"] != site_id:
            problems.append(f"outbox row {r['site_seq']} belongs to another site {r['site_id']}")
        if r["hlc"] <= last_hlc:
            problems.append(f"outbox row {r['site_seq']}: clock not increasing")
        last_hlc = r["hlc"]
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
    orphan = conn.execute(
        "SELECT count(*) FROM field_clock f WHERE f.site_id=? AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.hlc=f.hlc AND o.tbl=f.tbl AND o.pk=f.pk AND o.col=f.col)",
        (site_id,),
    ).fetchone()[0]
    if orphan:
        problems.append(f"{orphan} local field clocks without their outbox change")
    pending = conn.execute("SELECT count(*) FROM outbox WHERE pushed=0").fetchone()[0]
    return {"rows": n, "pending": pending}
