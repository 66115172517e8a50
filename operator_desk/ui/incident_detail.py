"""The incident detail (objectName `incidentDetail`, a dock beside the form): one saved incident, worked.

Every field is editable and saved as field-level changes (services/incident_edit.py) with Ctrl+Enter
while the detail has the focus; Ctrl+N goes to the note line (Enter appends the note); the status moves
forward with a reason; a supervisor reopens or merges (an operator is asked for a supervisor's approval
at this desk, ui/login_dialog.py ReAuthDialog). A field another desk changed meanwhile, and open sync
conflicts of this incident, are shown inline. What is typed is kept as a draft every 2 seconds and
restored when the incident is opened again. Reads and writes run on the task runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.changes import Changes
from ..domain.enums import IncidentCategory, IncidentStatus, Priority
from ..domain.errors import DomainError, ValidationError
from ..domain.location import Location, is_kelurahan
from ..domain.rules import MERGE_INCIDENTS, REOPEN
from ..domain.timeutil import WITA, local
from ..services.incident_edit import IncidentDetailData, IncidentEditor, SaveResult
from ..services.timeline import TIMELINE_TABLES, TimelineEvent, TimelineQuery
from . import labels
from .errors import error_label, message_for
from .incident_timeline import IncidentTimeline
from .location_search import LocationSearch, PlaceChoice
from .tasks import TaskRunner

log = logging.getLogger(__name__)
DRAFT_INTERVAL_MS = 2000
TABLES = TIMELINE_TABLES

Loaded = tuple[IncidentDetailData, list[TimelineEvent], list[dict[str, Any]]]


class IncidentDetail(QWidget):
    """One incident, opened from the list, the map or a caller's second call. `open_incident(id)`."""

    replay_requested = Signal(str)
    loaded = Signal(str)  # the incident shown (tests, the map follows it)

    def __init__(
        self,
        editor: IncidentEditor,
        timeline: TimelineQuery,
        runner: TaskRunner,
        *,
        gazetteer: Any = None,
        locate: Callable[[float, float], Any] | None = None,
        suggest_agencies: Callable[[str, str | None], list[dict[str, Any]]] | None = None,
        refer: Callable[[str, str], Any] | None = None,
        accounts: Any = None,
        current_account: Callable[[], Any] = lambda: None,
        live_location: Callable[[], dict[str, Any] | None] = lambda: None,
        zone: ZoneInfo = WITA,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentDetail")
        self.editor = editor
        self.timeline_query = timeline
        self.runner = runner
        self.locate = locate
        self.suggest_agencies = suggest_agencies
        self.refer_fn = refer
        self.accounts = accounts
        self.current_account = current_account
        self.live_location = live_location
        self.zone = zone
        self.incident_id: str | None = None
        self.data: IncidentDetailData | None = None
        self.seen: dict[str, str] = {}
        self.location = Location()
        self.dirty = False
        self._filling = False
        self._busy = False
        self.reauth: Any = None
        self._stale_note = ""  # the last save's race with another desk, shown until the next save
        self.confirm_overwrite: Callable[[], bool] = self._ask_overwrite
        self._build(gazetteer)
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(DRAFT_INTERVAL_MS)
        self._draft_timer.timeout.connect(self._save_draft_behind)
        self._draft_timer.start()
        self._show_empty()

    # -- layout ---------------------------------------------------------------------------------------
    def _build(self, gazetteer: Any) -> None:
        self.title = QLabel(self)
        self.title.setObjectName("detailTitle")
        f = self.title.font()
        f.setBold(True)
        f.setPointSize(f.pointSize() + 2)
        self.title.setFont(f)
        self.state = QLabel(self)
        self.state.setObjectName("detailState")
        self.state.setWordWrap(True)
        self.conflicts = QLabel(self)
        self.conflicts.setObjectName("detailConflicts")
        self.conflicts.setWordWrap(True)
        self.conflicts.setStyleSheet("background: #fff8e1; border: 1px solid #f9a825; padding: 3px;")
        self.conflicts.hide()
        self.errors = QLabel(self)
        self.errors.setObjectName("detailErrors")
        self.errors.setStyleSheet("color: #b71c1c;")
        self.errors.setWordWrap(True)
        self.info = QLabel(self)
        self.info.setObjectName("detailInfo")
        self.info.setWordWrap(True)

        self.category = QComboBox(self)
        self.category.setObjectName("detailCategory")
        for c in IncidentCategory:
            self.category.addItem(labels.category(c), str(c))
        self.priority = QComboBox(self)
        self.priority.setObjectName("detailPriority")
        for p in Priority:
            self.priority.addItem(labels.priority(p), str(p))
        self.place = LocationSearch(gazetteer, self)
        self.place.edit.setObjectName("detailPlace")
        self.resolved = QLabel(self)
        self.resolved.setObjectName("detailLocation")
        self.resolved.setWordWrap(True)
        self.address = QLineEdit(self)
        self.address.setObjectName("detailAddress")
        self.landmark = QLineEdit(self)
        self.landmark.setObjectName("detailLandmark")
        self.caller_name = QLineEdit(self)
        self.caller_name.setObjectName("detailCallerName")
        self.caller_number = QLineEdit(self)
        self.caller_number.setObjectName("detailCallerNumber")
        self.narrative = QPlainTextEdit(self)
        self.narrative.setObjectName("detailNarrative")
        self.narrative.setTabChangesFocus(True)
        self.narrative.setMaximumHeight(70)
        self.casualties = QSpinBox(self)
        self.casualties.setObjectName("detailCasualties")
        self.casualties.setRange(0, 9999)
        self.save_btn = QPushButton(self.tr("Save changes (Ctrl+Enter)"), self)
        self.save_btn.setObjectName("detailSave")
        self.note = QLineEdit(self)
        self.note.setObjectName("detailNote")
        self.note.setPlaceholderText(self.tr("New note (Ctrl+N), Enter adds it"))
        self.note_btn = QPushButton(self.tr("Add note"), self)
        self.note_btn.setObjectName("detailAddNote")
        self.status_to = QComboBox(self)
        self.status_to.setObjectName("detailStatusTo")
        for s in IncidentStatus:
            self.status_to.addItem(labels.status(s), str(s))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("detailReason")
        self.reason.setPlaceholderText(self.tr("Reason (for a status move, reopen or merge)"))
        self.move_btn = QPushButton(self.tr("Move status"), self)
        self.move_btn.setObjectName("detailMoveStatus")
        self.reopen_btn = QPushButton(self.tr("Reopen"), self)
        self.reopen_btn.setObjectName("detailReopen")
        self.merge_into = QLineEdit(self)
        self.merge_into.setObjectName("detailMergeInto")
        self.merge_into.setPlaceholderText(self.tr("Number of the incident to merge this one into"))
        self.merge_btn = QPushButton(self.tr("Merge"), self)
        self.merge_btn.setObjectName("detailMerge")
        self.agency = QComboBox(self)
        self.agency.setObjectName("detailAgency")
        self.refer_btn = QPushButton(self.tr("Refer"), self)
        self.refer_btn.setObjectName("detailRefer")

        for combo in (self.category, self.priority, self.status_to, self.agency):  # never wider than the dock
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        fields = QFormLayout()
        fields.addRow(self.tr("Category"), self.category)
        fields.addRow(self.tr("Priority"), self.priority)
        fields.addRow(self.tr("Place"), self.place)
        fields.addRow("", self.resolved)
        fields.addRow(self.tr("Address"), self.address)
        fields.addRow(self.tr("Landmark"), self.landmark)
        fields.addRow(self.tr("Caller name"), self.caller_name)
        fields.addRow(self.tr("Caller number"), self.caller_number)
        fields.addRow(self.tr("Narrative"), self.narrative)
        fields.addRow(self.tr("Casualties"), self.casualties)
        save_row = QHBoxLayout()
        save_row.addWidget(self.errors, 1)
        save_row.addWidget(self.save_btn)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.note_btn)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_to, 1)
        status_row.addWidget(self.move_btn)
        status_row.addWidget(self.reopen_btn)
        merge_row = QHBoxLayout()
        merge_row.addWidget(self.merge_into, 1)
        merge_row.addWidget(self.merge_btn)
        refer_row = QHBoxLayout()
        refer_row.addWidget(self.agency, 1)
        refer_row.addWidget(self.refer_btn)
        work = QFormLayout()
        work.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above the row when narrow
        work.addRow(self.tr("Note"), note_row)
        work.addRow(self.tr("Reason"), self.reason)
        work.addRow(self.tr("Status"), status_row)
        work.addRow(self.tr("Merge into"), merge_row)
        work.addRow(self.tr("Refer to"), refer_row)
        edit_page = QWidget(self)
        edit = QVBoxLayout(edit_page)
        edit.setContentsMargins(2, 2, 2, 2)
        edit.addLayout(fields)
        edit.addLayout(save_row)
        edit.addLayout(work)
        edit.addStretch(1)

        self.timeline = IncidentTimeline(self, self.zone)
        self.calls = QListWidget(self)
        self.calls.setObjectName("detailCalls")
        self.referrals = QListWidget(self)
        self.referrals.setObjectName("detailReferrals")
        links_page = QWidget(self)
        links = QVBoxLayout(links_page)
        links.setContentsMargins(2, 2, 2, 2)
        links.addWidget(QLabel(self.tr("Calls (Enter replays the recording)"), self))
        links.addWidget(self.calls, 1)
        links.addWidget(QLabel(self.tr("Referrals and their steps"), self))
        links.addWidget(self.referrals, 1)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("detailTabs")
        self.tabs.addTab(edit_page, self.tr("Incident"))
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        self.tabs.addTab(links_page, self.tr("Calls and referrals"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addWidget(self.conflicts)
        layout.addWidget(self.info)
        layout.addWidget(self.tabs, 1)

        for w in (self.address, self.landmark, self.caller_name, self.caller_number):
            w.textEdited.connect(self._touched)
        self.narrative.textChanged.connect(self._touched)
        self.casualties.valueChanged.connect(self._touched)
        self.category.currentIndexChanged.connect(self._touched)
        self.priority.currentIndexChanged.connect(self._touched)
        self.place.chosen.connect(self._place_chosen)
        self.save_btn.clicked.connect(self.save)
        self.note.returnPressed.connect(self.add_note)
        self.note_btn.clicked.connect(self.add_note)
        self.move_btn.clicked.connect(self.move_status)
        self.reason.returnPressed.connect(self.move_status)
        self.reopen_btn.clicked.connect(self.reopen)
        self.merge_btn.clicked.connect(self.merge)
        self.merge_into.returnPressed.connect(self.merge)
        self.refer_btn.clicked.connect(self.refer)
        self.calls.itemActivated.connect(self._call_activated)
        self.timeline.replay_requested.connect(self.replay_requested.emit)

    # -- opening --------------------------------------------------------------------------------------
    def open_incident(self, incident_id: str, *, focus: bool = True) -> None:
        """Show `incident_id` (read on the runner); what was typed for the previous one stays a draft."""
        if self.incident_id is not None and self.incident_id != incident_id:
            self.save_draft()
        if self.incident_id != incident_id:
            self._stale_note = ""
        self.incident_id = incident_id
        self._focus_after = focus
        self._load(keep_edits=False)

    def _load(self, *, keep_edits: bool) -> None:
        incident_id, editor, timeline, suggest = (
            self.incident_id,
            self.editor,
            self.timeline_query,
            self.suggest_agencies,
        )
        if incident_id is None:
            return

        def work() -> Loaded:
            data = editor.load(incident_id)
            inc = data.incident
            agencies = (
                suggest(inc.category or "", inc.location.kecamatan_code) if suggest and inc.category else []
            )
            return data, timeline.events(incident_id), agencies

        def shown(result: Loaded) -> None:
            if result[0].incident.id == self.incident_id:
                self._show(result, keep_edits=keep_edits)

        self.runner.run(work, shown, self._load_failed, initiator=self, key="incident-detail")

    def _load_failed(self, exc: BaseException) -> None:
        self.errors.setText(error_label(exc.code) if isinstance(exc, DomainError) else message_for(exc))

    def _show(self, result: Loaded, *, keep_edits: bool) -> None:
        data, events, agencies = result
        first = self.data is None or self.data.incident.id != data.incident.id
        self.data = data
        inc = data.incident
        self.title.setText(self.tr("Incident {number}").format(number=inc.number or inc.id[:8]))
        state = [labels.status(inc.status), labels.category(inc.category), inc.priority or ""]
        if inc.created_at:
            state.append(
                self.tr("since {when}").format(when=f"{local(inc.created_at, self.zone):%d-%m-%Y %H:%M}")
            )
        if data.merged_into:
            state.append(self.tr("merged into {number}").format(number=data.merged_into_number or "?"))
        if data.absorbed:
            state.append(
                self.tr("includes {numbers}").format(numbers=", ".join(n for _i, n in data.absorbed))
            )
        self.state.setText(" · ".join(s for s in state if s))
        self._show_conflicts(data)
        if not (keep_edits and self.dirty):
            self.seen = dict(data.clock)
            self._fill(inc)
            if first and data.draft:
                self._restore(data.draft)
        self.timeline.show_events(events)
        self._fill_calls(data)
        self._fill_referrals(data)
        self._fill_agencies(agencies)
        self.status_to.setCurrentIndex(max(0, self.status_to.findData(self._next_status(inc.status))))
        self.reopen_btn.setEnabled(not data.is_open)
        self.setEnabled(True)
        if first and getattr(self, "_focus_after", False):
            self.category.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.loaded.emit(inc.id)

    @staticmethod
    def _next_status(current: str) -> str:
        order = list(IncidentStatus)
        i = order.index(IncidentStatus(current))
        return str(order[min(i + 1, len(order) - 1)])

    def _show_empty(self) -> None:
        self.title.setText(self.tr("No incident open"))
        self.state.setText(self.tr("F3: the incident list, Enter opens the selected incident"))

    def _fill(self, inc: Any) -> None:
        self._filling = True
        try:
            self.category.setCurrentIndex(max(0, self.category.findData(inc.category)))
            self.priority.setCurrentIndex(max(0, self.priority.findData(inc.priority)))
            self.location = inc.location
            self.place.edit.setText(inc.location.desa_name or inc.location.kecamatan_name or "")
            self.address.setText(inc.location.address or "")
            self.landmark.setText(inc.location.landmark or "")
            self.caller_name.setText(inc.caller_name or "")
            self.caller_number.setText(inc.caller_number or "")
            self.narrative.setPlainText(inc.narrative or "")
            self.casualties.setValue(int(inc.casualties or 0))
            self._show_location()
        finally:
            self._filling = False
        self.dirty = False
        self.errors.clear()

    def _show_conflicts(self, data: IncidentDetailData) -> None:
        if not data.conflicts:
            self.conflicts.setText(self._stale_note)
            self.conflicts.setVisible(bool(self._stale_note))
            return
        names = [self.timeline.field_name(c["col"]) for c in data.conflicts]
        self.conflicts.setText(
            self._stale_note
            + ("\n" if self._stale_note else "")
            + self.tr(
                "Sync conflict on {fields}: another desk changed it at the same time. Both values are kept; "
                "the newer one is shown until a supervisor decides (Desk → Sync conflicts)."
            ).format(fields=", ".join(names))
        )
        self.conflicts.show()

    def _fill_calls(self, data: IncidentDetailData) -> None:
        self.calls.clear()
        from ..domain import phone

        for c in data.calls:
            number = phone.display(phone.normalise(c.get("caller_number") or "")) or self.tr("unknown number")
            when = f"{local(c['started_at'], self.zone):%d-%m-%Y %H:%M}" if c.get("started_at") else ""
            text = self.tr("{when} · {number} · {outcome} · {who}").format(
                when=when,
                number=number,
                outcome=labels.outcome(c.get("outcome")),
                who=c.get("operator") or "",
            )
            if c.get("recording_path"):
                text += " · " + self.tr("recorded")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, c["id"])
            self.calls.addItem(item)

    def _fill_referrals(self, data: IncidentDetailData) -> None:
        self.referrals.clear()
        for row, events in data.referrals:
            steps = ", ".join(
                f"{self.timeline.step(e.step)} {local(e.at, self.zone):%H:%M}"
                + (f" ({e.operator})" if e.operator else "")
                for e in events
            )
            self.referrals.addItem(
                self.tr("{agency}: {status} — {steps}").format(
                    agency=row["agency_name"] or "?",
                    status=self.timeline.step(row["status"]),
                    steps=steps or "—",
                )
            )

    def _fill_agencies(self, agencies: list[dict[str, Any]]) -> None:
        self.agency.clear()
        for a in agencies:
            self.agency.addItem(a["name"], a["id"])
        self.refer_btn.setEnabled(bool(agencies) and self.refer_fn is not None)

    # -- location -------------------------------------------------------------------------------------
    def _touched(self, *_: Any) -> None:
        if not self._filling:
            self.dirty = True

    def _place_chosen(self, choice: PlaceChoice) -> None:
        desa_code = desa_name = None
        kec_code, kec_name = choice.kecamatan_code, choice.kecamatan_name
        if choice.level in ("desa", "kelurahan"):
            desa_code, desa_name = choice.code, choice.name
        elif choice.level == "kecamatan":
            kec_code, kec_name = choice.code, choice.name
        elif choice.lat is not None and choice.lon is not None and self.locate is not None:
            place = self.locate(choice.lat, choice.lon)
            if place:
                desa_code, desa_name, kec_code, kec_name = place
        self.location = Location(
            lat=choice.lat,
            lon=choice.lon,
            address=self.address.text(),
            landmark=self.landmark.text() or (choice.name if choice.level in ("poi", "landmark") else ""),
            desa_code=desa_code,
            desa_name=desa_name,
            kecamatan_code=kec_code,
            kecamatan_name=kec_name,
            source="gazetteer",
            confirmed=True,
        )
        self._touched()
        self._show_location()

    def set_point(self, lat: float, lon: float, source: str = "map", accuracy_m: float | None = None) -> bool:
        """A map click or a device location; asks before replacing a confirmed location."""
        if self.location.confirmed and self.location.has_point() and not self.confirm_overwrite():
            return False
        place = self.locate(lat, lon) if self.locate is not None else None
        desa_code, desa_name, kec_code, kec_name = place or (None, None, None, None)
        self.location = Location(
            lat=lat,
            lon=lon,
            address=self.address.text(),
            landmark=self.landmark.text(),
            desa_code=desa_code,
            desa_name=desa_name,
            kecamatan_code=kec_code,
            kecamatan_name=kec_name,
            source=source,
            accuracy_m=accuracy_m,
            confirmed=True,
        )
        if desa_name:
            self.place.edit.setText(desa_name)
        self._touched()
        self._show_location()
        return True

    def take_device_location(self) -> bool:
        """Ctrl+L in the detail: the newest device location of the incident's calls (else the live call's)."""
        fixes = [
            e for e in self.timeline.events if e.kind == "device_location" and e.new and e.new[0] is not None
        ]
        if fixes:
            lat, lon = fixes[-1].new
            src = "pidf" if str(fixes[-1].detail or "").lower().startswith("pidf") else "aml"
            return self.set_point(float(lat), float(lon), source=src, accuracy_m=fixes[-1].old)
        live = self.live_location()
        if live and live.get("lat") is not None:
            src = "pidf" if str(live.get("source", "")).startswith("pidf") else "aml"
            return self.set_point(
                float(live["lat"]), float(live["lon"]), source=src, accuracy_m=live.get("radius_m")
            )
        self.info.setText(self.tr("No device location for this incident"))
        return False

    def _ask_overwrite(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Replace location?"),
            self.tr("The location was already confirmed. Replace it with the new point?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show_location(self) -> None:
        loc = self.location
        parts = []
        if loc.desa_name:
            kel = is_kelurahan(loc.desa_code)
            parts.append(
                (self.tr("Kel. {name}") if kel else self.tr("Desa {name}")).format(name=loc.desa_name)
            )
        if loc.kecamatan_name:
            parts.append(self.tr("Kec. {name}").format(name=loc.kecamatan_name))
        if loc.has_point():
            parts.append(f"{loc.lat:.5f}, {loc.lon:.5f}")
        self.resolved.setText(" · ".join(parts) or self.tr("No location yet"))

    def current_location(self) -> Location:
        return Location(
            **{
                **self.location.to_dict(),
                "address": self.address.text().strip(),
                "landmark": self.landmark.text().strip(),
            }
        )

    # -- saving ---------------------------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        return {
            "category": self.category.currentData(),
            "priority": self.priority.currentData(),
            "location": self.current_location(),
            "caller_name": self.caller_name.text().strip() or None,
            "caller_number": self.caller_number.text().strip() or None,
            "narrative": self.narrative.toPlainText().strip() or None,
            "casualties": self.casualties.value(),
        }

    def has_focus(self) -> bool:
        w = self.focusWidget()
        return (
            self.incident_id is not None
            and w is not None
            and (w is self or self.isAncestorOf(w))
            and w.hasFocus()
        )

    def save(self) -> None:
        """Ctrl+Enter in the detail: the changed fields, each its own change; the fields stay on a failure."""
        if self.incident_id is None or self._busy:
            return
        incident_id, data, seen, editor = self.incident_id, self.fields(), dict(self.seen), self.editor
        self.errors.clear()
        current = self._current_values()
        changed = {
            k: v for k, v in data.items() if current.get(k) != (v.to_dict() if isinstance(v, Location) else v)
        }
        if not changed:
            self.info.setText(self.tr("Nothing changed"))
            return

        def work() -> SaveResult:
            result = editor.save(incident_id, changed, seen)
            editor.discard_draft(incident_id)
            return result

        self._busy = True
        self.runner.run(work, self._saved, self._failed, initiator=self)

    def _current_values(self) -> dict[str, Any]:
        if self.data is None:
            return {}
        inc = self.data.incident
        return {
            "category": inc.category,
            "priority": inc.priority,
            "location": inc.location.to_dict(),
            "caller_name": inc.caller_name or None,
            "caller_number": inc.caller_number or None,
            "narrative": inc.narrative or None,
            "casualties": int(inc.casualties or 0),
        }

    def _saved(self, result: SaveResult) -> None:
        self._busy = False
        self.dirty = False
        self.seen = dict(result.clock)
        self._stale_note = ""
        if result.stale:
            names = ", ".join(self.timeline.field_name(c) for c in result.stale)
            self._stale_note = self.tr(
                "{fields} had been changed at another desk while you edited; your value is saved and "
                "the other is kept for a supervisor."
            ).format(fields=names)
            self.conflicts.setText(self._stale_note)
            self.conflicts.show()
        self.info.setText(
            self.tr("Saved: {fields}").format(
                fields=", ".join(self.timeline.field_name(c) for c in result.changed) or "—"
            )
        )
        self._load(keep_edits=False)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        if isinstance(exc, ValidationError):
            self.errors.setText(
                "; ".join(f"{self.timeline.field_name(f)}: {error_label(c)}" for f, c in exc.problems.items())
            )
        elif isinstance(exc, DomainError):
            self.errors.setText(error_label(exc.code))
        else:
            log.error("incident detail: write failed", exc_info=exc)
            self.errors.setText(
                self.tr("Not saved: {reason}. Everything typed stays here.").format(reason=message_for(exc))
            )

    def focus_note(self) -> None:
        """Ctrl+N: the note line of the open incident."""
        self.tabs.setCurrentIndex(0)
        self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def add_note(self) -> None:
        text, incident_id, editor = self.note.text().strip(), self.incident_id, self.editor
        if incident_id is None or not text:
            return

        def added(_pk: str) -> None:
            self.note.clear()
            self.info.setText(self.tr("Note added"))
            self._load(keep_edits=True)

        self.runner.run(lambda: editor.add_note(incident_id, text), added, self._failed, initiator=self)

    def move_status(self) -> None:
        incident_id, status, reason, editor = (
            self.incident_id,
            self.status_to.currentData(),
            self.reason.text(),
            self.editor,
        )
        if incident_id is None:
            return
        self._command(
            lambda ed: ed.advance(incident_id, status, reason),
            None,
            self.tr("Status moved to {status}").format(status=labels.status(status)),
            editor,
        )

    def reopen(self) -> None:
        incident_id, reason = self.incident_id, self.reason.text()
        if incident_id is None:
            return
        self._command(lambda ed: ed.reopen(incident_id, reason), REOPEN, self.tr("Incident reopened"))

    def merge(self) -> None:
        """Merge THIS incident into the one whose number is typed (a supervisor's decision)."""
        incident_id, number, reason = self.incident_id, self.merge_into.text().strip(), self.reason.text()
        if incident_id is None or not number:
            return
        editor = self.editor

        def work(ed: IncidentEditor) -> None:
            target = editor.id_of_number(number)
            if target is None:
                raise DomainError("not_found", f"no incident {number}", "merge")
            ed.merge(incident_id, target, reason)

        self._command(work, MERGE_INCIDENTS, self.tr("Merged into {number}").format(number=number))

    def refer(self) -> None:
        agency_id, incident_id, refer = self.agency.currentData(), self.incident_id, self.refer_fn
        if incident_id is None or agency_id is None or refer is None:
            return

        def referred(_r: Any) -> None:
            self.info.setText(self.tr("Referred"))
            self._load(keep_edits=True)

        self.runner.run(lambda: refer(incident_id, agency_id), referred, self._failed, initiator=self)

    def _command(
        self,
        fn: Callable[[IncidentEditor], Any],
        action: str | None,
        done_text: str,
        editor: IncidentEditor | None = None,
    ) -> None:
        """Run a command; a supervisor-only one refused for an operator asks a supervisor to approve here."""
        ed = editor or self.editor
        self.errors.clear()

        def done(_r: Any) -> None:
            self.reason.clear()
            self.merge_into.clear()
            self.info.setText(done_text)
            self._load(keep_edits=True)

        def refused(exc: BaseException) -> None:
            if (
                isinstance(exc, DomainError)
                and exc.code == "supervisor_required"
                and action is not None
                and self.accounts is not None
            ):
                self._ask_supervisor(fn, action, done)
                return
            self._failed(exc)

        self.runner.run(lambda: fn(ed), done, refused, initiator=self)

    def _ask_supervisor(
        self, fn: Callable[[IncidentEditor], Any], action: str, done: Callable[[Any], None]
    ) -> None:
        from .login_dialog import ReAuthDialog

        accounts, operator = self.accounts, self.current_account()
        self.errors.setText(self.tr("A supervisor must approve this"))
        dialog = ReAuthDialog(accounts, self.runner, action, self)
        self.reauth = dialog

        def approved(supervisor: Any) -> None:
            self.reauth = None
            ed = IncidentEditor(accounts.on_behalf(supervisor, action, operator))
            self.runner.run(lambda: fn(ed), done, self._failed, initiator=self)

        dialog.authenticated.connect(approved)
        dialog.rejected.connect(lambda: setattr(self, "reauth", None))
        dialog.open()

    def _call_activated(self, item: QListWidgetItem) -> None:
        call_id = item.data(Qt.ItemDataRole.UserRole)
        if call_id:
            self.replay_requested.emit(call_id)

    # -- live and drafts ------------------------------------------------------------------------------
    def on_changes(self, changes: Changes) -> None:
        """Another desk's (or view's) change: re-read; typed edits stay, with the clocks they were made on."""
        if self.incident_id is not None and changes.touches(*TABLES):
            self._load(keep_edits=True)

    def payload(self) -> dict[str, Any]:
        data = self.fields()
        data["location"] = data["location"].to_dict()
        data["place_text"] = self.place.edit.text()
        data["seen"] = self.seen
        return data

    def _restore(self, draft: dict[str, Any]) -> None:
        self._filling = True
        try:
            self.category.setCurrentIndex(max(0, self.category.findData(draft.get("category"))))
            self.priority.setCurrentIndex(max(0, self.priority.findData(draft.get("priority"))))
            self.location = Location.from_dict(draft.get("location"))
            self.place.edit.setText(draft.get("place_text") or "")
            self.address.setText(self.location.address or "")
            self.landmark.setText(self.location.landmark or "")
            self.caller_name.setText(draft.get("caller_name") or "")
            self.caller_number.setText(draft.get("caller_number") or "")
            self.narrative.setPlainText(draft.get("narrative") or "")
            self.casualties.setValue(int(draft.get("casualties") or 0))
            self.seen = dict(draft.get("seen") or self.seen)
            self._show_location()
        finally:
            self._filling = False
        self.dirty = True
        self.info.setText(self.tr("Draft restored: not saved yet (Ctrl+Enter saves)"))

    def save_draft(self) -> None:
        """Keep what is typed now and wait for it (shutdown, switching incidents)."""
        if self.dirty and self.incident_id is not None:
            try:
                self.editor.save_draft(self.incident_id, self.payload())
            except Exception as exc:  # noqa: BLE001 - a draft failure is shown, never raised at shutdown
                log.error("detail draft not saved: %s", exc)

    def _save_draft_behind(self) -> None:
        if not self.dirty or self.incident_id is None or self._busy:
            return
        incident_id, payload, editor = self.incident_id, self.payload(), self.editor
        self.runner.run(
            lambda: editor.save_draft(incident_id, payload),
            None,
            lambda exc: self.info.setText(
                self.tr("Draft not saved: {reason}").format(reason=message_for(exc))
            ),
            initiator=self,
            key="detail-draft",
        )

    def stop(self) -> None:
        self._draft_timer.stop()
        self.place.stop()
