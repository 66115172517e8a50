"""The repeat-prank flag never hides an earlier emergency and never looks like "hang up"; a waiting
second caller shows their number and flag. Real store, real desk window."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from operator_desk.app import Desk
from operator_desk.services.calls import CallService
from operator_desk.ui import caller_flags

PRANKER = "0812-7777-1000"
PRANKER_WITH_EMERGENCY = "0812-7777-2000"


def _reddish(style: str) -> list[str]:
    """The colours of a style sheet that read as red (hue within 15° of red, clearly saturated)."""
    found = []
    for text in re.findall(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}\b|\b(?:red|darkred|crimson|firebrick)\b", style):
        c = QColor(text)
        hue = c.hslHue()
        if c.hslSaturationF() > 0.4 and 0.15 < c.lightnessF() < 0.9 and (hue <= 15 or hue >= 345):
            found.append(text)
    return found


def test_reddish_sees_the_old_red_flag() -> None:
    assert _reddish("color: white; background: #b71c1c;") == ["#b71c1c"]
    assert (
        _reddish(caller_flags.PRANKS_ONLY_STYLE) == [] and _reddish(caller_flags.WITH_EMERGENCY_STYLE) == []
    )


def _history(calls: CallService, number: str, pranks: int, emergencies: int) -> None:
    for outcome in ["prank"] * pranks + ["emergency"] * emergencies:
        calls.close(calls.ring(number), outcome)


def test_history_counts_earlier_emergencies(store: Any) -> None:
    calls = CallService(store)
    _history(calls, PRANKER, 3, 0)
    _history(calls, PRANKER_WITH_EMERGENCY, 3, 1)
    plain, mixed = calls.history(PRANKER), calls.history(PRANKER_WITH_EMERGENCY)
    assert plain.repeat_prank and plain.emergencies == 0
    assert mixed.repeat_prank and mixed.prank_count == 3 and mixed.emergencies == 1


def _ring_and_look_up(desk: Desk, number: str) -> None:
    desk.simulator.ring(number)
    desk.settle()  # the history is looked up on the task runner while it rings


def test_flag_says_the_earlier_emergency_and_is_not_red(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    _history(desk.calls, PRANKER_WITH_EMERGENCY, 3, 1)
    _ring_and_look_up(desk, PRANKER_WITH_EMERGENCY)
    flag = desk.window.incoming.flag
    assert flag.isVisibleTo(desk.window)
    assert "3 prank calls" in flag.text() and "emergency before: 1×" in flag.text()
    assert _reddish(flag.styleSheet()) == []


def test_flag_without_an_emergency_says_pranks_only_and_is_not_red(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    _history(desk.calls, PRANKER, 4, 0)
    _ring_and_look_up(desk, PRANKER)
    flag = desk.window.incoming.flag
    assert flag.isVisibleTo(desk.window)
    assert "4 prank calls" in flag.text() and "emergency" not in flag.text()
    assert _reddish(flag.styleSheet()) == []


def test_no_flag_below_the_threshold_even_with_an_emergency(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    _history(desk.calls, PRANKER, 2, 1)
    _ring_and_look_up(desk, PRANKER)
    assert not desk.window.incoming.flag.isVisibleTo(desk.window)


def test_waiting_caller_shows_number_and_flag(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    _history(desk.calls, PRANKER_WITH_EMERGENCY, 3, 1)
    desk.simulator.ring("0813-5000-0001")
    press(Qt.Key.Key_F2)  # on the line with the first caller
    waiting = desk.window.incoming.waiting
    assert not waiting.isVisibleTo(desk.window)
    _ring_and_look_up(desk, PRANKER_WITH_EMERGENCY)
    qtbot.waitUntil(lambda: "emergency before: 1×" in waiting.text(), timeout=3000)
    assert waiting.isVisibleTo(desk.window)
    assert waiting.text().startswith("+1 waiting: 0812-7777-2000")
    assert "3 prank calls" in waiting.text()
    assert "0813-5000-0001" in desk.window.incoming.state.text()  # the bar still names who is on the line


def test_waiting_caller_without_history_shows_the_number_only(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    desk.simulator.ring("0813-5000-0001")
    desk.simulator.ring("0813-5000-0002")
    desk.settle()
    waiting = desk.window.incoming.waiting
    # ringing two: the second one waits, with its wait time (hold14)
    assert re.fullmatch(r"\+1 waiting: 0813-5000-0002 \(0:0\d\)", waiting.text()), waiting.text()
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F5)
    assert not waiting.isVisibleTo(desk.window)  # the waiting one now rings in front
