"""The supervisor's board and a desk's message banner on the real window, over a real hub (issue 14)."""

from __future__ import annotations

from pathlib import Path

from hub_helpers import enrol
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QTableWidget

from operator_desk.app import create_desk
from operator_desk.core import build_core
from operator_desk.services.accounts import AccountService
from operator_desk.store.store import Store


def _accounts(data: Path) -> None:
    store = Store(data / "desk.sqlite")
    try:
        accounts = AccountService(store, trusted=True)
        accounts.add("Rina", "supervisor", "sandi-rina-112")
        accounts.add("Ahmad", "operator", "sandi-ahmad-112")
    finally:
        store.close()


def _rows(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_the_board_follows_a_desk_and_a_message_is_acknowledged(qtbot, hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, hub_dir = hub
    sup_dir, desk_dir = tmp_path / "sup", tmp_path / "a"
    enrol(hub_dir, url, sup_dir, "Supervisor", supervisor=True)
    enrol(hub_dir, url, desk_dir, "Desk A")
    _accounts(sup_dir)
    sup = create_desk(sup_dir, call_source="manual", login=("Rina", "sandi-rina-112"))
    qtbot.addWidget(sup.window)
    desk = create_desk(desk_dir, call_source="simulator", operator="Ahmad")
    qtbot.addWidget(desk.window)
    try:
        board = sup.window.findChild(QDockWidget, "floorDock")
        assert board is not None
        table = sup.window.findChild(QTableWidget, "floorDesks")
        qtbot.waitUntil(lambda: any(r[0] == "Desk A" and r[2] == "Ready" for r in _rows(table)), timeout=10000)
        desk.simulator.ring("081234567890")
        qtbot.waitUntil(lambda: any(r[0] == "Desk A" and r[2] == "Ringing" for r in _rows(table)), timeout=3000)
        assert sup.window.findChild(QLabel, "floorFigure_ringing").text() == "1"
        # the supervisor writes to Desk A; the banner shows there until Ctrl+Shift+K
        sup.ui.floor.board.text.setText("Tolong angkat, ada yang menunggu")
        sup.ui.floor.board.send.click()
        banner = desk.window.findChild(QLabel, "floorMessage")
        qtbot.waitUntil(lambda: banner.isVisibleTo(desk.window) and "Tolong angkat" in banner.text(), timeout=8000)
        desk.window.show()
        qtbot.waitExposed(desk.window)
        desk.window.raise_()
        desk.window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.window, timeout=3000)
        qtbot.keyClick(desk.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert not banner.isVisibleTo(desk.window)
    finally:
        desk.close()
        sup.close()


def test_an_operator_does_not_get_the_board(qtbot, hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, hub_dir = hub
    data = tmp_path / "sup"
    enrol(hub_dir, url, data, "Supervisor", supervisor=True)
    _accounts(data)
    desk = create_desk(data, call_source="manual", login=("Ahmad", "sandi-ahmad-112"))
    qtbot.addWidget(desk.window)
    try:
        assert desk.window.findChild(QDockWidget, "floorDock") is None
    finally:
        desk.close()


def test_break_and_lock_reach_the_floor(tmp_path: Path, hub) -> None:  # type: ignore[no-untyped-def]
    url, hub_dir = hub
    data = tmp_path / "b"
    enrol(hub_dir, url, data, "Desk B")
    core = build_core(data, call_source="manual", operator="Siti")
    try:
        assert core.desk_state.compute()["state"] == "ready"
        core.desk_state.on_break = True
        assert core.desk_state.compute()["state"] == "break"
        core.desk_state.locked = True
        assert core.desk_state.compute()["state"] == "locked"
        core.desk_state.locked = core.desk_state.on_break = False
        core.session.ring("x1", "081111111111")
        core.floor_changed()
        assert core.desk_state.compute()["state"] == "ringing"
        core.session.answer()
        core.floor_changed()
        assert core.desk_state.compute()["state"] == "on_call"
        core.session.close("prank")
        core.floor_changed()
        assert core.desk_state.compute()["state"] == "wrap_up"
        later = core.desk_state.compute(at_ms=core.desk_state.last_call_ended_ms + 16_000)  # type: ignore[operator]
        assert later["state"] == "ready"
        core.log_out()
        assert core.desk_state.compute()["state"] == "logged_out"
    finally:
        core.close()
