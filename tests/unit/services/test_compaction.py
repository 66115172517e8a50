"""Compaction of confirmed outbox rows keeps `check` green; unconfirmed rows are never compacted; an
edited store is not compacted (the evidence stays); a compacted store still sees an edited field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.loopback import LoopbackClient
from operator_desk.server.sqlite_backend import SqliteStorage
from operator_desk.services.calls import CallService
from operator_desk.services.check import check_store
from operator_desk.services.compaction import CompactionError, compact, confirmed_horizon
from operator_desk.store.store import Store
from operator_desk.sync.cli import join
from operator_desk.sync.engine import SyncEngine


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Store, SyncEngine, CallService]]:
    hub = SyncServer(SqliteStorage(tmp_path / "hub"), hasher=cheap_hasher())
    store = Store(tmp_path / "a" / "desk.sqlite")
    store.operator = "Rina"
    token = hub.enroll("a")["token"]
    join(store, "http://hub.invalid", token)
    engine = SyncEngine(store, client=LoopbackClient(hub, token))
    calls = CallService(store)
    yield store, engine, calls
    store.close()
    hub.storage.close()


def _calls(calls: CallService, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        cid = calls.ring(f"0812{i:08d}")
        calls.close(cid, "ghost", notes=f"catatan {i}")


def _count(store: Store, where: str = "1") -> int:
    return int(store.query(f"SELECT count(*) FROM outbox WHERE {where}")[0][0])


def _check(store: Store) -> dict[str, Any]:
    store.drain()
    return check_store(store.path)


def test_compacting_confirmed_rows_keeps_check_green_and_keeps_what_is_unconfirmed(desk: Any) -> None:
    store, engine, calls = desk
    _calls(calls, 12)
    engine.sync_once()
    _calls(calls, 5, start=100)  # written after the last push: not confirmed
    unpushed = _count(store, "pushed=0")
    before = _count(store, "tbl != 'audit'")
    assert _check(store)["ok"]

    out = compact(store, keep_days=0)
    assert out["removed"] > 0 and out["fields_kept_as_digest"] > 0
    assert _count(store, "pushed=0") == unpushed  # the unconfirmed rows are all still there
    assert _count(store, "tbl != 'audit'") == before - out["removed"]
    assert _count(store, "tbl != 'audit' AND pushed=1") == 0
    report = _check(store)
    assert report["ok"], report["problems"]
    assert report["checks"]["checkpoint"]["status"] == "verified"

    # sync goes on after compaction: the rest is pushed, confirmed, compacted; check stays green
    engine.sync_once()
    compact(store, keep_days=0)
    assert _count(store, "tbl != 'audit'") == 0
    assert _check(store)["ok"]


def test_a_row_the_hub_has_not_confirmed_is_refused(desk: Any) -> None:
    store, engine, calls = desk
    _calls(calls, 3)
    with pytest.raises(CompactionError, match="not confirmed"):  # nothing pushed at all
        compact(store, through=1)
    engine.sync_once()
    _calls(calls, 3, start=10)
    confirmed = confirmed_horizon(store.reader())
    top = _count(store)  # site_seq runs from 1 without gaps here
    assert 0 < confirmed < top
    with pytest.raises(CompactionError, match="not confirmed"):
        compact(store, through=top)
    assert compact(store, through=confirmed)["through"] == confirmed  # the confirmed part is allowed


def test_an_edited_store_is_not_compacted_and_a_compacted_store_still_sees_an_edit(desk: Any) -> None:
    store, engine, calls = desk
    _calls(calls, 4)
    engine.sync_once()
    store.close()
    from operator_desk.store.database import connect

    raw = connect(store.path)
    seq = raw.execute("SELECT min(site_seq) FROM outbox WHERE tbl='calls' AND col='notes'").fetchone()[0]
    raw.execute("UPDATE outbox SET value='\"diubah\"' WHERE site_seq=?", (seq,))
    raw.close()
    again = Store(store.path)
    try:
        with pytest.raises(CompactionError, match="differ"):
            compact(again, keep_days=0)
        assert int(again.query("SELECT count(*) FROM outbox WHERE site_seq=?", (seq,))[0][0]) == 1
    finally:
        again.close()


def test_after_compaction_an_edited_field_is_still_reported(desk: Any) -> None:
    store, engine, calls = desk
    _calls(calls, 4)
    engine.sync_once()
    compact(store, keep_days=0)
    cid = store.query("SELECT id FROM calls ORDER BY id LIMIT 1")[0][0]
    store.close()
    from operator_desk.store.database import connect

    raw = connect(store.path)
    raw.execute("UPDATE calls SET notes='diubah di file' WHERE id=?", (cid,))
    raw.close()
    report = check_store(store.path)
    assert not report["ok"]
    assert any("notes" in p and cid in p for p in report["problems"]), report["problems"]


def test_a_horizon_moved_beyond_the_checkpoint_is_reported(desk: Any) -> None:
    store, engine, calls = desk
    _calls(calls, 3)
    engine.sync_once()
    compact(store, keep_days=0)
    assert _check(store)["ok"]
    _calls(calls, 2, start=10)  # not pushed: outside the signed tree
    top = _count(store)
    store.set_meta("outbox_compacted_through", str(top))
    report = _check(store)
    assert any("beyond what the hub" in p for p in report["problems"]), report["problems"]
