"""The incoming-call bar and the caller's history, shown while it rings (before answering)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from ..domain import phone
from ..domain.timeutil import local
from ..services.calls import CallerHistory
from ..services.session import DeskSession
from . import labels


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
        self.flag.setStyleSheet("color: white; background: #b71c1c; padding: 2px 8px; border-radius: 3px;")
        self.flag.hide()
        self.keys = QLabel(self)
        self.keys.setObjectName("callKeys")
        self.keys.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        row.addWidget(self.state, 1)
        row.addWidget(self.flag)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(row)
        layout.addWidget(self.keys)
        self.refresh(None)

    def refresh(self, hist: CallerHistory | None) -> None:
        s = self.session
        if s.current is not None:
            who = phone.display(phone.normalise(s.current.number_raw)) or self.tr("manual call")
            text = self.tr("On the line: {who}").format(who=who)
            if s.current.caller_gone:
                text += " · " + self.tr("caller hung up")
            self.state.setText(text)
            self.keys.setText(
                self.tr("F5 ghost · F6 prank · F7 information · F8 wrong number · F9 emergency")
            )
            self.setStyleSheet("#incomingCallBar { background: #e3f2fd; }")
        elif s.ringing:
            live = s.ringing[0]
            who = (
                phone.display(phone.normalise(live.number_raw))
                or live.number_raw
                or self.tr("unknown number")
            )
            more = len(s.ringing) - 1
            text = self.tr("Ringing: {who}").format(who=who)
            if more:
                text += " " + self.tr("(+{n} waiting)").format(n=more)
            self.state.setText(text)
            self.keys.setText(self.tr("F2 answer"))
            self.setStyleSheet("#incomingCallBar { background: #fff3e0; }")
        else:
            self.state.setText(self.tr("No call"))
            self.keys.setText(self.tr("F2 open a manual call"))
            self.setStyleSheet("")
        if hist is not None and hist.repeat_prank:
            self.flag.setText(self.tr("Repeat prank caller: {n} pranks").format(n=hist.prank_count))
            self.flag.show()
        else:
            self.flag.hide()
