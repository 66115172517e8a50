"""The change bridge (one path to every view, no echo, once per tick) and the one task runner."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QObject, QThread

from operator_desk.app import Desk
from operator_desk.domain.changes import Changes, initiated_by
from operator_desk.ui.bridge import Bridge
from operator_desk.ui.tasks import TaskRunner


class View(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.heard: list[Changes] = []

    def on_changes(self, changes: Changes) -> None:
        self.heard.append(changes)


def _ch(table: str, pk: str, initiator: object | None = None, origin: str = "local") -> Changes:
    c = Changes(origin=origin, initiator=initiator)
    c.add(table, pk)
    return c


def test_subscribers_hear_their_tables_once_per_tick_and_never_their_own_echo(qtbot) -> None:  # type: ignore[no-untyped-def]
    bridge = Bridge()
    calls_view, incidents_view, everything = View(), View(), View()
    bridge.subscribe(calls_view.on_changes, "calls")
    bridge.subscribe(incidents_view.on_changes, "incidents")
    bridge.subscribe(everything.on_changes)
    for i in range(50):  # a burst from the writer thread
        threading.Thread(target=bridge.post, args=(_ch("calls", f"c{i}"),)).start()
    qtbot.waitUntil(lambda: len(calls_view.heard) == 1 and sum(len(c.ids["calls"]) for c in calls_view.heard) == 50,
                    timeout=2000)
    assert incidents_view.heard == []  # not its table
    assert len(everything.heard) == 1
    bridge.post(_ch("incidents", "i1", initiator=incidents_view))  # the view did it itself
    bridge.flush_now()
    assert incidents_view.heard == [] and len(everything.heard) == 2
    bridge.post(_ch("incidents", "i2", initiator=incidents_view))
    bridge.post(_ch("incidents", "i3", initiator=calls_view))  # mixed in one tick: nobody's own echo
    bridge.flush_now()
    assert len(incidents_view.heard) == 1 and incidents_view.heard[0].ids["incidents"] == {"i2", "i3"}


def test_a_broken_view_does_not_starve_the_others_and_dead_views_unsubscribe(qtbot) -> None:  # type: ignore[no-untyped-def]
    bridge = Bridge()
    good = View()

    def broken(_c: Changes) -> None:
        raise RuntimeError("view bug")

    bridge.subscribe(broken, "calls", owner=object())
    bridge.subscribe(good.on_changes, "calls")
    bridge.deliver(_ch("calls", "c1"))
    assert len(good.heard) == 1
    gone = View()
    bridge.subscribe(gone.on_changes, "calls")
    assert bridge.subscribers("calls") == 3
    gone.deleteLater()
    qtbot.waitUntil(lambda: bridge.subscribers("calls") == 2, timeout=2000)


def test_origin_survives_merging() -> None:
    a = _ch("calls", "1")
    a.merge(_ch("calls", "2", origin="sync"))
    assert a.origin == "sync" and a.count() == 2
    with pytest.raises(ValueError):
        Changes(origin="bogus")


def test_runner_delivers_on_the_gui_thread_and_reports_failures(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    gui = QThread.currentThread()
    seen: list[tuple[object, bool, bool]] = []
    worker_threads: list[str] = []

    def work() -> int:
        worker_threads.append(threading.current_thread().name)
        return 42

    runner.run(work, lambda r: seen.append((r, QThread.currentThread() is gui, True)))
    failures: list[BaseException] = []
    runner.run(lambda: 1 / 0, lambda r: seen.append((r, False, False)), failures.append)
    qtbot.waitUntil(lambda: bool(seen and failures), timeout=3000)
    assert seen == [(42, True, True)]
    assert isinstance(failures[0], ZeroDivisionError)
    assert worker_threads and worker_threads[0] != threading.current_thread().name
    default_errors: list[BaseException] = []
    runner.on_error = default_errors.append
    runner.run(lambda: [][0])
    qtbot.waitUntil(lambda: bool(default_errors), timeout=3000)
    assert isinstance(default_errors[0], IndexError)
    assert runner.shutdown()


def test_latest_request_of_a_key_wins_and_the_superseded_waiting_one_never_runs(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner(max_threads=2)
    gate = threading.Event()
    ran: list[int] = []
    got: list[int] = []

    def job(n: int) -> int:
        ran.append(n)
        if n == 1:
            gate.wait(5)
        return n

    for n in (1, 2, 3):
        runner.run(lambda n=n: job(n), got.append, key="search")  # type: ignore[misc]
    qtbot.waitUntil(lambda: ran == [1], timeout=2000)
    time.sleep(0.05)
    assert ran == [1]  # one at a time per key, even with a free thread
    gate.set()
    qtbot.waitUntil(lambda: got == [3], timeout=3000)
    runner.wait()
    qtbot.wait(30)
    assert ran == [1, 3] and got == [3]  # 2 was replaced while waiting; 1's result is stale
    runner.shutdown()


def test_initiator_travels_from_the_runner_into_the_store_changes(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    """A view's write comes back to every other view, but not to the view that made it."""
    me, other = View(), View()
    desk.bridge.subscribe(me.on_changes, "calls")
    desk.bridge.subscribe(other.on_changes, "calls")
    desk.ui.runner.run(lambda: desk.calls.ring("081211112222"), initiator=me)
    qtbot.waitUntil(lambda: len(other.heard) == 1, timeout=3000)
    desk.settle()
    assert me.heard == []
    assert other.heard[0].initiator is me and other.heard[0].origin == "local"
    with initiated_by(other):  # the same on the GUI thread, without the runner
        desk.calls.ring("081233334444")
    desk.settle()
    assert len(me.heard) == 1 and len(other.heard) == 1


def test_one_change_reloads_each_view_once(qtbot, desk: Desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An incident saved elsewhere (here: the core, as sync would) refreshes the board and the map once."""
    from operator_desk.domain.location import Location

    desk.settle()
    counts = {"board": 0, "map": 0, "log": 0}
    board, binding, model = desk.ui.board, desk.ui.map_binding, desk.window.call_log.model
    assert binding is not None
    orig_board, orig_map, orig_log = board.refresh, binding.refresh, model.apply_changes
    monkeypatch.setattr(board, "refresh", lambda: (counts.__setitem__("board", counts["board"] + 1), orig_board()))
    monkeypatch.setattr(binding, "refresh", lambda: (counts.__setitem__("map", counts["map"] + 1), orig_map()))
    monkeypatch.setattr(model, "apply_changes",
                        lambda ch: (counts.__setitem__("log", counts["log"] + 1), orig_log(ch)))
    # subscriptions were made with the original bound methods: re-subscribe the patched ones
    desk.bridge.unsubscribe(board)
    desk.bridge.unsubscribe(binding)
    desk.bridge.unsubscribe(model)
    desk.bridge.subscribe(lambda _c: board.refresh(), "referrals", "incidents", "agencies", owner=board)
    desk.bridge.subscribe(lambda c: binding.on_changes(c), "incidents", "landmarks", owner=binding)
    desk.bridge.subscribe(model.apply_changes, "calls", "incidents", owner=model)
    agency = desk.agencies.all()[0]["id"]
    call = desk.calls.ring("081255556666")
    inc = desk.incidents.create({"category": "fire", "priority": "P1",
                                 "location": Location(lat=-3.41, lon=114.85, source="map", confirmed=True)},
                                call_id=call)
    desk.referrals.refer(inc, agency)
    desk.settle()
    assert counts == {"board": 1, "map": 1, "log": 1}
