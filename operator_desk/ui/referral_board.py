"""The referral board: every open referral with its step timers, stepped by one key each.

Rows come in the order of what is due first (`services.referrals.board_order`: the longest overdue,
then the smallest time left; referrals waiting only for feedback after them, newest first), with the
incident's category and kecamatan. A running timer reads as a duration and its deadline, e.g.
"left 4:56 (due 07:25)" / "overdue 18 h 22 min (due yesterday 07:25)" (Indonesian: "sisa 4:56
(batas 07:25)" / "lewat 18 j 22 m (batas kemarin 07:25)").

Keys on the table (`ReferralBoard.keys_help`; each button shows its key): A acknowledged, S on scene,
F feedback (opens the feedback field when it is empty: Enter there records it, empty text is
refused), C close, R re-send, E escalate to the agency chosen beside. Overdue timers turn amber then
red (`services.referrals.step_timers`) and sound an alert once per step and level through an
injectable player; a player that fails (no sound device) only shows a status line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..domain.records import BoardRow
from ..domain.rules import OVERRIDE_CLOSE
from ..domain.timeutil import WITA, local
from ..services.accounts import Account, AccountService
from ..services.agencies import AgencyService
from ..services.incidents import IncidentService
from ..services.referrals import AMBER, LEVEL_RANK, OK, RED, ReferralService, StepTimer, step_timers
from . import labels
from .tasks import TaskRunner, default_runner

log = logging.getLogger(__name__)

COLUMNS = ("incident", "category", "kecamatan", "agency", "sent", "acknowledged", "on_scene", "feedback")
STEP_COLUMNS = {
    "sent": "sent_at",
    "acknowledged": "acknowledged_at",
    "on_scene": "on_scene_at",
    "feedback": "feedback_at",
}
LEVEL_COLORS = {AMBER: QColor("#f5b041"), RED: QColor("#e74c3c")}
KEY_STEPS = {
    int(Qt.Key.Key_A): "acknowledged",
    int(Qt.Key.Key_S): "on_scene",
    int(Qt.Key.Key_F): "feedback",
    int(Qt.Key.Key_C): "closed",
    int(Qt.Key.Key_R): "resent",
    int(Qt.Key.Key_E): "escalated",
}


class AlertPlayer(Protocol):
    """Sounds an alert for a level ("amber" or "red"); may raise when no audio device is there."""

    def play(self, level: str) -> None: ...


class ToneAlert:
    """Short beeps made with numpy, played through sounddevice on a worker thread: the GUI thread never
    pays for importing PortAudio or opening a device. Failures go to `on_error` (any thread)."""

    RATE = 44_100

    def __init__(self) -> None:
        self.on_error: Callable[[str], None] | None = None
        self._threads: list[threading.Thread] = []

    def play(self, level: str) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=self._play, args=(level,), name="alert-tone", daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Shutdown: wait for alerts being started (sounddevice plays on PortAudio's own thread)."""
        self.on_error = None
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = [t for t in self._threads if t.is_alive()]

    def _play(self, level: str) -> None:
        try:
            import numpy as np
            import sounddevice as sd  # imported here: PortAudio may be missing on a desk

            beeps, freq = (3, 1320.0) if level == RED else (1, 880.0)
            t = np.arange(int(self.RATE * 0.15)) / self.RATE
            beep = 0.3 * np.sin(2 * np.pi * freq * t) * np.hanning(t.size)
            gap = np.zeros(int(self.RATE * 0.08))
            tone = np.concatenate([np.concatenate([beep, gap]) for _ in range(beeps)]).astype(np.float32)
            sd.play(tone, self.RATE)  # returns at once; the stream plays on PortAudio's thread
        except Exception as exc:  # noqa: BLE001 - no device, no PortAudio: tell, never crash
            log.warning("alert sound failed: %s", exc)
            if self.on_error is not None:
                self.on_error(str(exc))


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReferralBoard", text)


def clock_text(ms: int | None, now_ms: int, zone: ZoneInfo = WITA) -> str:
    """A moment as the operator reads it: "07:25" today, "yesterday 07:25", else "02-12 07:10"
    (day-month; the region's zone)."""
    if ms is None:
        return ""
    at, today = local(ms, zone), local(now_ms, zone).date()
    hhmm = f"{at:%H:%M}"
    if at.date() == today:
        return hhmm
    if at.date() == today - timedelta(days=1):
        return _tr("yesterday %1").replace("%1", hhmm)
    if at.date() == today + timedelta(days=1):
        return _tr("tomorrow %1").replace("%1", hhmm)
    return f"{at:%d-%m} {hhmm}"


def duration_text(ms: int) -> str:
    """A length of time, never signed: "4:56" (min:s) under an hour, "18 h 22 min", "2 d 3 h"."""
    s = abs(int(ms)) // 1000
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    minutes = s // 60
    hours, mins = divmod(minutes, 60)
    if hours < 48:
        return _tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", str(mins))
    days, hours = divmod(hours, 24)
    return _tr("%1 d %2 h").replace("%1", str(days)).replace("%2", str(hours))


def countdown_text(timer: StepTimer, now_ms: int, zone: ZoneInfo = WITA) -> str:
    """ "left 4:56 (due 07:25)" before the deadline, "overdue 18 h 22 min (due yesterday 07:25)" after."""
    due = clock_text(timer.due_ms, now_ms, zone)
    if timer.overdue_ms < 0:
        return _tr("left %1 (due %2)").replace("%1", duration_text(-timer.overdue_ms)).replace("%2", due)
    return _tr("overdue %1 (due %2)").replace("%1", duration_text(timer.overdue_ms)).replace("%2", due)


class ReferralBoardModel(QAbstractTableModel):
    """Open referrals (ids plus a row cache) and their timers at the board's `now`."""

    def __init__(self, parent: QObject | None = None, zone: ZoneInfo = WITA) -> None:
        super().__init__(parent)
        self.rows: list[BoardRow] = []
        self.timers: list[dict[str, StepTimer]] = []
        self.now = 0
        self.zone = zone

    def set_rows(self, rows: list[BoardRow], now: int) -> None:
        self.beginResetModel()
        self.rows = rows
        self.now = now
        self.timers = [step_timers(r, now) for r in rows]
        self.endResetModel()

    def tick(self, now: int) -> None:
        self.now = now
        self.timers = [step_timers(r, now) for r in self.rows]
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        names = (
            _tr("Incident"),
            _tr("Category"),
            _tr("Kecamatan"),
            _tr("Agency"),
            _tr("Sent"),
            _tr("Acknowledged"),
            _tr("On scene"),
            _tr("Feedback"),
        )
        return names[section] if 0 <= section < len(names) else None

    def level(self, row: int, step: str) -> str:
        timer = self.timers[row].get(step)
        return timer.level if timer else OK

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, col = self.rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return r["id"]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "incident":
                return f"{r.get('incident_number') or ''} {r.get('priority') or ''}".strip()
            if col == "category":
                return labels.category(r.get("category")) if r.get("category") else ""
            if col == "kecamatan":
                return r.get("kecamatan_name") or ""
            if col == "agency":
                return r.get("agency_name") or ""
            done = r.get(STEP_COLUMNS[col])
            if done is not None:
                return clock_text(done, self.now, self.zone)
            timer = self.timers[index.row()].get(col)
            return countdown_text(timer, self.now, self.zone) if timer else ""
        if role == Qt.ItemDataRole.BackgroundRole and col in STEP_COLUMNS:
            color = LEVEL_COLORS.get(self.level(index.row(), col))
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.FontRole and col in STEP_COLUMNS and self.level(index.row(), col) == RED:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ToolTipRole and col in ("incident", "category", "kecamatan", "agency"):
            return self.data(index, Qt.ItemDataRole.DisplayRole) or None
        if role == Qt.ItemDataRole.ToolTipRole and col in ("acknowledged", "on_scene"):
            timer = self.timers[index.row()].get(col)
            if timer:
                return _tr("Due at %1").replace("%1", clock_text(timer.due_ms, self.now, self.zone))
        return None


class ReferralBoard(QWidget):
    """Follows every open referral. Call `refresh()` when Changes touch referrals or incidents."""

    stepRecorded = Signal(str, str)  # referral id, step ("acknowledged", …, "resent", "escalated")
    alertRaised = Signal(str, str)  # referral id, level ("amber" or "red")
    _alertFailed = Signal(str)
    # referral id: compose.py opens the message dialog (ui/referral_send_dialog.py)
    messageRequested = Signal(str)

    def __init__(
        self,
        referrals: ReferralService,
        agencies: AgencyService,
        incidents: IncidentService,
        now_ms: Callable[[], int],
        alert: AlertPlayer | None = None,
        tick_ms: int = 5000,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
        accounts: AccountService | None = None,
        current_account: Callable[[], Account | None] | None = None,
        zone: ZoneInfo = WITA,
    ) -> None:
        super().__init__(parent)
        self.runner = runner or default_runner()
        self.setObjectName("referralBoard")
        # an operator's override needs a supervisor: their credentials at this desk (ReAuthDialog)
        self.accounts, self.current_account = accounts, current_account or (lambda: None)
        self.reauth: QDialog | None = None
        self.referrals, self.agencies, self.incidents = referrals, agencies, incidents
        self.now_ms = now_ms
        self.alert: AlertPlayer = alert if alert is not None else ToneAlert()
        if isinstance(self.alert, ToneAlert):
            self.alert.on_error = self._alertFailed.emit  # from the tone's thread to this one
        self._alertFailed.connect(self._show_alert_failure)
        self._alerted: dict[tuple[str, str], str] = {}
        self._seen: set[str] | None = None  # referral ids shown before (a new one is scrolled into view)
        self._built = False  # until the end of __init__ the first reads run here, at once
        self.model = ReferralBoardModel(self, zone)
        self.table = QTableView(self)
        self.table.setObjectName("referralTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Rows as short as the font allows, no row numbers: the docked board at 1366x768 shows 4-5 rows.
        fm = self.table.fontMetrics()
        vheader = self.table.verticalHeader()
        vheader.hide()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(fm.height() + 6)
        # Widths from the font, not from the rows: ResizeToContents reads every row on every reset and held
        # the GUI thread for >100 ms on a board refreshed during a sync catch-up (bench_gui_latency).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        bold = QFont(self.table.font())
        bold.setBold(True)  # a red countdown is bold
        day = 86_400_000
        longest = StepTimer("acknowledged", 0, 2 * day, RED, 23 * 3_600_000 + 59 * 60_000)
        countdown = QFontMetrics(bold).horizontalAdvance(countdown_text(longest, 3 * day, zone)) + 12
        widths = {
            "incident": fm.horizontalAdvance("DEMO-D7F3A-20261128-0042 P1") + 12,
            "category": fm.horizontalAdvance("Kecelakaan lalu") + 8,  # longer: elided, tooltip
            "kecamatan": fm.horizontalAdvance("Martapura Timur") + 8,
            "agency": fm.horizontalAdvance("PSC 119 Kabupaten") + 8,
            "sent": fm.horizontalAdvance(_tr("yesterday %1").replace("%1", "07:25")) + 12,
            "acknowledged": countdown,
            "on_scene": countdown,
        }
        for i, name in enumerate(COLUMNS):
            title = str(self.model.headerData(i, Qt.Orientation.Horizontal) or "")
            header.resizeSection(i, max(widths.get(name, 0), fm.horizontalAdvance(title) + 20))
        header.setStretchLastSection(True)
        self.table.installEventFilter(self)
        self.feedback = QLineEdit(self)
        self.feedback.setObjectName("referralFeedback")
        self.feedback.setPlaceholderText(self.tr("Agency feedback (F, then Enter)"))
        self.feedback.returnPressed.connect(lambda: self.record("feedback"))
        self.escalate_to = QComboBox(self)
        self.escalate_to.setMinimumContentsLength(14)
        self.escalate_to.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.disposition = QLineEdit(self)
        self.disposition.setPlaceholderText(self.tr("Disposition"))
        self.override = QLineEdit(self)
        self.override.setPlaceholderText(self.tr("Supervisor override reason"))
        self.status = QLabel(self)
        self.status.setObjectName("referralStatus")
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for step, text in self.step_buttons():
            b = QPushButton(text, self)
            b.setObjectName(f"referral_{step}")
            b.clicked.connect(lambda _c=False, st=step: self.record(st))
            buttons.addWidget(b)
            self.buttons[step] = b
        # referral12: the message to the agency (copy, WhatsApp, SMS), for the selected referral; key M
        message = QPushButton(self.tr("Message (M)"), self)
        message.setObjectName("referralMessage")
        message.clicked.connect(lambda: self.messageRequested.emit(self.selected_id() or ""))
        shortcut = QShortcut(
            QKeySequence("M"),
            self.table,
            lambda: self.messageRequested.emit(self.selected_id() or ""),
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        shortcut.setWhatsThis(self.tr("Referral board: the message to the agency (copy, WhatsApp, SMS)"))
        buttons.addWidget(message)
        buttons.addWidget(QLabel(self.tr("Escalate to"), self))
        buttons.addWidget(self.escalate_to, 1)
        extra = QHBoxLayout()
        extra.addWidget(self.feedback, 3)
        extra.addWidget(self.disposition, 2)
        extra.addWidget(self.override, 2)
        close_btn = QPushButton(self.tr("Close incident"), self)
        close_btn.clicked.connect(self.close_incident)
        extra.addWidget(close_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(3)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addLayout(extra)
        lay.addWidget(self.status)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._fill_escalation())
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self._show_rows(self.referrals.board.due_rows(self.now_ms()))  # the first rows come with the board
        self._built = True

    @classmethod
    def step_buttons(cls) -> list[tuple[str, str]]:
        """(step, button text): each button names its key, in both languages."""
        return [
            ("acknowledged", _tr("Acknowledged (A)")),
            ("on_scene", _tr("On scene (S)")),
            ("feedback", _tr("Feedback (F)")),
            ("closed", _tr("Close (C)")),
            ("resent", _tr("Re-send (R)")),
            ("escalated", _tr("Escalate (E)")),
        ]

    @classmethod
    def keys_help(cls) -> list[tuple[str, str]]:
        """The board's keys (on its table) for the desk's F1 help: (key, what it does)."""
        return [
            ("A", _tr("Referral board: the agency acknowledged")),
            ("S", _tr("Referral board: the agency is on scene")),
            ("F", _tr("Referral board: type the agency's feedback, Enter records it")),
            ("C", _tr("Referral board: close the referral (after feedback)")),
            ("R", _tr("Referral board: re-send to the agency")),
            ("E", _tr("Referral board: escalate to the agency chosen beside")),
            ("M", _tr("Referral board: the message to the agency (copy, WhatsApp, SMS)")),
        ]

    # -- refresh and timers ---------------------------------------------------------------------------
    def _rows_now(self) -> list[BoardRow]:
        """The open referrals in the board's order (runs on the task runner)."""
        return self.referrals.board.due_rows(self.now_ms())

    def refresh(self) -> None:
        """Reload the open referrals on the task runner (keeps the selected one selected)."""
        self.runner.run(self._rows_now, self._show_rows, key=f"board-{id(self)}")

    def _show_rows(self, rows: list[BoardRow], select: str | None = None) -> None:
        keep = select or self.selected_id()
        self.model.set_rows(rows, self.now_ms())
        if keep:
            self.select(keep)
        elif self.model.rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        ids = [r["id"] for r in rows]
        if self._seen is not None:  # a referral that just arrived is scrolled into view, never buried
            new = [i for i, rid in enumerate(ids) if rid not in self._seen]
            if new:
                self.table.scrollTo(self.model.index(new[0], 0))
        self._seen = set(ids)
        self._check_alerts()

    def tick(self) -> None:
        self.model.tick(self.now_ms())
        self._check_alerts()

    def _check_alerts(self) -> None:
        live: set[tuple[str, str]] = set()
        worst = OK
        for row, timers in zip(self.model.rows, self.model.timers, strict=True):
            for step, timer in timers.items():
                key = (row["id"], step)
                live.add(key)
                before = self._alerted.get(key, OK)
                if LEVEL_RANK[timer.level] > LEVEL_RANK[before]:
                    self._alerted[key] = timer.level
                    if LEVEL_RANK[timer.level] > LEVEL_RANK[worst]:
                        worst = timer.level
                    self.alertRaised.emit(row["id"], timer.level)
        for key in set(self._alerted) - live:  # done or gone: forget, so a reopened one alerts again
            del self._alerted[key]
        if worst != OK:
            self._sound(worst)

    def _sound(self, level: str) -> None:
        try:
            self.alert.play(level)
        except Exception as exc:  # noqa: BLE001 - no device, no PortAudio: tell, never crash
            log.warning("alert sound failed: %s", exc)
            self._show_alert_failure(str(exc))

    def _show_alert_failure(self, detail: str) -> None:  # `detail` is PortAudio's text: logged, never shown
        from ..domain.errors import ErrorCode
        from .errors import error_label

        self.status.setText(error_label(ErrorCode.ALERT_SOUND_UNAVAILABLE))

    # -- selection ------------------------------------------------------------------------------------
    def selected_id(self) -> str | None:
        idx = self.table.currentIndex()
        return (
            self.model.data(self.model.index(idx.row(), 0), Qt.ItemDataRole.UserRole)
            if idx.isValid()
            else None
        )

    def select(self, referral_id: str) -> bool:
        for i, r in enumerate(self.model.rows):
            if r["id"] == referral_id:
                self.table.selectRow(i)
                return True
        return False

    def _selected_row(self) -> BoardRow | None:
        idx = self.table.currentIndex()
        return self.model.rows[idx.row()] if idx.isValid() and idx.row() < len(self.model.rows) else None

    def _fill_escalation(self) -> None:
        """The agencies to escalate to (the suggested ones first), read on the task runner; the first
        fill comes with the board."""
        row = self._selected_row()
        if row is None:
            self.escalate_to.clear()
            return
        agencies, rid = self.agencies, row["id"]

        def read() -> list[tuple[str, str]]:
            suggested = agencies.suggest(row.get("category") or "", row.get("kecamatan_code"))
            ids = {a["id"] for a in suggested}
            rest = [a for a in agencies.all() if a["id"] not in ids]
            return [(a["name"], a["id"]) for a in suggested + rest if a["id"] != row["agency_id"]]

        def fill(choices: list[tuple[str, str]]) -> None:
            if self.selected_id() != rid:
                return  # the operator moved on: that row's list comes next
            self.escalate_to.clear()
            for name, pk in choices:
                self.escalate_to.addItem(name, pk)

        if not self._built:
            fill(read())
        else:
            self.runner.run(read, fill, key=f"board-escalation-{id(self)}")

    # -- commands ---------------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                return False
            step = KEY_STEPS.get(int(event.key()))
            if step:
                self.record(step)
                return True
        return super().eventFilter(obj, event)

    def record(self, step: str) -> None:
        """Record a step of the selected referral through the service (on the task runner); errors show
        as status text. The board redraws from the write's own result: the bridge skips its echo."""
        rid = self.selected_id()
        if rid is None:
            self.status.setText(self.tr("Select a referral first"))
            return
        refs = self.referrals
        if step == "escalated":
            target = self.escalate_to.currentData()
            if not target:
                self.status.setText(self.tr("Choose the agency to escalate to"))
                return
        feedback = self.feedback.text().strip() if step == "feedback" else None
        if step == "feedback" and not feedback:  # never an empty feedback by one key: type it first
            self.feedback.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.status.setText(self.tr("Type the agency's feedback, then press Enter"))
            return

        def work() -> tuple[str, list[BoardRow]]:
            new_rid = rid
            if step == "resent":
                refs.resend(rid)
            elif step == "escalated":
                new_rid = refs.escalate(rid, target)
            else:
                refs.step(rid, step, feedback)
            return new_rid, self._rows_now()

        def recorded(result: tuple[str, list[BoardRow]]) -> None:
            new_rid, rows = result
            if step == "feedback":
                self.feedback.clear()
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.status.setText(self.tr("Recorded"))
            self._show_rows(rows, select=new_rid)
            self.stepRecorded.emit(new_rid, step)

        self.runner.run(work, recorded, self._refused, initiator=self)

    def close_incident(self) -> None:
        row = self._selected_row()
        if row is None:
            self.status.setText(self.tr("Select a referral first"))
            return
        reason = self.override.text().strip() or None
        disposition, incident_id, refs = self.disposition.text().strip(), row["incident_id"], self.referrals

        def work() -> list[BoardRow]:
            refs.close_incident(incident_id, disposition, reason)
            return self._rows_now()

        def refused(exc: BaseException) -> None:
            if (
                isinstance(exc, DomainError)
                and exc.code == "supervisor_required"
                and reason
                and self.accounts is not None
            ):
                self._ask_supervisor(incident_id, disposition, reason)
                return
            self._refused(exc)

        self.runner.run(work, self._closed, refused, initiator=self)

    def _closed(self, rows: list[BoardRow]) -> None:
        self.disposition.clear()
        self.override.clear()
        self.status.setText(self.tr("Incident closed"))
        self._show_rows(rows)

    def _ask_supervisor(self, incident_id: str, disposition: str, reason: str) -> None:
        """An operator's override: a supervisor approves with their own credentials at this desk; the
        close is then recorded as the supervisor's, on behalf of the operator."""
        from .login_dialog import ReAuthDialog

        assert self.accounts is not None
        accounts, operator = self.accounts, self.current_account()
        self.status.setText(self.tr("A supervisor must approve the override"))
        dialog = ReAuthDialog(accounts, self.runner, OVERRIDE_CLOSE, self)
        self.reauth = dialog

        def approved(supervisor: Account) -> None:
            self.reauth = None
            refs = ReferralService(accounts.on_behalf(supervisor, OVERRIDE_CLOSE, operator))

            def work() -> list[BoardRow]:
                refs.close_incident(incident_id, disposition, reason)
                return refs.board.due_rows(self.now_ms())

            self.runner.run(work, self._closed, self._refused, initiator=self)

        dialog.authenticated.connect(approved)
        dialog.rejected.connect(lambda: setattr(self, "reauth", None))
        dialog.open()

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self.status.setText(self.error_text(exc.code))
            return
        from .errors import message_for

        log.error("referral board action failed", exc_info=exc)
        self.status.setText(message_for(exc))

    def error_text(self, code: str) -> str:
        texts = {
            "step_done": self.tr("That step is already recorded"),
            "step_backwards": self.tr("That step is already past"),
            "referral_closed": self.tr("The referral is closed"),
            "feedback_required": self.tr("The agency's feedback is missing"),
            "disposition_required": self.tr("Enter the disposition first"),
            "supervisor_required": self.tr("Only a supervisor can override"),
            "override_reason_required": self.tr("Give the reason for the override"),
            "incident_closed": self.tr("The incident is closed"),
            "same_agency": self.tr("Choose another agency"),
        }
        if code in texts:
            return texts[code]
        from .errors import error_label

        return error_label(code)

    def stop(self) -> None:
        """Shutdown: stop the tick timer and wait for an alert tone being started."""
        self.timer.stop()
        stop_alert = getattr(self.alert, "stop", None)
        if callable(stop_alert):
            stop_alert()
