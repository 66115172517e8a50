"""Several calls on one desk (issue 14): a second call rings during a call, the operator holds, answers
the waiting one and returns — by keys, on the real window, with the real store."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from operator_desk.app import Desk


def _calls(desk: Desk) -> dict[str, dict]:
    desk.settle()
    return {r["caller_raw"]: dict(r) for r in desk.store.query("SELECT * FROM calls")}


def _audit(desk: Desk, call_id: str) -> list[str]:
    return [
        r[0]
        for r in desk.store.query(
            "SELECT action FROM audit WHERE tbl='calls' AND pk=? AND action IN ('call_hold', 'call_resume') ORDER BY seq",
            (call_id,),
        )
    ]


def test_second_call_waits_f2_holds_and_answers_f4_returns(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    s, bar = desk.session, desk.window.incoming
    desk.simulator.ring("0812-1111-2222")
    press(Qt.Key.Key_F2)
    first = s.current
    assert first is not None
    desk.simulator.ring("0813-3333-4444")
    # the first caller stays on the line; the second shows as waiting, with its wait time
    assert s.current is first and len(s.ringing) == 1
    assert bar.waiting.isVisibleTo(desk.window)
    assert "0813-3333-4444" in bar.waiting.text()
    assert re.search(r"\(0:0\d\)", bar.waiting.text()), bar.waiting.text()
    assert "0812-1111-2222" in bar.state.text()
    assert bar._tick.isActive()  # the wait counts up while someone waits
    s.ringing[0].rang_ms -= 75_000  # it has waited 1:15 (the bar counts up each second)
    bar.redraw()
    assert "(1:15)" in bar.waiting.text()
    # F2 on a call: hold the current call, answer the waiting one
    press(Qt.Key.Key_F2)
    second = s.current
    assert second is not None and second is not first and second.number_raw == "0813-3333-4444"
    assert s.held == [first] and s.ringing == []
    assert "0813-3333-4444" in bar.state.text()
    assert bar.held.isVisibleTo(desk.window) and "0812-1111-2222" in bar.held.text()
    assert not bar.waiting.isVisibleTo(desk.window)
    assert desk.simulator.held == [("sim-1", True)]
    # F4 swaps: back to the first, the second on hold
    press(Qt.Key.Key_F4)
    assert s.current is first and s.held == [second]
    assert "0812-1111-2222" in bar.state.text() and "0813-3333-4444" in bar.held.text()
    # F6 closes the first; the second stays held until F4 returns to it
    press(Qt.Key.Key_F6)
    assert s.current is None and s.held == [second]
    assert bar.state.text() != "" and "0813-3333-4444" in bar.held.text()
    press(Qt.Key.Key_F4)
    assert s.current is second and s.held == []
    press(Qt.Key.Key_F7)
    assert s.current is None and not s.held
    assert not bar._tick.isActive()  # nobody waits or is held: no timer
    calls = _calls(desk)
    a, b = calls["0812-1111-2222"], calls["0813-3333-4444"]
    assert (a["outcome"], b["outcome"]) == ("prank", "information")
    for c in (a, b):  # nothing lost: both answered, both with a duration
        assert (
            c["answered_at"] is not None and c["ended_at"] is not None and c["ended_at"] >= c["answered_at"]
        )
    assert _audit(desk, first.call_id) == ["call_hold", "call_resume"]
    assert _audit(desk, second.call_id) == ["call_hold", "call_resume"]
    assert desk.simulator.hung_up == ["sim-1", "sim-2"]


def test_f4_holds_and_returns_and_f1_names_it(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    s = desk.session
    press(Qt.Key.Key_F4)  # nothing on the line: nothing to hold, nothing breaks
    assert s.current is None and s.held == []
    desk.simulator.ring("0812-5555-6666")
    press(Qt.Key.Key_F2)
    live = s.current
    press(Qt.Key.Key_F4)
    assert s.current is None and s.held == [live]
    assert desk.window.incoming.held.isVisibleTo(desk.window)
    press(Qt.Key.Key_F6)  # a held call is not closed by an outcome key: return first
    assert s.held == [live] and _calls(desk)["0812-5555-6666"]["ended_at"] is None
    press(Qt.Key.Key_F4)
    assert s.current is live
    press(Qt.Key.Key_F5)
    assert _calls(desk)["0812-5555-6666"]["outcome"] == "ghost"
    assert any(key == "F4" for key, _text in desk.window.keys_help())
    assert not desk.window.incoming.held.isVisibleTo(desk.window)


def test_hang_ups_in_every_order(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    s, sim = desk.session, desk.simulator
    # 1. the waiting caller hangs up while the first is on the line: abandoned, the first untouched
    e1 = sim.ring("0811-0000-0001")
    press(Qt.Key.Key_F2)
    e2 = sim.ring("0811-0000-0002")
    sim.caller_hangup(e2)
    assert s.ringing == [] and s.current is not None
    assert not desk.window.incoming.waiting.isVisibleTo(desk.window)
    # 2. a held caller hangs up: the call stays the operator's to close, marked gone
    e3 = sim.ring("0811-0000-0003")
    press(Qt.Key.Key_F2)  # holds 0001, answers 0003
    sim.caller_hangup(e1)
    assert s.held[0].caller_gone and "0811-0000-0001" in desk.window.incoming.held.text()
    # 3. the current caller hangs up, then the operator closes it and returns to the held one
    sim.caller_hangup(e3)
    assert s.current is not None and s.current.caller_gone
    press(Qt.Key.Key_F8)
    press(Qt.Key.Key_F4)
    assert s.current is not None and s.current.ext_id == e1
    press(Qt.Key.Key_F5)
    calls = _calls(desk)
    assert (
        calls["0811-0000-0002"]["outcome"] == "abandoned" and calls["0811-0000-0002"]["answered_at"] is None
    )
    assert calls["0811-0000-0003"]["outcome"] == "wrong_number"
    assert calls["0811-0000-0001"]["outcome"] == "ghost"
    for n in ("0811-0000-0001", "0811-0000-0003"):
        assert calls[n]["answered_at"] is not None and calls[n]["ended_at"] >= calls[n]["answered_at"]
    assert sim.hung_up == []  # every caller had gone: the desk hangs up nobody
    assert s.current is None and s.held == [] and s.ringing == []


def test_floor_state_counts_held_and_ringing(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    s, st = desk.session, desk.core.desk_state
    desk.simulator.ring("0812-7777-0001")
    press(Qt.Key.Key_F2)
    desk.simulator.ring("0812-7777-0002")
    desk.core.floor_changed()
    state = st.compute()
    assert state["state"] == "on_call" and state["held"] == 0 and len(state["ringing_since_ms"]) == 1
    press(Qt.Key.Key_F2)
    desk.core.floor_changed()
    state = st.compute()
    assert state["state"] == "on_call" and state["held"] == 1 and state["ringing_since_ms"] == []
    press(Qt.Key.Key_F6)  # the second closed, the first still held: the desk is on a call
    desk.core.floor_changed()
    state = st.compute()
    assert state["state"] == "on_call" and state["held"] == 1 and state["call_started_ms"] is not None
    press(Qt.Key.Key_F4)
    press(Qt.Key.Key_F6)
    desk.core.floor_changed()
    state = st.compute()
    assert state["state"] == "wrap_up" and state["held"] == 0
    assert s.current is None


def test_the_incident_saved_during_a_second_call_ends_the_held_emergency_call(
    qtbot, desk: Desk, press
) -> None:  # type: ignore[no-untyped-def]
    s = desk.session
    desk.simulator.ring("0812-9000-0001")
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)  # the form is for this caller
    emergency = s.current
    form = desk.window.form
    form.category.setCurrentIndex(form.category.findData("fire"))
    desk.simulator.ring("0812-9000-0002")
    press(Qt.Key.Key_F2)  # hold the emergency caller, answer the second
    second = s.current
    assert second is not None and second is not emergency and s.held == [emergency]
    qtbot.keyClicks(form.place.edit, "sei tabuk keramat")
    qtbot.keyClick(form.place.edit, Qt.Key.Key_Return)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save the incident
    qtbot.waitUntil(lambda: not s.held, timeout=3000)
    assert s.current is second  # the second caller is still on the line, not closed as that emergency
    calls = _calls(desk)
    inc = desk.store.query("SELECT id FROM incidents")
    assert len(inc) == 1, form.errors.text()
    first = calls["0812-9000-0001"]
    assert first["outcome"] == "emergency" and first["incident_id"] == inc[0][0]
    assert first["answered_at"] is not None and first["ended_at"] is not None
    assert calls["0812-9000-0002"]["ended_at"] is None and calls["0812-9000-0002"]["incident_id"] is None
    press(Qt.Key.Key_F7)
    assert _calls(desk)["0812-9000-0002"]["outcome"] == "information"
