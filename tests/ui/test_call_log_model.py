"""The call-log model: Qt's model tester, paging, filters, FTS search and live updates."""

from __future__ import annotations

from operator_desk.services.calls import CallService
from operator_desk.services.demo import generate_demo
from operator_desk.store.store import Store
from operator_desk.ui.call_log_model import PAGE, CallFilter, CallLogModel


def test_qtmodeltester_on_call_log(qtmodeltester, store: Store) -> None:  # type: ignore[no-untyped-def]
    generate_demo(store, calls=450, days=3, seed=1)
    model = CallLogModel(store)
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
    model = CallLogModel(store)
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
    model = CallLogModel(store)
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
