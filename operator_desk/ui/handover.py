"""The shift handover view: open incidents, overdue referrals, callers to call back, notes.

Starting and ending a shift goes through `ShiftService`; ending writes the handover record (it syncs)
with the notes typed here. The view shows what the previous shift left, and refreshes on `refresh()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
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
from ..domain.timeutil import local
from ..services.shifts import HandoverItems, ShiftService
from . import labels
from .errors import error_label

ID_ROLE = 0x0100  # Qt.UserRole


class HandoverView(QWidget):
    """What the next shift must pick up, plus the notes passed between shifts."""

    shiftStarted = Signal(str)  # shift id
    shiftEnded = Signal(str)  # handover id

    def __init__(
        self, shifts: ShiftService, now_ms: Callable[[], int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handoverView")
        self.shifts = shifts
        self.now_ms = now_ms
        self.items = HandoverItems()
        self.shift_label = QLabel(self)
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
        self.previous.setWordWrap(True)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("handoverNotes")
        self.notes.setPlaceholderText(self.tr("Notes for the next shift"))
        self.status = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.shift_label, 1)
        top.addWidget(self.start_btn)
        top.addWidget(self.end_btn)
        lists = QHBoxLayout()
        for title, widget in (
            (self.tr("Open incidents"), self.incidents),
            (self.tr("Overdue referrals"), self.referrals),
            (self.tr("Call back"), self.callbacks),
        ):
            box = QGroupBox(title, self)
            QVBoxLayout(box).addWidget(widget)
            lists.addWidget(box)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(lists, 2)
        lay.addWidget(QLabel(self.tr("From the previous shift:"), self))
        lay.addWidget(self.previous)
        lay.addWidget(self.notes, 1)
        lay.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        self.items = self.shifts.items(self.now_ms())
        self._fill(self.incidents, self.items.open_incidents, self._incident_text)
        self._fill(self.referrals, self.items.overdue_referrals, self._referral_text)
        self._fill(self.callbacks, self.items.callbacks, self._callback_text, key="caller_number")
        current = self.shifts.current()
        if current:
            self.shift_label.setText(
                self.tr("Shift of %1 since %2")
                .replace("%1", str(current["operator"]))
                .replace("%2", f"{local(current['started_at']):%d-%m %H:%M}")
            )
        else:
            self.shift_label.setText(self.tr("No shift started"))
        self.start_btn.setEnabled(current is None)
        self.end_btn.setEnabled(current is not None)
        last = self.shifts.last_handover()
        self.previous.setText(
            (last["notes"] or self.tr("(no notes)")) + "  — " + str(last["operator"] or "")
            if last
            else self.tr("(no earlier handover)")
        )

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

    def _incident_text(self, r: dict[str, Any]) -> str:
        where = r.get("kecamatan_name") or r.get("address") or ""
        return f"{r['number']}  {r['priority'] or ''}  {labels.status(r['status'])}  {where}".strip()

    def _referral_text(self, r: dict[str, Any]) -> str:
        level = self.tr("red") if r["level"] == "red" else self.tr("amber")
        return f"{r.get('incident_number') or ''} → {r.get('agency_name') or ''}  ({level})"

    def _callback_text(self, r: dict[str, Any]) -> str:
        return (
            self.tr("%1 at %2 (%3 tries)")
            .replace("%1", phone.display(r["caller_number"]))
            .replace("%2", f"{local(r['last_at']):%H:%M}")
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

    def start_shift(self) -> None:
        try:
            sid = self.shifts.start()
        except DomainError as exc:
            self.status.setText(self.tr("Cannot start the shift: %1").replace("%1", error_label(exc.code)))
            return
        self.refresh()
        self.shiftStarted.emit(sid)

    def end_shift(self) -> None:
        current = self.shifts.current()
        if current is None:
            self.status.setText(self.tr("No shift started"))
            return
        try:
            hid = self.shifts.end(current["id"], self.notes.toPlainText(), self.now_ms())
        except DomainError as exc:
            self.status.setText(self.tr("Cannot end the shift: %1").replace("%1", error_label(exc.code)))
            return
        self.notes.clear()
        self.status.setText(self.tr("Handover saved"))
        self.refresh()
        self.shiftEnded.emit(hid)
