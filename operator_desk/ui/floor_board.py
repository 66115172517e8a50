"""The floor in the window (issue 14): the supervisor's board, the desk's message banner and its Break.

`FloorBoard` (objectName `floorBoard`) lists every desk of the center with its operator, state and time
in state, the current call's duration and the calls ringing on it; above, the center's figures: calls
ringing now and the longest wait, today's calls, the share answered within 10 / 15 / 20 s, abandoned and
prank + ghost shares, open incidents by priority, overdue referrals — and a red alert when the last hour's
15-second service level is below 90 %. A supervisor sends a short message to one desk or to all.

The desks come from the hub's floor channel (services/floor.FloorWatcher, a thread; delivered here by a
signal); the figures from the desk's own store on the task runner every FIGURES_MS. The board shows on a
desk enrolled as a supervisor's (`enroll --supervisor`) while a supervisor or admin is logged in.

Every desk: a message from the supervisor shows in a banner (objectName `floorMessage`) until the operator
acknowledges it with Ctrl+Shift+K; *Break* (Ctrl+B, in the log-in toolbar) tells the floor the operator is away.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services.floor import FloorWatcher, send_message
from ..services.floor_figures import FloorFigures

FIGURES_MS = 10_000
TICK_MS = 1_000


def _duration(ms: int) -> str:
    """"4:05", "1 j 02 m": time in state and waits read as durations."""
    s = max(0, ms // 1000)
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s // 3600} j {s % 3600 // 60:02d} m"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + " %"


class FloorBoard(QWidget):
    """The supervisor's live board. `show_floor(snapshot)` and `show_figures(figures)` feed it."""

    send_requested = Signal(str, str)  # to (site id | "all"), text

    COLUMNS = ("desk", "operator", "state", "in_state", "call", "ringing")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("floorBoard")
        self.states = {
            "ready": self.tr("Ready"), "ringing": self.tr("Ringing"), "on_call": self.tr("On a call"),
            "wrap_up": self.tr("Wrap-up"), "break": self.tr("Break"), "locked": self.tr("Locked"),
            "logged_out": self.tr("Nobody logged in"), "offline": self.tr("Offline"),
        }  # fmt: skip
        self.snapshot: dict[str, Any] | None = None
        self.received_at = 0.0
        layout = QVBoxLayout(self)
        self.alert = QLabel(self)
        self.alert.setObjectName("floorAlert")
        self.alert.setStyleSheet("background:#b00020; color:white; font-weight:bold; padding:4px;")
        self.alert.hide()
        layout.addWidget(self.alert)
        grid = QGridLayout()
        self.figures: dict[str, QLabel] = {}
        names = (
            ("ringing", self.tr("Ringing now")), ("longest", self.tr("Longest wait")),
            ("calls", self.tr("Calls today")), ("sl10", self.tr("Answered ≤ 10 s")),
            ("sl15", self.tr("Answered ≤ 15 s")), ("sl20", self.tr("Answered ≤ 20 s")),
            ("abandoned", self.tr("Abandoned")), ("prank", self.tr("Prank + ghost")),
            ("open", self.tr("Open incidents P1/P2/P3/P4")), ("overdue", self.tr("Overdue referrals")),
        )  # fmt: skip
        for i, (key, title) in enumerate(names):
            box = QVBoxLayout()
            t = QLabel(title, self)
            v = QLabel("–", self)
            v.setObjectName(f"floorFigure_{key}")
            v.setStyleSheet("font-size:18px; font-weight:bold;")
            box.addWidget(t)
            box.addWidget(v)
            grid.addLayout(box, i // 5, i % 5)
            self.figures[key] = v
        layout.addLayout(grid)
        self.hub = QLabel(self)
        self.hub.setObjectName("floorHub")
        layout.addWidget(self.hub)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("floorDesks")
        self.table.setHorizontalHeaderLabels([
            self.tr("Desk"), self.tr("Operator"), self.tr("State"), self.tr("Since"), self.tr("Call"),
            self.tr("Ringing (longest)"),
        ])  # fmt: skip
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.target = QComboBox(self)
        self.target.setObjectName("floorMessageTarget")
        self.text = QLineEdit(self)
        self.text.setObjectName("floorMessageText")
        self.text.setMaxLength(280)
        self.text.setPlaceholderText(self.tr("Message to the desks"))
        self.send = QPushButton(self.tr("Send"), self)
        self.send.setObjectName("floorMessageSend")
        self.send.clicked.connect(self._send)
        self.text.returnPressed.connect(self._send)
        row.addWidget(self.target)
        row.addWidget(self.text, 1)
        row.addWidget(self.send)
        layout.addLayout(row)
        self._targets()
        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self._repaint_times)
        self.tick.start()

    def stop(self) -> None:
        self.tick.stop()

    def _targets(self, desks: list[dict[str, Any]] | None = None) -> None:
        current = self.target.currentData()
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem(self.tr("All desks"), "all")
        for d in desks or []:
            self.target.addItem(str(d.get("site_name") or "?"), d.get("site_id"))
        i = self.target.findData(current)
        self.target.setCurrentIndex(max(0, i))
        self.target.blockSignals(False)

    def _send(self) -> None:
        text = " ".join(self.text.text().split())
        if not text:
            return
        self.send_requested.emit(str(self.target.currentData() or "all"), text)
        self.text.clear()

    # -- the hub's floor ------------------------------------------------------------------------------
    def show_floor(self, snapshot: dict[str, Any] | None) -> None:
        if snapshot is None:
            self.hub.setText(self.tr("The hub cannot be reached: the desks' states are not known"))
            self.hub.setStyleSheet("color:#b71c1c; font-weight:bold;")
            return
        self.hub.setText("")
        self.hub.setStyleSheet("")
        self.snapshot = snapshot
        self.received_at = time.time()
        desks = list(snapshot.get("desks") or [])
        if [d.get("site_id") for d in desks] != [self.target.itemData(i) for i in range(1, self.target.count())]:
            self._targets(desks)
        self.table.setRowCount(len(desks))
        self._repaint_times()

    def _now_ms(self) -> int:
        snap = self.snapshot or {}
        return int(snap.get("now_ms", 0)) + int((time.time() - self.received_at) * 1000)

    def _repaint_times(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        now = self._now_ms()
        desks = list(snap.get("desks") or [])
        waits: list[int] = []
        for r, d in enumerate(desks):
            state = str(d.get("state") or "offline")
            ringing = [now - int(x) for x in d.get("ringing_since_ms") or []] if state != "offline" else []
            waits += ringing
            call = d.get("call_started_ms")
            cells = (
                str(d.get("site_name") or "?"),
                str(d.get("operator") or "–"),
                self.states.get(state, self.tr("Unknown")),
                _duration(now - int(d.get("since_ms") or now)),
                _duration(now - int(call)) if call and state == "on_call" else "",
                f"{len(ringing)} ({_duration(max(ringing))})" if ringing else "",
            )
            for c, text in enumerate(cells):
                item = self.table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(r, c, item)
                if item.text() != text:
                    item.setText(text)
                if c == 2:
                    item.setForeground(Qt.GlobalColor.darkRed if state in ("offline", "ringing") else Qt.GlobalColor.black)
        self.figures["ringing"].setText(str(len(waits)))
        self.figures["longest"].setText(_duration(max(waits)) if waits else "–")

    # -- the store's figures ------------------------------------------------------------------------
    def show_figures(self, f: FloorFigures) -> None:
        t = f.today
        self.figures["calls"].setText(str(t.offered))
        self.figures["sl10"].setText(_pct(t.pct("within_10s")))
        self.figures["sl15"].setText(_pct(t.pct("within_15s")))
        self.figures["sl20"].setText(_pct(t.pct("within_20s")))
        self.figures["abandoned"].setText(_pct(t.pct("abandoned")))
        self.figures["prank"].setText(_pct(f.share(f.prank_ghost)))
        self.figures["open"].setText(" / ".join(str(f.open_by_priority.get(p, 0)) for p in ("P1", "P2", "P3", "P4")))
        self.figures["overdue"].setText(str(f.overdue_referrals))
        if f.alert:
            self.alert.setText(self.tr("Service level: only {pct} of the last hour's calls answered within 15 s "
                                       "(target 90 %)").format(pct=_pct(f.last_hour.pct("within_15s"))))
            self.alert.show()
        else:
            self.alert.hide()


class MessageBanner(QLabel):
    """A supervisor's message on this desk, until the operator acknowledges it (Ctrl+Shift+K)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("floorMessage")
        self.setWordWrap(True)
        self.setStyleSheet("background:#fff3cd; color:#3b2f00; font-weight:bold; padding:4px; border:1px solid #c9a400;")
        self.pending: list[dict[str, Any]] = []
        self.hide()

    def add(self, messages: list[dict[str, Any]]) -> None:
        self.pending += messages
        self._show()

    def _show(self) -> None:
        if not self.pending:
            self.hide()
            return
        m = self.pending[0]
        more = len(self.pending) - 1
        text = self.tr("Message from {sender}: {text} — Ctrl+Shift+K: acknowledge").format(
            sender=m.get("sender") or "?", text=m.get("text") or "")
        if more:
            text += " " + self.tr("(+{n} more)").format(n=more)
        self.setText(text)
        self.show()

    def acknowledge(self) -> str | None:
        if not self.pending:
            return None
        m = self.pending.pop(0)
        self._show()
        return str(m.get("id"))


class _Relay(QObject):
    floor = Signal(object)
    messages = Signal(object)


class FloorBinding(QObject):
    """Wires the floor into a desk's window: banner, Break, lock states, and the board for supervisors."""

    def __init__(self, ui: Any) -> None:
        super().__init__(ui.window)
        self.ui = ui
        window = ui.window
        self.relay = _Relay(self)
        self.banner = MessageBanner(window)
        layout = window.centralWidget().layout()
        layout.insertWidget(0, self.banner)
        self.relay.messages.connect(self.banner.add)
        ack = QAction(self.tr("Acknowledge the supervisor's message"), window)
        ack.setObjectName("actAckMessage")
        ack.setShortcut(QKeySequence("Ctrl+Shift+K"))
        ack.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        ack.triggered.connect(self._ack)
        window.addAction(ack)
        self.break_action = QAction(self.tr("Break"), window)
        self.break_action.setObjectName("actBreak")
        self.break_action.setCheckable(True)
        self.break_action.setShortcut(QKeySequence("Ctrl+B"))
        self.break_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.break_action.toggled.connect(self._break)
        bar = window.findChild(QWidget, "dutyBar")
        if bar is not None and hasattr(bar, "addAction"):
            bar.addAction(self.break_action)
        window.addAction(self.break_action)
        if ui.login is not None:
            ui.login.locked.connect(lambda: self._locked(True))
            ui.login.unlocked.connect(lambda: self._locked(False))
            ui.login.changed.connect(self._account_changed)
        self.board: FloorBoard | None = None
        self.dock: QDockWidget | None = None
        self.watcher: FloorWatcher | None = None
        self.figures_timer = QTimer(self)
        self.figures_timer.setInterval(FIGURES_MS)
        self.figures_timer.timeout.connect(self._figures)
        self.attach()

    def attach(self) -> None:
        """The desk's sync (and with it the floor publisher) started: hear its messages, open the board."""
        core = self.ui.core
        if core.floor is not None:
            core.floor.on_messages = self.relay.messages.emit
        self._account_changed(core.account)

    def _ack(self) -> None:
        mid = self.banner.acknowledge()
        if mid and self.ui.core.floor is not None:
            self.ui.core.floor.ack(mid)

    def _break(self, on: bool) -> None:
        self.ui.core.desk_state.on_break = on
        self.ui.core.floor_changed()

    def _locked(self, on: bool) -> None:
        self.ui.core.desk_state.locked = on
        self.ui.core.floor_changed()

    def _account_changed(self, account: Any) -> None:
        self.break_action.setChecked(False)
        self.break_action.setEnabled(account is not None)  # nobody logged in: nobody to be on a break
        supervisor = account is not None and getattr(account, "role", None) in ("supervisor", "admin")
        if supervisor and self.ui.core.floor is not None:
            self._open_board()
        elif self.dock is not None:
            self._close_board()

    def _open_board(self) -> None:
        if self.dock is not None:
            return
        core, window = self.ui.core, self.ui.window
        self.board = FloorBoard(window)
        self.board.send_requested.connect(self._send)
        self.dock = QDockWidget(self.tr("Floor"), window)
        self.dock.setObjectName("floorDock")
        self.dock.setWidget(self.board)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        referral = window.findChild(QDockWidget, "referralDock")
        if referral is not None:
            window.tabifyDockWidget(referral, self.dock)
        self.dock.raise_()
        self.relay.floor.connect(self.board.show_floor)
        token, verify = core.floor.token, core.floor.verify  # the desk's own credential
        self.watcher = FloorWatcher(core.server, token, self.relay.floor.emit, verify=verify)
        self.watcher.start()
        self.figures_timer.start()
        self._figures()

    def _close_board(self) -> None:
        self.figures_timer.stop()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if self.board is not None:
            self.board.stop()
        if self.dock is not None:
            self.ui.window.removeDockWidget(self.dock)
            self.dock.deleteLater()
        self.dock = self.board = None

    def _figures(self) -> None:
        from ..services.floor_figures import FloorFiguresQuery

        core = self.ui.core
        query = FloorFiguresQuery(core.store)
        board = self.board
        self.ui.runner.run(lambda: query.figures(core.store.now_ms(), core.region.zone),
                           lambda f: board.show_figures(f) if board is not None and board is self.board else None,
                           key="floor-figures")

    def _send(self, to: str, text: str) -> None:
        core = self.ui.core
        if core.floor is None or core.server is None:
            return
        token, verify = core.floor.token, core.floor.verify
        self.ui.runner.run(lambda: send_message(core.server, token, to, text, verify=verify), None)

    def stop(self) -> None:
        self._close_board()
