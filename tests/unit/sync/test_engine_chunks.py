"""A pulled page is applied in bounded transactions: each commits with a cursor that is never ahead
of what it applied, a crash between two of them re-applies and converges, and an operator's write
waits for at most one of them. Big bodies are decoded in slices (the GIL is not held for seconds)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from operator_desk.domain.changes import Changes
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.loopback import LoopbackClient
from operator_desk.server.sqlite_backend import SqliteStorage
from operator_desk.services.calls import CallService
from operator_desk.store.store import Store
from operator_desk.sync import apply as ap
from operator_desk.sync import client as sync_client
from operator_desk.sync import engine as eng
from operator_desk.sync import protocol as p
from operator_desk.sync.cli import join
from operator_desk.sync.engine import SyncEngine, wait_until

CHUNK = 40
CALLS = 30


class Power(Exception):
    pass


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[SyncServer]:
    server = SyncServer(SqliteStorage(tmp_path / "hub"), hasher=cheap_hasher())
    yield server
    server.storage.close()


def _desk(tmp_path: Path, hub: SyncServer, name: str) -> tuple[Store, SyncEngine]:
    store = Store(tmp_path / name / "desk.sqlite")
    store.operator = f"op-{name}"
    token = hub.enroll(name)["token"]
    join(store, "http://hub.invalid", token)
    return store, SyncEngine(store, client=LoopbackClient(hub, token))


@pytest.fixture
def desks(tmp_path: Path, hub: SyncServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Desk A wrote CALLS calls and pushed them; desk B pulled once before (it has a cursor)."""
    monkeypatch.setattr(eng, "APPLY_CHUNK", CHUNK)
    a, ea = _desk(tmp_path, hub, "a")
    b, eb = _desk(tmp_path, hub, "b")
    eb.sync_once()
    calls = CallService(a)
    for i in range(CALLS):
        calls.close(calls.ring(f"0812{i:08d}"), "ghost", notes=f"catatan {i}")
    ea.sync_once()
    yield a, ea, b, eb
    for s in (a, b):
        s.close()


def _page(hub: SyncServer, b: Store, eb: SyncEngine) -> list[dict[str, Any]]:
    after = int(b.get_meta(ap.CURSOR_KEY) or 0)
    return list(eb.client.pull(after, eng.PULL_LIMIT, 0.0)["changes"])


def _calls(store: Store) -> dict[str, dict[str, Any]]:
    return ap.replica_state(store.reader()).get("calls", {})


def test_a_page_is_applied_in_several_transactions_each_with_its_cursor(hub, desks) -> None:  # type: ignore[no-untyped-def]
    a, _, b, eb = desks
    page = _page(hub, b, eb)
    assert len(page) > 3 * CHUNK
    commits: list[tuple[int, int]] = []  # (cursor, changes applied so far) at each commit

    def on_commit(changes: Changes) -> None:  # writer thread, right after the commit
        if changes.origin == "sync":
            cursor = int(ap.get_meta(b.reader(), ap.CURSOR_KEY) or 0)
            commits.append((cursor, sum(1 for c in page if c["server_seq"] <= cursor)))

    b.subscribe(on_commit)
    assert eb.pull_once() == len(page)
    chunks = -(-len(page) // CHUNK)
    wait_until(lambda: len(commits) >= chunks, 5)  # listeners run just after the waiter is released
    assert len(commits) == chunks  # one transaction per chunk
    # each chunk moved the cursor exactly to its last change: never ahead, never behind
    assert [n for _, n in commits[:-1]] == [CHUNK * (k + 1) for k in range(len(commits) - 1)]
    assert commits[-1][1] == len(page)
    assert _calls(b) == _calls(a)


def test_a_crash_mid_page_keeps_the_chunks_before_it_and_re_applying_converges(hub, desks) -> None:  # type: ignore[no-untyped-def]
    a, _, b, eb = desks
    page = _page(hub, b, eb)
    crash_at = 2 * CHUNK + 5  # in the third chunk

    def boom(i: int) -> None:
        if i == crash_at:
            raise Power("power cut")

    eb.fault_hook = boom
    with pytest.raises(Power):
        eb.pull_once()
    eb.fault_hook = None
    cursor = int(b.get_meta(ap.CURSOR_KEY) or 0)
    assert cursor == page[2 * CHUNK - 1]["server_seq"]  # the two whole chunks, nothing of the third
    applied = {(c["pk"], c["col"]) for c in page[: 2 * CHUNK] if c["tbl"] == "calls"}
    state = _calls(b)
    for pk, col in applied:
        if col in ("caller_raw", "notes", "outcome"):
            assert state[pk][col] == page_value(page[: 2 * CHUNK], pk, col)
    later = {c["pk"] for c in page[2 * CHUNK :] if c["tbl"] == "calls"} - {pk for pk, _ in applied}
    assert later and not later & set(state)  # nothing of the failed chunk is there
    assert eb.pull_once() == len(page) - 2 * CHUNK  # resumes at the cursor
    assert _calls(b) == _calls(a)
    assert eb.pull_once() == 0


def page_value(page: list[dict[str, Any]], pk: str, col: str) -> Any:
    return [c["value"] for c in page if c["pk"] == pk and c["col"] == col][-1]


def test_a_crash_mid_snapshot_leaves_no_cursor_and_the_next_bootstrap_converges(tmp_path, hub, desks) -> None:  # type: ignore[no-untyped-def]
    a, _, _, _ = desks
    c, ec = _desk(tmp_path, hub, "c")
    try:

        def boom(i: int) -> None:
            if i == CHUNK + 1:
                raise Power("power cut")

        ec.fault_hook = boom
        with pytest.raises(Power):
            ec.pull_once()  # no cursor yet: bootstraps from the snapshot
        ec.fault_hook = None
        assert c.get_meta(ap.CURSOR_KEY) is None  # a snapshot's cursor comes with its last chunk only
        assert _calls(c)  # the first chunk is committed (and harmless to apply again)
        ec.pull_once()
        assert c.get_meta(ap.CURSOR_KEY) is not None
        assert _calls(c) == _calls(a)
    finally:
        c.close()


def test_an_operator_write_waits_for_one_chunk_not_the_page(hub, desks) -> None:  # type: ignore[no-untyped-def]
    _, _, b, eb = desks
    page = _page(hub, b, eb)
    order: list[str] = []
    submitted: list[Any] = []

    def hook(i: int) -> None:  # runs on the writer thread, inside the chunk's transaction
        if i % CHUNK == 0:
            order.append(f"chunk {i // CHUNK}")
        if i == CHUNK + 3:  # the operator presses a key while the second chunk is being applied
            submitted.append(b.write_async(lambda tx: order.append("operator")))

    eb.fault_hook = hook
    eb.pull_once()
    submitted[0].result(10)
    assert order.index("operator") == 2  # right after the chunk that was running
    assert order[:2] == ["chunk 0", "chunk 1"] and order[3] == "chunk 2"
    assert len([o for o in order if o.startswith("chunk")]) == -(-len(page) // CHUNK)


def test_chunk_cursor_needs_rising_server_seqs_within_the_page() -> None:
    good = [{"server_seq": s} for s in (3, 5, 9)]
    assert eng._chunk_cursor(good, 0, 20) == (9, 9)
    assert eng._chunk_cursor(good, 5, 20)[0] is None  # not after the previous chunk
    assert eng._chunk_cursor(good, 0, 8)[0] is None  # beyond the page's cursor
    missing = [{"server_seq": 3}, {"tbl": "calls"}]
    cursor, prev = eng._chunk_cursor(missing, 0, 20)
    assert cursor is None and eng._chunk_cursor([{"server_seq": 21}], prev, 20)[0] is None  # stays unusable
    assert eng._chunk_cursor([{"server_seq": "7"}], 0, 20)[0] is None
    assert eng._chunk_cursor(["not a change"], 0, 20)[0] is None  # type: ignore[list-item]


def test_top_clock_skips_malformed_clocks() -> None:
    later = "1795000000001-00000"
    assert eng._top_clock([{"hlc": later}, {"hlc": "1795000000000-00009"}]) == eng.Hlc.decode(later)
    assert eng._top_clock([{"hlc": later}, {"hlc": None}, {}, "x", {"hlc": "zz-zz"}]) == eng.Hlc.decode(later)
    assert eng._top_clock([{"hlc": "9999999999999999-0"}, {"hlc": later}]) == eng.Hlc.decode(later)  # not 19 wide
    assert eng._top_clock([]) is None and eng._top_clock([{"hlc": 5}]) is None


def _body(changes: list[Any], **fields: Any) -> bytes:
    return p.encode_changes([json.dumps(c, ensure_ascii=False) for c in changes], **fields)


@pytest.mark.parametrize(
    "value",
    ["plain", 'tricky "},{" and ]} in a string é', {"nested": [{"a": 1}, {"b": "},{"}]}, None, 1.5],
)
def test_a_big_body_is_decoded_in_slices_to_the_same_value(value: Any) -> None:
    changes = [{"server_seq": i, "pk": f"p{i}", "value": value} for i in range(40_000)]
    body = _body(changes, cursor=40_000, server_id="hub", more=False)
    assert len(body) > sync_client.STEPWISE_BYTES
    assert sync_client._decode_body(body) == json.loads(body)
    empty = p.encode_changes([], cursor=1) + b" " * sync_client.STEPWISE_BYTES
    assert sync_client._decode_body(empty) == {"changes": [], "cursor": 1}


def test_a_broken_big_body_is_an_error_not_a_wrong_value() -> None:
    body = _body([{"server_seq": i, "v": "x" * 50} for i in range(30_000)], cursor=1)
    for bad in (body[:-1], body[: len(body) // 2], body.replace(b"},{", b"}|{", 1), body[:-2] + b",}"):
        with pytest.raises(ValueError):
            sync_client._decode_body(bad)


@pytest.mark.parametrize("piece", [1, 1000, 65_536])
def test_a_streamed_body_is_decoded_slice_by_slice_as_it_arrives(piece: int) -> None:
    changes = [{"server_seq": i, "v": 'a "},{" b' if i % 7 else {"n": [{"a": 1}, {"b": 2}]}} for i in range(20_000)]
    body = _body(changes, cursor=20_000, server_id="hub")
    decoder = sync_client.SliceDecoder()
    for k in range(0, len(body), piece):
        decoder.feed(body[k : k + piece])
    assert decoder.finish() == json.loads(body)
    error = sync_client.SliceDecoder()
    error.feed(b'{"error": "unauthorized"}')
    assert error.finish() == {"error": "unauthorized"}
    broken = sync_client.SliceDecoder()
    broken.feed(body[:-3])
    with pytest.raises(ValueError):
        broken.finish()
