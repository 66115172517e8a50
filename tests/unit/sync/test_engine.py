"""The desk engine on its threads against a real server over loopback HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from operator_desk.domain.changes import Changes
from operator_desk.services.calls import CallService
from operator_desk.store.store import Store
from operator_desk.sync.apply import replica_state, sync_consistency
from operator_desk.sync.cli import join
from operator_desk.sync.client import SyncRejected
from operator_desk.sync.engine import SyncEngine, SyncStatus, wait_until

from .conftest import LiveServer


@pytest.fixture
def desks(
    tmp_path: Path, live_server: LiveServer
) -> Iterator[list[tuple[Store, SyncEngine, list[SyncStatus]]]]:
    out = []
    for name in ("a", "b"):
        store = Store(tmp_path / name / "desk.sqlite")
        store.operator = f"op-{name}"
        token = live_server.server.enroll(name)["token"]
        join(store, live_server.url, token)
        seen: list[SyncStatus] = []
        out.append((store, SyncEngine(store, live_server.url, token, on_status=seen.append, wait_s=5), seen))
    yield out
    for store, engine, _ in out:
        engine.stop()
        store.close()


def test_a_call_on_one_desk_reaches_the_other_within_seconds(desks) -> None:  # type: ignore[no-untyped-def]
    (a, ea, _), (b, eb, seen_b) = desks
    heard: list[Changes] = []
    b.subscribe(heard.append)
    ea.start()
    eb.start()
    assert wait_until(lambda: eb.status.online, 10)
    time.sleep(0.3)  # B is in its long-poll now
    t0 = time.monotonic()
    call = CallService(a).ring("081234567890")
    assert wait_until(lambda: b.query("SELECT count(*) FROM calls WHERE id=?", (call,))[0][0] == 1, 10)
    latency = time.monotonic() - t0
    assert latency < 5.0
    assert any(c.origin == "sync" and call in c.ids.get("calls", set()) for c in heard)
    assert wait_until(lambda: ea.status.waiting == 0 and ea.status.online, 5)
    assert replica_state(a.reader())["calls"] == replica_state(b.reader())["calls"]
    assert seen_b and seen_b[-1].error is None and seen_b[-1].last_success_ms
    assert sync_consistency(a.reader()) == [] and sync_consistency(b.reader()) == []


def test_offline_desk_keeps_writing_and_catches_up(desks, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    (a, ea, seen_a), (b, eb, _) = desks
    live_server.stop()
    ea.start()
    calls = [CallService(a).ring(f"08123456{i:04d}") for i in range(20)]
    assert wait_until(lambda: ea.status.error == "offline" and not ea.status.online, 10)
    assert ea.status.waiting > 0
    live_server.start()
    eb.start()
    assert wait_until(lambda: b.query("SELECT count(*) FROM calls")[0][0] == len(calls), 60)
    assert wait_until(lambda: ea.status.online and ea.status.waiting == 0, 30)
    assert any(s.error == "offline" for s in seen_a)


def test_wrong_token_reports_unauthorized(tmp_path: Path, live_server: LiveServer) -> None:
    store = Store(tmp_path / "x" / "desk.sqlite")
    token = live_server.server.enroll("x")["token"]
    join(store, live_server.url, token)
    engine = SyncEngine(store, live_server.url, token + "nope", wait_s=1)
    CallService(store).ring("081234567890")
    try:
        with pytest.raises(SyncRejected) as info:
            engine.sync_once()
        assert info.value.code == "unauthorized" and engine.status.error == "unauthorized"
    finally:
        engine.stop()
        store.close()


def test_clock_skew_both_ways_is_reported(tmp_path: Path, live_server: LiveServer) -> None:
    real = lambda: int(time.time() * 1000)  # noqa: E731
    ahead = Store(tmp_path / "ahead" / "desk.sqlite", now_ms=lambda: real() + 10 * 60 * 1000)
    behind = Store(tmp_path / "behind" / "desk.sqlite", now_ms=lambda: real() - 10 * 60 * 1000)
    engines = []
    try:
        for store in (ahead, behind):
            token = live_server.server.enroll("s")["token"]
            join(store, live_server.url, token)
            engines.append(SyncEngine(store, live_server.url, token, wait_s=1))
        CallService(ahead).ring("081234567890")
        with pytest.raises(SyncRejected):
            engines[0].sync_once()  # this PC is 10 min ahead: the server refuses its changes
        assert engines[0].status.error == "clock_skew"
        # Now a change the server accepts but that is 10 min in the future for the slow desk.
        ok = Store(tmp_path / "ok" / "desk.sqlite")
        token = live_server.server.enroll("ok")["token"]
        join(ok, live_server.url, token)
        CallService(ok).ring("081234567891")
        SyncEngine(ok, live_server.url, token).sync_once()
        ok.close()
        with pytest.raises(Exception) as info:
            engines[1].sync_once()
        assert getattr(info.value, "code", None) == "clock_skew" and engines[1].status.error == "clock_skew"
        assert behind.query("SELECT count(*) FROM calls")[0][0] == 0  # nothing applied, cursor unmoved
    finally:
        for e in engines:
            e.stop()
        ahead.close()
        behind.close()


def test_join_adopts_the_enrolled_site_and_cli_sync_once(
    tmp_path: Path, live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from operator_desk.cli import main

    data = tmp_path / "desk"
    store = Store(data / "desk.sqlite")
    CallService(store).ring("081234567890")  # written before the desk joined
    old = store.site_id
    store.close()
    token = live_server.server.enroll("cli")["token"]
    assert main(["join", "--data-dir", str(data), "--server", live_server.url, "--token", token]) == 0
    joined = json.loads(capsys.readouterr().out)
    assert joined["site_id"] == token.split(".")[0] and joined["previous_site_id"] == old
    assert main(["sync", "--data-dir", str(data), "--once"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pushed"] >= 1 and out["waiting"] == 0
    store = Store(data / "desk.sqlite")
    try:
        assert store.site_id == joined["site_id"]
        assert {r[0] for r in store.query("SELECT DISTINCT site_id FROM outbox")} == {store.site_id}
        assert sync_consistency(store.reader()) == []
    finally:
        store.close()
    assert live_server.server.storage.head() >= out["pushed"]
    assert main(["join", "--data-dir", str(data), "--server", live_server.url, "--token", "garbage"]) == 2
