"""Closing a desk leaves nothing running: no thread, no QThread, no pool task, no active QTimer.

The autouse checks of tests/conftest.py fail each of these tests if `Desk.close()` leaves work behind;
the assertions here say what a closed desk must look like besides.
"""

from __future__ import annotations

import threading
from pathlib import Path

from operator_desk.app import create_desk


def _own_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}


def test_close_right_after_a_background_start(qtbot, running_qt_work, tmp_path: Path, banjar_dir: Path) -> None:  # type: ignore[no-untyped-def]
    before = _own_threads()
    desk = create_desk(tmp_path / "data", region=banjar_dir, call_source="simulator", operator="Rina",
                       background=True)
    qtbot.addWidget(desk.window)
    desk.close()  # before the region pack (started 50 ms after the first paint) begins to load
    assert _own_threads() <= before  # the store's writer and every worker have ended
    assert running_qt_work() == []  # no timer left armed to start the region load into the closed desk


def test_close_while_statistics_are_computed(qtbot, running_qt_work, tmp_path: Path, banjar_dir: Path) -> None:  # type: ignore[no-untyped-def]
    desk = create_desk(tmp_path / "data", region=banjar_dir, call_source="simulator", operator="Rina", demo=True)
    qtbot.addWidget(desk.window)
    desk.window.show()
    dock = desk.window.docks["statsDock"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: desk.ui.stats.widget is not None, timeout=5000)
    running = "\n".join(running_qt_work())
    assert "ui/status.py" in running and "ui/referral_board.py" in running  # the clock and the board tick
    desk.close()  # the week's statistics of 600 calls may still be computing
    desk.close()  # twice is harmless
    assert running_qt_work() == []  # the computation was waited for, the clock and the board stopped



def test_close_while_a_place_search_is_typed(qtbot, running_qt_work, desk) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(desk.window.form.place.edit, "Marta")  # the search waits for more letters
    assert any("location_search.py" in w for w in running_qt_work())
    desk.close()
    assert running_qt_work() == []


def test_close_while_a_call_log_search_is_typed(qtbot, running_qt_work, desk) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(desk.window.call_log.search, "0812")  # the search waits for more letters
    assert any("call_log.py" in w for w in running_qt_work())
    desk.close()
    assert running_qt_work() == []
