"""`check`: is the store whole? SQLite integrity, the audit hash chain, outbox consistency, the
tables against their declaration (domain/tables.py), every stored value against its column, and the
pulled changes this desk refused (the quarantine)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ..domain.tables import TABLES, check_value
from ..store.database import StoreError, connect
from ..store.migrations import migrations
from ..store.schema import APPEND_TABLES, RECORD_TABLES, schema_problems
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
        drift = schema_problems(conn)
        checks["schema"] = {"problems": len(drift)}
        problems.extend(drift)
        if not drift:
            checks["values"] = _check_values(conn, problems)
        checks["quarantine"] = _check_quarantine(conn, problems)
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
