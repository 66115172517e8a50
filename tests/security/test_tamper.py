"""Tamper evidence (issue 10, "Why" 9): real store files, a real hub process, the real CLIs.

One hub and two desks are set up once per module: desk A makes demo data and syncs (its audit rows go
to the hub, which answers with a signed checkpoint), desk B syncs and so holds A's records as pulled
changes. Each test tampers with a copy of a desk (or of the hub's database) the way an attacker with
the file would, and asserts what `operator-desk check` / `operator-desk-server check` report.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from operator_desk.domain.audit import (
    audit_hash,
    checkpoint_problem,
    leaf_of,
    merkle_root,
    sign_checkpoint,
)
from operator_desk.server.sqlite_backend import connect_hub
from operator_desk.store.database import connect

sys.path.insert(0, str(Path(__file__).parent))
from hubproc import Hub

DESK = [sys.executable, "-m", "operator_desk.cli"]
STORE = "desk.sqlite"
HUB_DB = "sync-server.sqlite"


def desk(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DESK, *args], capture_output=True, text=True, timeout=120, check=check)


def check_desk(path: Path) -> tuple[int, dict[str, Any]]:
    out = desk("check", "--data-dir", str(path), check=False)
    return out.returncode, json.loads(out.stdout)


class World:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.hub = Hub(root)
        self.a = root / "desk-a"
        self.b = root / "desk-b"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = World(tmp_path_factory.mktemp("tamper"))
    w.hub.start()
    try:
        desk("demo-data", "--data-dir", str(w.a), "--calls", "40", "--seed", "7")
        for path, name in ((w.a, "desk A"), (w.b, "desk B")):
            token = w.hub.enroll(name)["token"]
            desk("join", "--data-dir", str(path), "--server", w.hub.url, "--token", token)
            desk("sync", "--data-dir", str(path), "--once")
        desk("sync", "--data-dir", str(w.a), "--once")
        yield w
    finally:
        w.hub.stop()


def copy_of(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def db(path: Path) -> sqlite3.Connection:
    return connect(path / STORE)  # keyed (store/keys.py); rows are sqlite3.Row-like


def drop_triggers(conn: sqlite3.Connection) -> list[str]:
    sqls = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit'")]
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    return sqls


def problems_of(report: dict[str, Any]) -> str:
    return "\n".join(report["problems"])


# -- both sides clean -------------------------------------------------------------------------------


def test_a_clean_synced_desk_passes_and_its_checkpoint_verifies(world: World) -> None:
    for path, status in ((world.a, "verified"), (world.b, "none")):  # B made nothing: nothing to sign
        rc, report = check_desk(path)
        assert rc == 0, report["problems"]
        assert report["ok"] and report["checks"]["checkpoint"]["status"] == status
        assert report["checks"]["fields"]["checked"] > 0 and report["checks"]["fields"]["bad"] == 0
    # the checkpoint the hub signed verifies with the key /v1/status publishes, and covers every row
    conn = db(world.a)
    cp = json.loads(conn.execute("SELECT value FROM meta WHERE key='audit_checkpoint'").fetchone()[0])
    hashes = [json.loads(r[0])["hash"] for r in conn.execute("SELECT value FROM outbox WHERE tbl='audit' ORDER BY site_seq")]
    conn.close()
    status = httpx.get(f"{world.hub.url}/v1/status", headers={"Authorization": "Bearer x"}, timeout=5)
    key = status.json().get("audit_key") if status.status_code == 200 else cp["public_key"]
    assert checkpoint_problem(cp, key) is None
    assert cp["tree_size"] == len(hashes) > 0
    assert merkle_root(leaf_of(h) for h in hashes) == (len(hashes), cp["root_hash"])


def test_audit_rows_reach_the_hub_and_the_hub_check_passes(world: World) -> None:
    conn = db(world.a)
    site = conn.execute("SELECT value FROM meta WHERE key='site_id'").fetchone()[0]
    # made before `join`, the rows name the desk's first site id; they travel under the enrolled one
    own = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM outbox WHERE tbl='audit' AND pushed=1").fetchone()[0] == own
    conn.close()
    hub = connect_hub(world.hub.dir / HUB_DB)
    on_hub = hub.execute("SELECT count(*) FROM log WHERE tbl='audit' AND site_id=?", (site,)).fetchone()[0]
    size = hub.execute("SELECT size FROM audit_tree WHERE site_id=?", (site,)).fetchone()[0]
    hub.close()
    assert own > 40 and on_hub == own == size  # every commit of the demo data has its audit row
    out = world.hub.cli("check", check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] and report["checks"]["covered"] > 0 and report["checks"]["invalid"] == 0


# -- the tamper cases: each reported ------------------------------------------------------------------


def test_dropping_the_append_only_triggers_is_reported(world: World, tmp_path: Path) -> None:
    d = copy_of(world.a, tmp_path / "d")
    conn = db(d)
    drop_triggers(conn)
    conn.close()
    rc, report = check_desk(d)
    assert rc != 0 and not report["checks"]["audit_triggers"]["audit_no_delete"]
    assert "no longer append-only" in problems_of(report)


def test_cutting_the_tail_of_the_chain_is_reported(world: World, tmp_path: Path) -> None:
    d = copy_of(world.a, tmp_path / "d")
    conn = db(d)
    sqls = drop_triggers(conn)
    last = [r[0] for r in conn.execute("SELECT id FROM audit ORDER BY seq DESC LIMIT 3")]
    marks = ",".join("?" * len(last))
    first_cut = conn.execute(f"SELECT min(site_seq) FROM outbox WHERE tbl='audit' AND pk IN ({marks})", last).fetchone()[0]
    conn.execute(f"DELETE FROM audit WHERE id IN ({marks})", last)
    conn.execute("DELETE FROM outbox WHERE site_seq >= ?", (first_cut,))  # the covered changes go too
    for sql in sqls:
        conn.execute(sql)  # the triggers put back: only the checkpoint can tell
    conn.close()
    rc, report = check_desk(d)
    assert rc != 0 and report["checks"]["checkpoint"]["status"] == "mismatch"
    assert "tail of the chain was cut" in problems_of(report)


def test_a_consistent_rewrite_of_the_chain_is_reported(world: World, tmp_path: Path) -> None:
    d = copy_of(world.a, tmp_path / "d")
    conn = db(d)
    sqls = drop_triggers(conn)
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")]
    k = len(rows) // 2
    rows[k]["detail"] = json.dumps({"rewritten": True})
    prev = rows[k]["prev_hash"]
    for row in rows[k:]:  # recompute the chain from there, in the audit trail and in the outbox copies
        row["prev_hash"] = prev
        row["hash"] = audit_hash(prev, row)
        prev = row["hash"]
        conn.execute(
            "UPDATE audit SET detail=?, prev_hash=?, hash=? WHERE id=?",
            (row["detail"], row["prev_hash"], row["hash"], row["id"]),
        )
        value = {c: row[c] for c in row if c not in ("seq", "id")}
        conn.execute("UPDATE outbox SET value=? WHERE tbl='audit' AND pk=?", (json.dumps(value), row["id"]))
    for sql in sqls:
        conn.execute(sql)
    conn.close()
    rc, report = check_desk(d)
    text = problems_of(report)
    assert rc != 0 and "chain broken" not in text and "altered" not in text  # the chain itself is whole
    assert "do not have the root the hub signed" in text


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [("incidents", "narrative", "Tidak ada kejadian."), ("calls", "outcome", "prank")],
)
def test_a_direct_sql_edit_of_an_own_record_is_reported(
    world: World, tmp_path: Path, table: str, column: str, value: str
) -> None:
    d = copy_of(world.a, tmp_path / "d")
    conn = db(d)
    pk = conn.execute(f"SELECT id FROM {table} WHERE {column} IS NOT NULL AND {column} != ? LIMIT 1", (value,)).fetchone()[0]
    conn.execute(f"UPDATE {table} SET {column}=? WHERE id=?", (value, pk))
    conn.close()
    rc, report = check_desk(d)
    assert rc != 0 and f"{table} {pk} {column} differs from its change" in problems_of(report)


def test_a_direct_sql_edit_of_a_pulled_record_is_reported(world: World, tmp_path: Path) -> None:
    d = copy_of(world.b, tmp_path / "d")
    conn = db(d)
    pk = conn.execute("SELECT id FROM incidents WHERE narrative IS NOT NULL LIMIT 1").fetchone()[0]
    conn.execute("UPDATE incidents SET narrative='diubah' WHERE id=?", (pk,))
    conn.close()
    rc, report = check_desk(d)
    assert rc != 0 and f"incidents {pk} narrative differs from the pulled change" in problems_of(report)


def test_a_value_no_change_wrote_is_reported(world: World, tmp_path: Path) -> None:
    d = copy_of(world.a, tmp_path / "d")
    conn = db(d)
    pk = conn.execute("SELECT id FROM calls WHERE incident_id IS NULL LIMIT 1").fetchone()[0]
    conn.execute("DELETE FROM field_clock WHERE tbl='calls' AND pk=? AND col='incident_id'", (pk,))
    conn.execute("UPDATE calls SET incident_id='forged' WHERE id=?", (pk,))
    conn.close()
    rc, report = check_desk(d)
    assert rc != 0 and f"calls {pk} incident_id holds a value no change wrote" in problems_of(report)


def test_an_edited_outbox_row_is_reported(world: World, tmp_path: Path) -> None:
    d = copy_of(world.a, tmp_path / "d")
    conn = db(d)
    seq, pk = conn.execute("SELECT site_seq, pk FROM outbox WHERE tbl='incidents' AND col='narrative' LIMIT 1").fetchone()
    conn.execute("UPDATE outbox SET value=? WHERE site_seq=?", (json.dumps("diubah"), seq))
    conn.execute("UPDATE incidents SET narrative='diubah' WHERE id=?", (pk,))  # record and change agree
    conn.close()
    rc, report = check_desk(d)
    assert rc != 0 and "an outbox row was edited" in problems_of(report)


def test_a_forged_checkpoint_is_reported(world: World, tmp_path: Path) -> None:
    d = copy_of(world.a, tmp_path / "d")
    conn = db(d)
    cp = json.loads(conn.execute("SELECT value FROM meta WHERE key='audit_checkpoint'").fetchone()[0])
    forged = sign_checkpoint(Ed25519PrivateKey.generate(), cp["server_id"], cp["site_id"], 0, cp["root_hash"])
    conn.execute("UPDATE meta SET value=? WHERE key='audit_checkpoint'", (json.dumps(forged),))
    conn.close()
    rc, report = check_desk(d)
    assert rc != 0 and report["checks"]["checkpoint"]["status"] == "invalid"
    assert "does not verify with the hub key" in problems_of(report)
    # and the hub's own signature does verify with the key the desk learned: both sides of the rule
    assert checkpoint_problem(cp, cp["public_key"]) is None
    assert checkpoint_problem(forged, cp["public_key"]) is not None
    assert base64.b64decode(forged["public_key"]) != base64.b64decode(cp["public_key"])


def test_the_hub_check_catches_an_edited_log_row(world: World, tmp_path: Path) -> None:
    hub_copy = tmp_path / "hub"
    src = connect_hub(world.hub.dir / HUB_DB)
    hub_copy.mkdir()
    dst = connect_hub(hub_copy / HUB_DB)  # its own new key: the backup API re-encrypts
    src.backup(dst)
    src.close()
    server_seq, pk = dst.execute(
        "SELECT server_seq, pk FROM log WHERE tbl='incidents' AND col='narrative' LIMIT 1"
    ).fetchone()
    dst.execute("UPDATE log SET value=? WHERE server_seq=?", (json.dumps("diubah"), server_seq))
    dst.commit()
    dst.close()
    out = subprocess.run(
        [sys.executable, "-m", "operator_desk.server.cli", "check", "--data-dir", str(hub_copy)],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    report = json.loads(out.stdout)
    text = problems_of(report)
    assert "a log row was edited" in text and f"incidents {pk} narrative" in text


def test_the_hub_refuses_an_audit_row_whose_hash_is_not_its_own(world: World) -> None:
    import time

    token = world.hub.enroll("desk forger")["token"]
    headers = {"Authorization": f"Bearer {token}"}
    now = int(time.time() * 1000)
    row = {"at": now, "site_id": "x", "operator": None, "action": "commit", "tbl": "calls", "pk": "c1",
           "detail": "{}", "prev_hash": "", "covers": None}
    good = {**row, "hash": audit_hash("", {**row, "id": "a1"})}
    bad = {**good, "detail": json.dumps({"forged": True})}  # the content no longer hashes to `hash`

    def change(seq: int, pk: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"site_seq": seq, "hlc": f"{now:013d}-{seq:05d}", "tbl": "audit", "pk": pk, "col": "*",
                "value": value, "base_hlc": None, "operator": None}

    refused = httpx.post(f"{world.hub.url}/v1/push", json={"changes": [change(1, "a1", bad)]}, headers=headers)
    assert refused.status_code == 409 and refused.json()["error"] == "audit_mismatch"
    assert "changes[0]" in refused.json()["detail"]
    taken = httpx.post(f"{world.hub.url}/v1/push", json={"changes": [change(1, "a1", good)]}, headers=headers)
    assert taken.status_code == 200, taken.text
    cp = taken.json()["checkpoint"]
    assert cp["tree_size"] == 1 and cp["root_hash"] == merkle_root([leaf_of(good["hash"])])[1]
    assert checkpoint_problem(cp, cp["public_key"]) is None
