"""The incident's timeline (objectName `incidentTimeline`, inside the detail): one line per event,
in the region's time zone with the date, newest last. Events come from services/timeline.py; this
module only turns their codes and values into words. A call's line replays it (Enter or double click).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ..domain import phone
from ..domain.location import Location, is_kelurahan
from ..domain.timeutil import WITA, local
from ..services.timeline import TimelineEvent
from . import labels


class IncidentTimeline(QListWidget):
    """Read-only list of timeline lines; `replay_requested(call_id)` on a call's line."""

    replay_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, zone: ZoneInfo = WITA) -> None:
        super().__init__(parent)
        self.setObjectName("incidentTimeline")
        self.zone = zone
        self.setWordWrap(True)
        self.setResizeMode(
            QListWidget.ResizeMode.Adjust
        )  # long lines wrap to the width, never scroll sideways
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlternatingRowColors(True)
        self.events: list[TimelineEvent] = []
        self.itemActivated.connect(self._activated)

    def show_events(self, events: list[TimelineEvent]) -> None:
        self.events = list(events)
        self.clear()
        for e in events:
            item = QListWidgetItem(self.line(e))
            item.setData(Qt.ItemDataRole.UserRole, e.ref if e.kind == "call" else None)
            self.addItem(item)
        self.scrollToBottom()

    def lines(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def _activated(self, item: QListWidgetItem) -> None:
        call_id = item.data(Qt.ItemDataRole.UserRole)
        if call_id:
            self.replay_requested.emit(call_id)

    # -- words ----------------------------------------------------------------------------------------
    def field_name(self, col: str | None) -> str:
        names = {
            "category": self.tr("Category"),
            "priority": self.tr("Priority"),
            "location": self.tr("Place"),
            "caller_name": self.tr("Caller name"),
            "caller_number": self.tr("Caller number"),
            "narrative": self.tr("Narrative"),
            "casualties": self.tr("Casualties"),
            "disposition": self.tr("Disposition"),
            "status": self.tr("Status"),
        }
        return names.get(col or "", col or "")

    def value(self, col: str | None, v: Any) -> str:
        if v is None or v == "":
            return "—"
        if col == "category":
            return labels.category(str(v))
        if col == "priority":
            return str(v)
        if col == "status":
            return labels.status(str(v))
        if col == "location" and isinstance(v, dict):
            return self.place(Location.from_dict(v)) or "—"
        if col == "caller_number":
            return phone.display(phone.normalise(str(v))) or str(v)
        text = str(v)
        return text if len(text) <= 120 else text[:117] + "…"

    def place(self, loc: Location) -> str:
        parts = []
        if loc.desa_name:
            kel = is_kelurahan(loc.desa_code)
            parts.append(
                (self.tr("Kel. {name}") if kel else self.tr("Desa {name}")).format(name=loc.desa_name)
            )
        if loc.kecamatan_name:
            parts.append(self.tr("Kec. {name}").format(name=loc.kecamatan_name))
        if loc.address:
            parts.append(loc.address)
        if not parts and loc.has_point():
            parts.append(f"{loc.lat:.5f}, {loc.lon:.5f}")
        return ", ".join(parts)

    def line(self, e: TimelineEvent) -> str:
        when = f"{local(e.at, self.zone):%d-%m-%Y %H:%M:%S}"
        who = e.who or self.tr("another desk")
        k = e.kind
        if k == "call":
            number = phone.display(phone.normalise(e.detail or "")) or e.detail or self.tr("unknown number")
            text = self.tr("Call from {number} ({outcome}), taken by {who}").format(
                number=number, outcome=labels.outcome(e.new), who=who
            )
        elif k == "note":
            text = self.tr("Note by {who}: {text}").format(who=who, text=e.detail or "")
        elif k == "field":
            text = self.tr("{field}: {old} → {new} ({who})").format(
                field=self.field_name(e.field),
                old=self.value(e.field, e.old),
                new=self.value(e.field, e.new),
                who=who,
            )
        elif k == "status":
            if e.old is None:
                text = self.tr("Incident created ({who})").format(who=who)
            else:
                text = self.tr("Status: {old} → {new} ({who})").format(
                    old=labels.status(e.old), new=labels.status(e.new), who=who
                )
            if e.detail:
                text += " · " + self.tr("reason: {reason}").format(reason=e.detail)
        elif k == "referral":
            text = self.tr("Referral to {agency}: {step} ({who})").format(
                agency=e.field or "?", step=self.step(e.new), who=who
            )
            if e.detail:
                text += f" · {e.detail}"
        elif k == "device_location":
            lat, lon = e.new if isinstance(e.new, tuple | list) else (None, None)
            text = self.tr("Device location {lat}, {lon} (±{radius} m, {method})").format(
                lat=f"{lat:.5f}" if lat is not None else "?",
                lon=f"{lon:.5f}" if lon is not None else "?",
                radius=int(e.old or 0),
                method=e.detail or "?",
            )
        elif k == "merge_into":
            text = self.tr("Merged into {number} ({who})").format(number=e.new, who=who)
            if e.detail:
                text += " · " + self.tr("reason: {reason}").format(reason=e.detail)
        elif k == "merged_from":
            text = self.tr("{number} merged into this incident ({who})").format(number=e.new, who=who)
            if e.detail:
                text += " · " + self.tr("reason: {reason}").format(reason=e.detail)
        elif k == "conflict":
            text = self.tr("Conflict on {field}: {older} / {newer} (both kept; a supervisor decides)").format(
                field=self.field_name(e.field),
                older=self.value(e.field, e.old),
                newer=self.value(e.field, e.new),
            )
        elif k == "conflict_resolved":
            kept = (
                self.tr("kept the newer value")
                if e.detail == "kept_newer"
                else self.tr("took the older value")
            )
            text = self.tr("Conflict on {field} resolved: {how} ({who})").format(
                field=self.field_name(e.field), how=kept, who=who
            )
        else:
            text = k
        if e.incident_number:
            text += f" [{e.incident_number}]"
        return f"{when}  {text}"

    def step(self, code: Any) -> str:
        names = {
            "sent": self.tr("sent"),
            "acknowledged": self.tr("acknowledged"),
            "on_scene": self.tr("on scene"),
            "feedback": self.tr("feedback"),
            "closed": self.tr("closed"),
            "resent": self.tr("sent again"),
            "escalated": self.tr("escalated"),
            "reopened": self.tr("reopened"),
        }
        return names.get(str(code), str(code))
