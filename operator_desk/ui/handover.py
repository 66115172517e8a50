"""The shift handover view: who is on duty, the shift's calls by type, what the next shift must pick up.

Consistent with the status bar: the operator on duty is the one logged in, shown with the time the
shift (or, when none was started by hand, their log-in) began and the shift's name by the region's
clock (pagi 07-15, siang 15-23, malam 23-07: `services.shifts.SHIFT_STARTS`). Ending the duty writes
the handover through `ShiftService.hand_over` with the notes typed here and the receiving operator
picked from the accounts. Any time that is not today carries its date ("yesterday 22:15",
"02-12 07:10"). Reads and writes run on the task runner; the first fill comes with the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import phone
from ..domain.errors import DomainError
from ..domain.timeutil import WITA
from ..services.shifts import Duty, HandoverItems, ShiftService
from . import labels
from .errors import error_label
from .referral_board import clock_text
from .tasks import TaskRunner, default_runner

ID_ROLE = 0x0100  # Qt.UserRole
# The call types the handover counts, in the order an operator reads them (all others after these).
COUNTED = ("emergency", "information", "prank", "ghost", "wrong_number", "abandoned", "test", "open")


@dataclass
class HandoverState:
    """What the view shows, read in one go on the task runner."""

    now: int
    duty: Duty
    items: HandoverItems
    counts: dict[str, int]
    last: dict[str, Any] | None
    receivers: list[str]


def read_state(shifts: ShiftService, now: int) -> HandoverState:
    duty = shifts.on_duty(now)
    since = duty.since_ms if duty.since_ms is not None else duty.shift_start_ms
    return HandoverState(
        now,
        duty,
        shifts.items(now),
        shifts.call_counts(since, now + 1),
        shifts.last_handover(),
        shifts.receivers(),
    )


class HandoverView(QWidget):
    """What the next shift must pick up, plus the notes passed between shifts."""

    shiftStarted = Signal(str)  # shift id
    shiftEnded = Signal(str)  # handover id

    def __init__(
        self,
        shifts: ShiftService,
        now_ms: Callable[[], int],
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
        zone: ZoneInfo | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handoverView")
        self.shifts = shifts
        self.now_ms = now_ms
        self.runner = runner or default_runner()
        self.zone: ZoneInfo = zone or getattr(shifts, "zone", None) or WITA
        self.state: HandoverState | None = None
        self.items = HandoverItems()
        self.shift_label = QLabel(self)
        self.shift_label.setObjectName("handoverDuty")
        self.counts = QLabel(self)
        self.counts.setObjectName("handoverCounts")
        self.counts.setWordWrap(True)
        self.receiver = QComboBox(self)
        self.receiver.setObjectName("handoverReceiver")
        self.receiver.setMinimumContentsLength(12)
        self.start_btn = QPushButton(self.tr("Start shift"), self)
        self.end_btn = QPushButton(self.tr("End shift and hand over"), self)
        self.start_btn.clicked.connect(self.start_shift)
        self.end_btn.clicked.connect(self.end_shift)
        self.incidents = QListWidget(self)
        self.incidents.setObjectName("handoverIncidents")
        self.referrals = QListWidget(self)
        self.referrals.setObjectName("handoverReferrals")
        self.callbacks = QListWidget(self)
        self.callbacks.setObjectName("handoverCallbacks")
        self.previous = QLabel(self)
        self.previous.setObjectName("handoverPrevious")
        self.previous.setWordWrap(True)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("handoverNotes")
        self.notes.setPlaceholderText(self.tr("Notes for the next shift"))
        self.status = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.shift_label, 1)
        top.addWidget(QLabel(self.tr("Hand over to"), self))
        top.addWidget(self.receiver)
        top.addWidget(self.start_btn)
        top.addWidget(self.end_btn)
        lists = QHBoxLayout()
        for title, widget in (
            (self.tr("Open incidents"), self.incidents),
            (self.tr("Overdue referrals"), self.referrals),
            (self.tr("Call back"), self.callbacks),
        ):
            box = QGroupBox(title, self)
            inner = QVBoxLayout(box)
            inner.setContentsMargins(4, 2, 4, 2)
            inner.addWidget(widget)
            lists.addWidget(box, 1)
        side = QVBoxLayout()  # the notes beside the lists: the docked view at 1366x768 is short
        side.addWidget(QLabel(self.tr("From the previous shift:"), self))
        side.addWidget(self.previous)
        side.addWidget(self.notes, 1)
        lists.addLayout(side, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(3)
        lay.addLayout(top)
        lay.addWidget(self.counts)
        lay.addLayout(lists, 1)
        lay.addWidget(self.status)
        self._show(read_state(self.shifts, self.now_ms()))  # the first fill comes with the view

    # -- reading --------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read everything again on the task runner (latest request wins)."""
        shifts, now = self.shifts, self.now_ms()
        self.runner.run(lambda: read_state(shifts, now), self._show, key=f"handover-{id(self)}")

    def _when(self, ms: int | None) -> str:
        return clock_text(ms, self.state.now if self.state else self.now_ms(), self.zone)

    def shift_text(self, code: str) -> str:
        return {
            "morning": self.tr("morning shift (07-15)"),
            "afternoon": self.tr("afternoon shift (15-23)"),
            "night": self.tr("night shift (23-07)"),
        }.get(code, code)

    def _show(self, state: HandoverState) -> None:
        self.state = state
        self.items = state.items
        self._fill(self.incidents, state.items.open_incidents, self._incident_text)
        self._fill(self.referrals, state.items.overdue_referrals, self._referral_text)
        self._fill(self.callbacks, state.items.callbacks, self._callback_text, key="caller_number")
        duty = state.duty
        shift = self.shift_text(duty.shift)
        if not duty.operator:
            self.shift_label.setText(self.tr("Nobody is logged in") + " · " + shift)
        elif duty.shift_id is not None:
            self.shift_label.setText(
                self.tr("On duty: %1, shift since %2 · %3")
                .replace("%1", duty.operator)
                .replace("%2", self._when(duty.since_ms))
                .replace("%3", shift)
            )
        elif duty.since_ms is not None:
            self.shift_label.setText(
                self.tr("On duty: %1, logged in since %2 · %3")
                .replace("%1", duty.operator)
                .replace("%2", self._when(duty.since_ms))
                .replace("%3", shift)
            )
        else:
            self.shift_label.setText(
                self.tr("On duty: %1 · %2").replace("%1", duty.operator).replace("%2", shift)
            )
        self.counts.setText(self._counts_text(state))
        chosen = self.receiver.currentText()
        self.receiver.clear()
        self.receiver.addItem(self.tr("— choose —"), None)
        for name in state.receivers:
            self.receiver.addItem(name, name)
        if chosen in state.receivers:
            self.receiver.setCurrentIndex(state.receivers.index(chosen) + 1)
        self.start_btn.setEnabled(bool(duty.operator) and duty.shift_id is None)
        self.end_btn.setEnabled(bool(duty.operator))
        last = state.last
        self.previous.setText(self._previous_text(last) if last else self.tr("(no earlier handover)"))

    def _counts_text(self, state: HandoverState) -> str:
        counts = dict(state.counts)
        parts = [
            f"{labels.outcome(None if o == 'open' else o)} {counts.pop(o)}" for o in COUNTED if o in counts
        ]
        parts += [f"{labels.outcome(o)} {n}" for o, n in sorted(counts.items())]
        total = sum(state.counts.values())
        since = state.duty.since_ms if state.duty.since_ms is not None else state.duty.shift_start_ms
        head = self.tr("Calls since %1: %2").replace("%1", self._when(since)).replace("%2", str(total))
        return head + (" — " + " · ".join(parts) if parts else "")

    def _previous_text(self, last: Mapping[str, Any]) -> str:
        items = last.get("open_items") or {}
        who = str(last.get("operator") or "")
        receiver = items.get("received_by") if isinstance(items, dict) else None
        if receiver:
            who = f"{who} → {receiver}"
        return (last.get("notes") or self.tr("(no notes)")) + f"  — {who}, {self._when(last.get('ended_at'))}"

    @staticmethod
    def _fill(
        widget: QListWidget,
        rows: Sequence[Mapping[str, Any]],
        text: Callable[[Any], str],
        key: str = "id",
    ) -> None:
        widget.clear()
        for r in rows:
            item = QListWidgetItem(text(r))
            item.setData(ID_ROLE, r[key])
            widget.addItem(item)

    def _incident_text(self, r: Mapping[str, Any]) -> str:
        where = r.get("kecamatan_name") or r.get("address") or ""
        return (
            f"{self._when(r.get('created_at'))}  {r['number']}  {r['priority'] or ''}  "
            f"{labels.status(r['status'])}  {where}"
        ).strip()

    def _referral_text(self, r: Mapping[str, Any]) -> str:
        level = self.tr("red") if r["level"] == "red" else self.tr("amber")
        return f"{r.get('incident_number') or ''} → {r.get('agency_name') or ''}  ({level})"

    def _callback_text(self, r: Mapping[str, Any]) -> str:
        return (
            self.tr("%1 — %2 (%3 tries)")
            .replace("%1", phone.display(r["caller_number"]))
            .replace("%2", self._when(r["last_at"]))
            .replace("%3", str(r["attempts"]))
        )

    def listed_ids(self) -> dict[str, list[str]]:
        """What the lists show (ids), for tests and for the handover record."""

        def ids(w: QListWidget) -> list[str]:
            return [w.item(i).data(ID_ROLE) for i in range(w.count())]

        return {
            "incidents": ids(self.incidents),
            "referrals": ids(self.referrals),
            "callbacks": ids(self.callbacks),
        }

    # -- commands -------------------------------------------------------------------------------------
    def start_shift(self) -> None:
        shifts, now = self.shifts, self.now_ms

        def work() -> tuple[str, HandoverState]:
            sid = shifts.start()
            return sid, read_state(shifts, now())

        def done(result: tuple[str, HandoverState]) -> None:
            self._show(result[1])
            self.shiftStarted.emit(result[0])

        self.runner.run(work, done, self._refused(self.tr("Cannot start the shift: %1")), initiator=self)

    def end_shift(self) -> None:
        """Hand over to the operator chosen (required when there is anybody to choose)."""
        if self.state is None or not self.state.duty.operator:
            self.status.setText(self.tr("Nobody is logged in"))
            return
        receiver = self.receiver.currentData()
        if receiver is None and self.state.receivers:
            self.status.setText(self.tr("Choose who takes over the shift"))
            self.receiver.setFocus()
            return
        shifts, now, notes = self.shifts, self.now_ms, self.notes.toPlainText()

        def work() -> tuple[str, HandoverState]:
            hid = shifts.hand_over(notes, receiver, now())
            return hid, read_state(shifts, now())

        def done(result: tuple[str, HandoverState]) -> None:
            self.notes.clear()
            self.status.setText(self.tr("Handover saved"))
            self._show(result[1])
            self.shiftEnded.emit(result[0])

        self.runner.run(work, done, self._refused(self.tr("Cannot end the shift: %1")), initiator=self)

    def _refused(self, template: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            if isinstance(exc, DomainError):
                texts = {
                    "receiver_is_sender": self.tr("Hand over to another operator"),
                    "receiver_unknown": self.tr("That operator has no account"),
                }
                text = texts.get(exc.code) or error_label(exc.code)
                self.status.setText(template.replace("%1", text))
                return
            from .errors import report

            report(exc, self.status.setText)

        return show
