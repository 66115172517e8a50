"""Backups of the hub: `operator-desk-server backup` for a SQLite hub (online, while a desk pushes; the
copy opens with the hub's key and checks green) and pg_dump / pg_restore for PostgreSQL (the restored
database serves the same snapshot and checks green)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import threading
import uuid
from pathlib import Path

import pytest

from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.hub_check import check_hub
from operator_desk.server.loopback import LoopbackClient
from operator_desk.server.sqlite_backend import SqliteStorage
from operator_desk.server.storage import Storage
from operator_desk.services.calls import CallService
from operator_desk.store.store import Store
from operator_desk.sync.cli import join
from operator_desk.sync.engine import SyncEngine

PG_URL = os.environ.get("OPERATOR_DESK_PG_URL")
SERVER = [sys.executable, "-m", "operator_desk.server.cli"]


def _fill(storage: Storage, tmp_path: Path, calls: int) -> tuple[SyncServer, Store, SyncEngine]:
    server = SyncServer(storage, hasher=cheap_hasher())
    store = Store(tmp_path / "desk" / "desk.sqlite")
    store.operator = "Rina"
    token = server.enroll("desk")["token"]
    join(store, "http://hub.invalid", token)
    engine = SyncEngine(store, client=LoopbackClient(server, token))
    svc = CallService(store)
    for i in range(calls):
        svc.close(svc.ring(f"0812{i:08d}"), "ghost")
    engine.sync_once()
    return server, store, engine


def test_a_sqlite_hub_backs_up_while_a_desk_pushes(tmp_path: Path) -> None:
    hub_dir = tmp_path / "hub"
    storage = SqliteStorage(hub_dir)
    server, store, engine = _fill(storage, tmp_path, 10)
    stop = threading.Event()

    def pushing() -> None:
        svc = CallService(store)
        while not stop.is_set():
            svc.close(svc.ring("085200001111"), "prank")
            engine.sync_once()

    t = threading.Thread(target=pushing)
    t.start()
    try:
        out = subprocess.run(
            [*SERVER, "backup", "--data-dir", str(hub_dir), "--out", str(tmp_path / "hub.tar")],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop.set()
        t.join(30)
        store.close()
        storage.close()
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert stat.S_IMODE(Path(info["out"]).stat().st_mode) == 0o600
    restored = tmp_path / "restored"
    restored.mkdir()
    with tarfile.open(info["out"]) as tar:
        names = tar.getnames()
        assert names[0] == "manifest.json" and "sync-server.sqlite" in names
        tar.extractall(restored, filter="data")
    (restored / "keys").mkdir()
    shutil.copy(info["key_file"], restored / "keys" / "sync-server.sqlite.key")
    again = SqliteStorage(restored)
    try:
        report = check_hub(again)
        assert report["ok"], report["problems"]
        assert again.counts()["log"] > 0
    finally:
        again.close()
    # without its key the copy does not open
    (restored / "keys" / "sync-server.sqlite.key").unlink()
    with pytest.raises(Exception, match="key"):
        SqliteStorage(restored)


def test_a_postgres_backup_is_refused_by_the_sqlite_command(tmp_path: Path) -> None:
    out = subprocess.run(
        [*SERVER, "backup", "--database", "postgresql://x/y", "--out", str(tmp_path / "f")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "pg_dump" in out.stderr


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="OPERATOR_DESK_PG_URL not set")
def test_pg_dump_and_pg_restore_give_the_same_hub(tmp_path: Path) -> None:
    import psycopg

    from operator_desk.server.postgres_backend import PostgresStorage

    assert PG_URL
    schema = f"t_bk_{uuid.uuid4().hex[:10]}"
    storage = PostgresStorage(PG_URL, schema=schema)
    _, store, _ = _fill(storage, tmp_path, 8)
    store.close()
    dump = tmp_path / "hub.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--schema={schema}", "--file", str(dump), PG_URL],
        check=True,
        capture_output=True,
        timeout=120,
    )
    db = f"od_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    new_url = PG_URL.rsplit("/", 1)[0] + f"/{db}"
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--dbname", new_url, str(dump)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        restored = PostgresStorage(new_url, schema=schema)
        try:
            report = check_hub(restored)
            assert report["ok"], report["problems"]
            assert restored.counts() == storage.counts()
            assert restored.get_meta("site_id") == storage.get_meta("site_id")  # the same hub
        finally:
            restored.close()
    finally:
        drop = getattr(storage, "drop_schema", None)
        if drop is not None:
            drop()
        storage.close()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
