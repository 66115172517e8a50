"""The restore drill: a desk backed up while it writes, its disk lost, restored onto a new data dir,
re-joined with a new credential, caught up — and its calls are the other desk's: nothing it had
pushed twice, nothing it had not pushed lost. A real hub process, the real CLI for backup, restore,
join, sync and export."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hub_helpers import DESK, SERVER, enrol

from operator_desk.services.calls import CallService
from operator_desk.store.store import Store
from operator_desk.sync import engine as eng
from operator_desk.sync.cli import credentials
from operator_desk.sync.engine import SyncEngine


def _run(*args: str, raw: bool = False) -> Any:
    out = subprocess.run([*args], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    return out.stdout if raw else json.loads(out.stdout)


def _calls(store: Store, n: int, tag: str) -> list[str]:
    svc = CallService(store)
    ids = []
    for i in range(n):
        cid = svc.ring(f"0812{abs(hash(tag)) % 10_000:04d}{i:04d}")
        svc.close(cid, "prank" if i % 2 else "ghost", notes=f"{tag} {i}")
        ids.append(cid)
    return ids


def _export(data: Path) -> dict[str, dict[str, Any]]:
    text = _run(*DESK, "export", "--data-dir", str(data), "--what", "calls", raw=True)
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "a call appears twice"
    return {r["id"]: r for r in rows}


def test_backup_while_writing_then_disk_lost_restore_rejoin_catch_up(
    hub: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, hub_dir = hub
    a_dir, b_dir, a2_dir = tmp_path / "a", tmp_path / "b", tmp_path / "a2"
    for d in (a_dir, b_dir):
        Store(d / "desk.sqlite").close()
    enrol(hub_dir, url, a_dir, "desk-a")
    enrol(hub_dir, url, b_dir, "desk-b")

    store = Store(a_dir / "desk.sqlite")
    store.operator = "Rina"
    engine = SyncEngine(store, *credentials(store))
    try:
        pushed_before = _calls(store, 6, "pushed")
        engine.sync_once()
        top = int(store.query("SELECT max(site_seq) FROM outbox")[0][0])
        unpushed = _calls(store, 5, "unpushed")  # in the backup, pushed after it (the hub holds them)
        late_rows = int(store.query("SELECT count(*) FROM outbox WHERE site_seq > ?", (top,))[0][0])

        during: list[str] = []
        stop = threading.Event()

        def writer() -> None:  # the desk goes on taking calls while the backup runs
            svc = CallService(store)
            i = 0
            while not stop.is_set():
                cid = svc.ring(f"08533{i:06d}")
                svc.close(cid, "ghost", notes=f"during {i}")
                during.append(cid)
                i += 1

        t = threading.Thread(target=writer)
        t.start()
        try:
            out = _run(*DESK, "backup", "--data-dir", str(a_dir), "--out", str(tmp_path / "a.tar"))
        finally:
            stop.set()
            t.join(30)
        assert during, "no call was written while the backup ran"
        backup_file = Path(out["out"])
        assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(Path(out["key_file"]).stat().st_mode) == 0o600

        monkeypatch.setattr(eng, "PUSH_BATCH", late_rows)
        engine.push_once()  # the 5 "unpushed" calls reach the hub after the backup, then the disk dies
    finally:
        engine.stop()
        store.close()
    shutil.rmtree(a_dir)  # the disk is lost

    restored = _run(*DESK, "restore", str(tmp_path / "a.tar"), "--data-dir", str(a2_dir))
    assert restored["previous_site_id"] != restored["site_id"] and restored["pending"] > 0
    in_backup = set(_export(a2_dir))
    assert set(pushed_before + unpushed) <= in_backup
    assert in_backup & set(during), "the backup holds none of the calls written while it ran"

    # the old credential did not come over: a new one, join, catch up
    check = subprocess.run(
        [*DESK, "sync", "--data-dir", str(a2_dir), "--once"], capture_output=True, text=True
    )
    assert check.returncode != 0 and "not joined" in check.stderr + check.stdout
    enrol(hub_dir, url, a2_dir, "desk-a-restored")
    _run(*DESK, "sync", "--data-dir", str(a2_dir), "--once")
    _run(*DESK, "sync", "--data-dir", str(b_dir), "--once")
    _run(*DESK, "sync", "--data-dir", str(a2_dir), "--once")

    a2, b = _export(a2_dir), _export(b_dir)
    assert a2 == b  # the same calls, field for field, none twice
    assert in_backup <= set(b)  # nothing the backup held is lost, pushed or not
    assert set(pushed_before + unpushed) <= set(b)

    # nothing pushed was issued twice: the calls the hub held of the old site are not re-issued
    s2 = Store(a2_dir / "desk.sqlite")
    try:
        again = s2.query(
            f"SELECT count(*) FROM outbox WHERE tbl='calls' AND pk IN ({','.join('?' * len(unpushed + pushed_before))})",
            tuple(unpushed + pushed_before),
        )[0][0]
        reissued = s2.query("SELECT count(DISTINCT pk) FROM outbox WHERE tbl='calls'")[0][0]
        left = s2.query("SELECT count(*) FROM restore_pending")[0][0]
        assert s2.get_meta("restore_pending") is None
    finally:
        s2.close()
    assert again == 0
    assert reissued >= len(in_backup & set(during))  # the unpushed ones went out under the new site
    assert left == 0
    for d in (a2_dir, b_dir):
        report = _run(*DESK, "check", "--data-dir", str(d))
        assert report["ok"], report["problems"]
    hub_check = subprocess.run([*SERVER, "check", "--data-dir", str(hub_dir)], capture_output=True, text=True)
    assert hub_check.returncode == 0, hub_check.stdout[-2000:] + hub_check.stderr[-2000:]
