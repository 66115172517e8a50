"""The incoming-call bar and the caller's history, shown while it rings (before answering)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QSizePolicy, QVBoxLayout, QWidget

from ..domain import phone
from ..domain.timeutil import local
from ..services.calls import CallerHistory
from ..services.incident_list import open_incident
from ..services.session import DeskSession
from . import caller_flags, labels


class CallerHistoryView(QListWidget):
    """Earlier calls and incidents of the number (objectName `callerHistory`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callerHistory")
        self.history: CallerHistory | None = None

    def show_history(self, hist: CallerHistory | None) -> None:
        self.clear()
        self.history = hist
        if hist is None or not hist.number:
            return
        for inc in hist.incidents:
            self.addItem(
                self.tr("Incident {number} · {category} · {status} · {when}").format(
                    number=inc["number"],
                    category=labels.category(inc["category"]),
                    status=labels.status(inc["status"]),
                    when=f"{local(inc['created_at']):%d-%m-%Y %H:%M}",
                )
            )
        for call in hist.calls:
            self.addItem(
                self.tr("Call {when} · {outcome}").format(
                    when=f"{local(call['started_at']):%d-%m-%Y %H:%M}",
                    outcome=labels.outcome(call["outcome"]),
                )
            )
        if not hist.calls and not hist.incidents:
            self.addItem(self.tr("First call from this number"))


class IncomingCallBar(QFrame):
    """Big, plain line on top: who rings or who is on the line, with the keys that act on it."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incomingCallBar")
        self.session = session
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.state = QLabel(self)
        self.state.setObjectName("callState")
        font = self.state.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.state.setFont(font)
        self.flag = QLabel(self)
        self.flag.setObjectName("prankFlag")
        self.flag.hide()  # words and look: caller_flags (never red; says any earlier emergency)
        self.waiting = QLabel(self)  # "+1 waiting: number · flag" (caller_flags.waiting_text)
        self.waiting.setObjectName("waitingCaller")
        self.waiting.hide()
        self.waiting_lookup = caller_flags.WaitingLookup()
        self.held = QLabel(self)  # hold14: "On hold: 0812-… (1:05) · F4 returns"
        self.held.setObjectName("heldCalls")
        self.held.hide()
        self._tick = QTimer(self)  # the waits count up while a caller waits or is held (only when shown)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.redraw)
        self._hist: CallerHistory | None = None
        self.keys = QLabel(self)
        self.keys.setObjectName("callKeys")
        self.keys.setTextFormat(Qt.TextFormat.PlainText)
        # form16: while an emergency is open the incident form's next step shows below the keys; the bar
        # is never taller than its text and its lines wrap when the form takes the width
        self.next = QLabel(self)
        self.next.setObjectName("formStep")
        self.next.setTextFormat(Qt.TextFormat.PlainText)
        self.next.setStyleSheet("font-weight: bold; color: #0d47a1;")
        self.next.hide()
        for label in (self.state, self.keys, self.next):
            label.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        row = QHBoxLayout()
        row.addWidget(self.state, 1)
        row.addWidget(self.flag)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(row)
        layout.addWidget(self.keys)
        layout.addWidget(self.waiting)
        layout.addWidget(self.held)
        layout.addWidget(self.next)
        self.refresh(None)

    def set_step(self, text: str) -> None:
        """The incident form's next step ("Isi kategori → lokasi → Ctrl+Enter") instead of the call's
        keys while the form is open; "" when no form is open."""
        self.next.setText(text)
        self.next.setVisible(bool(text))
        self.keys.setVisible(not text)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.redraw()

    def hideEvent(self, event: QHideEvent) -> None:
        self._tick.stop()
        super().hideEvent(event)

    def redraw(self) -> None:
        """Again with the history last shown (a waiting caller's history arrived)."""
        self.refresh(self._hist)

    def refresh(self, hist: CallerHistory | None) -> None:
        s = self.session
        self._hist = hist
        if s.current is not None:
            who = phone.display(phone.normalise(s.current.number_raw)) or self.tr("manual call")
            text = self.tr("On the line: {who}").format(who=who)
            if s.current.caller_gone:
                text += " · " + self.tr("caller hung up")
            self.state.setText(text)
            keys = self.tr("F5 ghost · F6 prank · F7 information · F8 wrong number · F9 emergency")
            if s.ringing:
                keys += " · " + self.tr("F2 hold this call and answer the waiting one")
            keys += " · " + (self.tr("F4 swap with the held call") if s.held else self.tr("F4 hold"))
            self.keys.setText(keys)
            self.setStyleSheet("#incomingCallBar { background: #e3f2fd; }")
        elif s.ringing:
            live = s.ringing[0]
            who = (
                phone.display(phone.normalise(live.number_raw))
                or live.number_raw
                or self.tr("unknown number")
            )
            text = self.tr("Ringing: {who}").format(who=who)
            self.state.setText(text)
            self.keys.setText(self.tr("F2 answer") + (" · " + self.tr("F4 return to the held call") if s.held else ""))
            self.setStyleSheet("#incomingCallBar { background: #fff3e0; }")
        elif s.held:
            self.state.setText(self.tr("Call on hold"))
            self.keys.setText(self.tr("F4 return to the held call"))
            self.setStyleSheet("#incomingCallBar { background: #ede7f6; }")
        else:
            self.state.setText(self.tr("No call"))
            self.keys.setText(self.tr("F2 open a manual call"))
            self.setStyleSheet("")
        open_inc = open_incident(hist.incidents) if hist is not None else None  # incident12: Alt+U
        if open_inc is not None and (s.current is not None or s.ringing):
            self.keys.setText(self.keys.text() + " · " + self.tr("open incident {number}: Alt+U adds this call")
                              .format(number=open_inc["number"]))
        caller_flags.show_flag(self.flag, hist)
        now = int(time.time() * 1000)
        waiting = caller_flags.waiting_text(caller_flags.waiting_calls(s), self.waiting_lookup.histories, now)
        self.waiting.setText(waiting)
        self.waiting.setVisible(bool(waiting))
        held = ", ".join(
            f"{phone.display(phone.normalise(h.number_raw)) or h.number_raw or self.tr('manual call')}"
            f" ({caller_flags.wait_text(h.held_ms, now)})"
            + (" · " + self.tr("caller hung up") if h.caller_gone else "")
            for h in reversed(s.held)
        )
        self.held.setText(self.tr("On hold: {calls}").format(calls=held) if held else "")
        self.held.setVisible(bool(held))
        if (waiting or held) and self.isVisible():
            if not self._tick.isActive():
                self._tick.start()
        else:
            self._tick.stop()
