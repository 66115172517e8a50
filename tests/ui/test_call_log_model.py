"""The call-log model: Qt's model tester, paging, filters, FTS search and live updates."""

from __future__ import annotations

from operator_desk.domain.changes import Changes
from operator_desk.services.call_log import CallLogQuery
from operator_desk.services.calls import CallService
from operator_desk.services.demo import generate_demo
from operator_desk.store.store import Store
from operator_desk.store.tx import Tx
from operator_desk.ui.call_log import CallLogPanel
from operator_desk.ui.call_log_model import BIG_BATCH, PAGE, CallFilter, CallLogModel


def test_qtmodeltester_on_call_log(qtmodeltester, store: Store) -> None:  # type: ignore[no-untyped-def]
    generate_demo(store, calls=450, days=3, seed=1)
    model = CallLogModel(CallLogQuery(store))
    assert model.rowCount() == PAGE  # one page until the view asks for more
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450
    qtmodeltester.check(model, force_py=True)


def test_newest_first_and_live_insert(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    calls = CallService(store)
    a = calls.ring("081100000001")
    clock.advance(1000)
    b = calls.ring("081100000002")
    model = CallLogModel(CallLogQuery(store))
    assert [model.call_id(0), model.call_id(1)] == [b, a]
    changes = []
    store.subscribe(changes.append)
    clock.advance(1000)
    c = calls.ring("081100000003")
    with qtbot.waitSignal(model.rowsInserted, timeout=1000):
        model.apply_changes(changes[-1])
    assert model.call_id(0) == c and model.rowCount() == 3
    calls.close(c, "prank")
    model.apply_changes(changes[-1])
    assert model.index(0, 2).data() == "Prank"


def test_filters_and_search(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    calls = CallService(store)
    ids = {}
    for n, outcome in (("081234500001", "prank"), ("081299900002", "ghost"), ("085511100003", "prank")):
        clock.advance(1000)
        ids[n] = calls.ring(n)
        calls.close(ids[n], outcome, notes="anak kecil main telepon" if n.endswith("3") else None)
    model = CallLogModel(CallLogQuery(store))
    model.set_filter(CallFilter(outcome="prank"))
    assert model.rowCount() == 2
    model.set_filter(CallFilter(text="2999"))  # a fragment of the number
    assert [model.call_id(i) for i in range(model.rowCount())] == [ids["081299900002"]]
    model.set_filter(CallFilter(text="0812 9990 0002"))  # typed nationally, with spaces
    assert model.rowCount() == 1
    model.set_filter(CallFilter(text="main telepon"))  # words from the notes
    assert [model.call_id(i) for i in range(model.rowCount())] == [ids["085511100003"]]
    model.set_filter(CallFilter(text="tidak ada"))
    assert model.rowCount() == 0


def _old_calls(store: Store, n: int, start_ms: int) -> list[str]:
    """n calls started before `start_ms` (what a sync catch-up brings: calls in the middle of the log)."""

    def fn(tx: Tx) -> list[str]:
        return [
            tx.insert_record(
                "calls",
                {"site_id": tx.site_id, "caller_raw": f"0813{k:08d}", "source": "manual",
                 "started_at": start_ms - 1000 * (k + 1), "outcome": "ghost"},
            )
            for k in range(n)
        ]

    return store.write(fn)


def test_a_big_batch_is_one_reload_and_shows_calls_in_the_middle(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    calls = CallService(store)
    first = calls.ring("081100000001")
    model = CallLogModel(CallLogQuery(store))
    reloads = model.reloads
    old = _old_calls(store, BIG_BATCH + 1, clock.ms - 10)  # older than the top row
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.apply_changes(Changes(origin="sync", ids={"calls": set(old)}))
    assert model.reloads == reloads + 1
    assert model.rowCount() == PAGE and model.call_id(0) == first
    assert model.call_id(1) == old[0]  # the newest of the synced calls, right under the top


def test_a_small_batch_is_updated_in_place_without_a_reset(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    calls = CallService(store)
    first = calls.ring("081100000001")
    model = CallLogModel(CallLogQuery(store))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    clock.advance(1000)
    new = [calls.ring(f"08110000010{i}") for i in range(3)]
    with qtbot.waitSignal(model.rowsInserted, timeout=1000):
        model.apply_changes(Changes(ids={"calls": set(new)}))
    assert resets == [] and model.rowCount() == 4 and model.call_id(3) == first
    calls.close(first, "prank")
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.apply_changes(Changes(ids={"calls": {first}}))
    assert model.index(3, 2).data() == "Prank" and resets == []


def test_the_panel_keeps_the_selected_call_across_a_reload(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    calls = CallService(store)
    ids = []
    for i in range(5):
        clock.advance(1000)
        ids.append(calls.ring(f"08110000020{i}"))
    panel = CallLogPanel(CallLogQuery(store))
    qtbot.addWidget(panel)
    picked: list[str] = []
    panel.call_selected.connect(picked.append)
    panel.table.setCurrentIndex(panel.model.index(2, 0))
    assert picked == [ids[2]]
    old = _old_calls(store, BIG_BATCH + 1, clock.ms - 100_000)
    panel.model.apply_changes(Changes(origin="sync", ids={"calls": set(old)}))
    assert panel.model.call_id(panel.table.currentIndex().row()) == ids[2]
    assert picked == [ids[2]]  # kept quietly: the map does not jump again
    panel.model.set_filter(CallFilter(outcome="prank"))  # the call is filtered out: nothing selected
    assert not panel.table.currentIndex().isValid() and picked == [ids[2]]


def test_the_query_object_pages_and_reads_rows(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    calls = CallService(store)
    ids = []
    for i in range(5):
        clock.advance(1000)
        ids.append(calls.ring(f"08110000030{i}"))
    q = CallLogQuery(store)
    first = q.page(CallFilter(), None, 2)
    assert [k[1] for k in first] == [ids[4], ids[3]]
    assert [k[1] for k in q.page(CallFilter(), first[-1], 10)] == [ids[2], ids[1], ids[0]]
    assert q.newer_than(CallFilter(), q.key_of(ids[2])) == [ids[4], ids[3]]
    assert q.key_of("no-such-call") is None and q.count(CallFilter()) == 5
    rows = {r.id: r for r in q.rows_by_ids([ids[0], "no-such-call", ids[0]])}
    assert list(rows) == [ids[0]] and rows[ids[0]].caller_raw == "081100000300"
    store.close()
    assert q.closed and q.rows_by_ids([ids[0]]) == []  # a view painting during shutdown gets nothing
