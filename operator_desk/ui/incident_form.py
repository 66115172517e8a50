"""The incident form (objectName `incidentForm`): an emergency typed with keys only, saved safely.

Ctrl+Enter saves, Ctrl+R refers; a duplicate nearby is offered before a second incident is made;
the open form is kept as a draft every 2 seconds so a killed desk loses nothing typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QMargins, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
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
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..domain.enums import VICTIM_COLUMNS, IncidentCategory, Priority, ReportSource
from ..domain.errors import DeskError, DomainError, ValidationError
from ..domain.ids import new_id
from ..domain.location import Location, clean_rt_rw, is_kelurahan
from ..domain.rules import OpenIncident
from . import labels
from .errors import error_label
from .form_services import FormServices
from .incident_fields import (
    AddressUnitsField,
    CallbackField,
    EventTimeField,
    KabupatenField,
    VictimsField,
    relation_combo,
    source_combo,
)
from .location_search import LocationSearch, PlaceChoice
from .tasks import TaskRunner, default_runner

log = logging.getLogger(__name__)
DRAFT_INTERVAL_MS = 2000
DRAFT_KIND = "incident_form"


class IncidentForm(QWidget):
    """Create an incident for the current call; emits `saved(incident_id)`."""

    saved = Signal(str)
    saved_number = Signal(str)  # the human number of what was saved or attached to (the status bar keeps it)
    location_changed = Signal(float, float)
    active_changed = Signal(bool)  # an emergency is open in the form (the window gives it room)
    step_changed = Signal(str)  # what is still missing, for the incoming-call bar

    def __init__(
        self, services: FormServices, parent: QWidget | None = None, runner: TaskRunner | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentForm")
        self.sv = services
        self.runner = runner or default_runner()
        self._saving = False
        self._focus_before: QWidget | None = None
        self.call_id: str | None = None
        self.location = Location()
        self.draft_id = new_id()
        self.dirty = False
        self._pending_duplicates: list[OpenIncident] = []
        self.confirm_overwrite: Callable[[], bool] = self._ask_overwrite
        self.active = False
        self._last_step = ""
        self._problems: dict[str, str] = {}
        self._kabupaten_filled = False
        self._viewport: QWidget | None = None
        self._build()
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(DRAFT_INTERVAL_MS)
        self._draft_timer.timeout.connect(self._save_draft_behind)
        self._draft_timer.start()

    # -- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(self.tr("New incident"), self)
        self.title.setObjectName("formTitle")
        f = self.title.font()
        f.setBold(True)
        f.setPointSize(f.pointSize() + 2)
        self.title.setFont(f)
        self.category = QComboBox(self)
        self.category.setObjectName("category")
        self.category.addItem(self.tr("— choose —"), None)
        for c in IncidentCategory:
            self.category.addItem(labels.category(c), str(c))
        self.priority = QComboBox(self)
        self.priority.setObjectName("priority")
        for p in Priority:
            self.priority.addItem(labels.priority(p), str(p))
        self.priority.setCurrentIndex(1)
        for combo in (
            self.category,
            self.priority,
        ):  # may be narrower than its longest item (the popup is not)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.place = LocationSearch(self.sv.gazetteer, self)
        self.resolved = QLabel(self.tr("No location yet"), self)
        self.resolved.setObjectName("locationResolved")
        self.resolved.setWordWrap(True)
        self.address = QLineEdit(self)
        self.address.setObjectName("address")
        self.address.setPlaceholderText(self.tr("Street, house no."))
        self.units = AddressUnitsField(self)
        self.landmark = QLineEdit(self)
        self.landmark.setObjectName("landmark")
        self.landmark.setPlaceholderText(self.tr("e.g. behind the mosque"))
        self.kabupaten = KabupatenField(self)
        self.occurred = EventTimeField(self.sv.now_ms, self.sv.zone, self)
        self.caller_name = QLineEdit(self)
        self.caller_name.setObjectName("callerName")
        self.caller_number = QLineEdit(self)
        self.caller_number.setObjectName("callerNumber")
        self.callback = CallbackField(self)
        self.relation = relation_combo(self)
        self.source = source_combo(self)
        self.narrative = QPlainTextEdit(self)
        self.narrative.setObjectName("narrative")
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(self.tr("What happened, who is hurt, what is needed"))
        lines = self.fontMetrics().lineSpacing()
        self.narrative.setMinimumHeight(lines * 3 + 12)
        self.narrative.setMaximumHeight(
            lines * 10 + 12
        )  # its preferred height is what a scroll area asks for
        self.victims = VictimsField(self)
        self.agencies = QListWidget(self)
        self.agencies.setObjectName("agencies")
        self.agencies.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 8)
        self.agencies.setMaximumHeight(110)
        self.agencies.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # long names elide
        self.agencies.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.duplicate = QLabel(self)
        self.duplicate.setObjectName("duplicateBanner")
        self.duplicate.setWordWrap(True)
        self.duplicate.setStyleSheet("background: #fff8e1; border: 1px solid #f9a825; padding: 4px;")
        self.attach_btn = QPushButton(self.tr("&Attach call to it"), self)
        self.attach_btn.setObjectName("attachDuplicate")
        self.new_btn = QPushButton(self.tr("Save as &new incident"), self)
        self.new_btn.setObjectName("saveAsNew")
        # banner text above, the two choices below: the form never widens the window
        dup_row = QVBoxLayout()
        dup_row.setContentsMargins(0, 0, 0, 0)
        dup_row.addWidget(self.duplicate)
        dup_buttons = QHBoxLayout()
        dup_buttons.addStretch(1)
        dup_buttons.addWidget(self.attach_btn)
        dup_buttons.addWidget(self.new_btn)
        dup_row.addLayout(dup_buttons)
        self.duplicate.setMinimumWidth(120)
        self.dup_box = QWidget(self)
        self.dup_box.setLayout(dup_row)
        self.dup_box.hide()
        self.errors = QLabel(self)
        self.errors.setObjectName("incidentErrors")
        self.errors.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.errors.setWordWrap(True)
        self.info = QLabel(self)
        self.info.setObjectName("formInfo")
        self.info.setWordWrap(True)
        self.save_btn = QPushButton(self.tr("Save (Ctrl+Enter)"), self)
        self.save_btn.setObjectName("incidentSave")
        self.refer_btn = QPushButton(self.tr("Refer (Ctrl+R)"), self)
        self.refer_btn.setObjectName("referIncident")

        # Where (left) and who / what (right): side by side when the form has the room (an emergency
        # at 1366x768), one below the other when narrow; the buttons and the error line always below.
        where = QFormLayout()
        where.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        where.addRow(self.tr("Category"), self.category)
        where.addRow(self.tr("Priority"), self.priority)
        where.addRow(self.tr("Place"), self.place)
        where.addRow("", self.resolved)
        where.addRow(self.tr("Address"), self.address)
        where.addRow(self.tr("Gang / RT / RW"), self.units)
        where.addRow(self.tr("Landmark"), self.landmark)
        where.addRow(self.tr("Kabupaten/kota"), self.kabupaten)
        where.addRow(self.tr("Time of event"), self.occurred)
        where.addRow(
            self.tr("Refer to"), self.agencies
        )  # suggested by category and place (Tab: the last field)
        who = QFormLayout()
        who.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        who.addRow(self.tr("Caller name"), self.caller_name)
        who.addRow(self.tr("Caller number"), self.caller_number)
        who.addRow(self.tr("Call back on"), self.callback)
        who.addRow(self.tr("Relation"), self.relation)
        who.addRow(self.tr("Source"), self.source)
        who.addRow(self.tr("Narrative"), self.narrative)
        who.addRow(self.tr("Victims"), self.victims)
        self.columns = (where, who)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.setSpacing(14)
        self.body.addLayout(where, 1)
        self.body.addLayout(who, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.refer_btn)
        buttons.addWidget(self.save_btn)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.body)
        layout.addWidget(self.dup_box)
        layout.addWidget(self.errors)
        layout.addLayout(buttons)
        layout.addStretch(0)
        self._main = layout

        for w in (
            self.address,
            self.landmark,
            self.caller_name,
            self.caller_number,
            self.callback,
            self.occurred,
        ):
            w.textEdited.connect(self._touched)
        self.units.edited.connect(self._touched)
        self.kabupaten.edited.connect(self._touched)
        self.narrative.textChanged.connect(self._touched)
        self.victims.changed.connect(self._touched)
        self.relation.currentIndexChanged.connect(self._touched)
        self.source.currentIndexChanged.connect(self._touched)
        self.category.currentIndexChanged.connect(self._category_changed)
        self.priority.currentIndexChanged.connect(self._touched)
        self.place.chosen.connect(self._place_chosen)
        self.save_btn.clicked.connect(self.save)
        self.refer_btn.clicked.connect(self.refer)
        self.attach_btn.clicked.connect(self.attach_to_duplicate)
        self.new_btn.clicked.connect(lambda: self.save(force_new=True))

    # -- room: two columns when the form is wide enough -------------------------------------------------
    def column_widths(self) -> tuple[int, int]:
        """(one column, two columns): the least width the form needs laid out either way."""
        layout = self.layout()
        m = layout.contentsMargins() if layout is not None else QMargins()
        where, who = (c.minimumSize().width() for c in self.columns)
        edge = m.left() + m.right()
        return max(where, who) + edge, where + who + self.body.spacing() + edge

    def fit_to(self, available: int) -> None:
        """Lay the fields out in two columns when `available` pixels hold them, else in one."""
        _one, two = self.column_widths()
        wanted = QBoxLayout.Direction.LeftToRight if available >= two else QBoxLayout.Direction.TopToBottom
        if self.body.direction() != wanted:
            self.body.setDirection(wanted)
            # one column scrolls (a 1024x600 screen): the error line goes to the top, by the first fields
            self._main.removeWidget(self.errors)
            top = wanted == QBoxLayout.Direction.TopToBottom
            self._main.insertWidget(1 if top else self._main.indexOf(self.dup_box) + 1, self.errors)
            self.updateGeometry()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ParentChange:
            self._watch_viewport()
        return super().event(e)

    def _watch_viewport(self) -> None:
        """In a scroll area (the dock) the viewport's width decides the columns, and the scroll area is
        never narrower than one column: no horizontal scroll bar, no label cut."""
        parent = self.parentWidget()
        if parent is not None and parent is not self._viewport:
            parent.installEventFilter(self)
            self._viewport = parent
            area = parent.parentWidget()
            if isinstance(area, QScrollArea):
                one, _two = self.column_widths()
                bar = area.verticalScrollBar().sizeHint().width()
                area.setMinimumWidth(one + bar + 2 * area.frameWidth() + 2)
                area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def eventFilter(self, watched: QObject, e: QEvent) -> bool:
        if watched is self._viewport and e.type() == QEvent.Type.Resize:
            self.fit_to(watched.width())
        return super().eventFilter(watched, e)

    # -- state --------------------------------------------------------------------------------------
    def _touched(self, *_: Any) -> None:
        self.dirty = True
        if self._problems:
            self._recheck()
        self._step()

    def start(self, call_id: str | None, caller_number: str = "") -> None:
        """Open a fresh form for this call; the category takes the focus."""
        self.reset()
        self.call_id = call_id
        self.caller_number.setText(caller_number)
        self.source.set_code(str(ReportSource.PHONE_112))
        self.dirty = True
        self._set_active(True)
        self.category.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _set_active(self, on: bool) -> None:
        """An emergency is open in the form (or not): the window gives it room, the bar shows the step."""
        if self.active != on:
            self.active = on
            self.active_changed.emit(on)
        self._step()

    def next_step(self) -> str:
        """What is still missing before Ctrl+Enter, for the incoming-call bar ("" when no form is open)."""
        if not self.active:
            return ""
        if not self.category.currentData():
            return self.tr("Fill in category → place → Ctrl+Enter")
        if self.current_location().is_empty():
            return self.tr("Fill in place → Ctrl+Enter")
        return self.tr("Ctrl+Enter saves · Ctrl+R refers")

    def _step(self) -> None:
        text = self.next_step()
        if text != self._last_step:
            self._last_step = text
            self.step_changed.emit(text)

    def _fill_kabupaten(self) -> None:
        """The kabupaten list once the region is there (the pack may arrive after the form is built)."""
        if self._kabupaten_filled:
            return
        places = self.sv.kabupaten_places()
        if places is None:
            return
        home, others = places
        self.kabupaten.set_places(home, others)
        self._kabupaten_filled = True

    def reset(self) -> None:
        self.call_id = None
        self.location = Location()
        self.draft_id = new_id()
        self._fill_kabupaten()
        self.category.setCurrentIndex(0)
        self.priority.setCurrentIndex(1)
        self.place.edit.clear()
        for w in (
            self.address,
            self.landmark,
            self.caller_name,
            self.caller_number,
            self.callback,
            self.occurred,
        ):
            w.clear()
        self.units.clear()
        self.kabupaten.reset()
        self.relation.set_code(None)
        self.source.set_code(str(ReportSource.PHONE_112))
        self.narrative.clear()
        self.victims.set_values({})
        self.agencies.clear()
        self._problems = {}
        self.errors.clear()
        self.info.clear()
        self.dup_box.hide()
        self._pending_duplicates = []
        self._show_location()
        self.dirty = False

    def _category_changed(self, _i: int) -> None:
        self._touched()
        self._suggest_agencies()

    def _suggest_agencies(self) -> None:
        checked = self.checked_agencies()
        self.agencies.clear()
        cat = self.category.currentData()
        if not cat:
            return
        for a in self.sv.agencies.suggest(cat, self.location.kecamatan_code):
            item = QListWidgetItem(a["name"])
            item.setData(Qt.ItemDataRole.UserRole, a["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if a["id"] in checked else Qt.CheckState.Unchecked)
            self.agencies.addItem(item)

    def checked_agencies(self) -> list[str]:
        out = []
        for i in range(self.agencies.count()):
            item = self.agencies.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    # -- location -----------------------------------------------------------------------------------
    def _place_chosen(self, choice: PlaceChoice) -> None:
        desa_code = desa_name = None
        kec_code, kec_name = choice.kecamatan_code, choice.kecamatan_name
        if choice.level in ("desa", "kelurahan"):
            desa_code, desa_name = choice.code, choice.name
        elif choice.level == "kecamatan":
            kec_code, kec_name = choice.code, choice.name
        elif choice.level in ("kabupaten", "kota", "kabupaten_kota"):
            self._fill_kabupaten()
            outside = choice.code is not None and choice.code != self.kabupaten.home_code
            self.kabupaten.set_value(choice.code, choice.name, outside)
        elif choice.lat is not None and choice.lon is not None and self.sv.locate is not None:
            place = self.sv.locate(choice.lat, choice.lon)
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
        if desa_code or choice.level == "kecamatan":
            self.kabupaten.reset()  # a place of the region's own gazetteer
        elif choice.lat is not None and choice.lon is not None and choice.level in ("poi", "landmark"):
            self._mark_jurisdiction(choice.lat, choice.lon, desa_code)
        self._touched()
        self._show_location()
        self._suggest_agencies()

    def set_point(self, lat: float, lon: float, source: str = "map", accuracy_m: float | None = None) -> bool:
        """A map click or a device location; asks before replacing a confirmed location."""
        if self.location.confirmed and self.location.has_point() and not self.confirm_overwrite():
            return False
        place = self.sv.locate(lat, lon) if self.sv.locate is not None else None
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
        self._mark_jurisdiction(lat, lon, desa_code)
        self._touched()
        self._show_location()
        self._suggest_agencies()
        return True

    def _mark_jurisdiction(self, lat: float, lon: float, desa_code: str | None) -> None:
        """A point outside the region is marked so, with the neighbour whose 112 takes it when known."""
        self._fill_kabupaten()
        where = self.sv.jurisdiction(lat, lon, desa_code)
        if where is None:
            return
        if where.outside:
            self.kabupaten.set_value(where.kabupaten_code, where.kabupaten_name, True)
        else:
            self.kabupaten.reset()

    def _ask_overwrite(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Replace location?"),
            self.tr("The location was already confirmed. Replace it with the new point?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show_location(self) -> None:
        loc = self.location
        if loc.is_empty():
            self.resolved.setText(self.tr("No location yet"))
            return
        parts = []
        if loc.desa_name:
            if is_kelurahan(loc.desa_code):  # a kelurahan is never shown as "Desa"
                parts.append(self.tr("Kel. {name}").format(name=loc.desa_name))
            else:
                parts.append(self.tr("Desa {name}").format(name=loc.desa_name))
        if loc.kecamatan_name:
            parts.append(self.tr("Kec. {name}").format(name=loc.kecamatan_name))
        if loc.has_point():
            parts.append(f"{loc.lat:.5f}, {loc.lon:.5f}")
            self.location_changed.emit(loc.lat, loc.lon)
        self.resolved.setText(" · ".join(parts) or self.tr("Location set"))

    def current_location(self) -> Location:
        loc = self.location
        code, name, outside = self.kabupaten.value()
        return Location(
            **{
                **loc.to_dict(),
                "address": self.address.text().strip(),
                "landmark": self.landmark.text().strip() or loc.landmark,
                "gang": self.units.gang.text().strip(),
                "rt": clean_rt_rw(self.units.rt.text()) or self.units.rt.text().strip(),
                "rw": clean_rt_rw(self.units.rw.text()) or self.units.rw.text().strip(),
                "kabupaten_code": code,
                "kabupaten_name": name,
                "outside_region": outside,
            }
        )

    # -- saving ---------------------------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        return {
            "category": self.category.currentData(),
            "priority": self.priority.currentData(),
            "location": self.current_location(),
            "caller_name": self.caller_name.text().strip(),
            "caller_number": self.caller_number.text().strip(),
            "narrative": self.narrative.toPlainText().strip(),
            **self.victims.values(),
            "callback_number": self.callback.text().strip(),
            "caller_relation": self.relation.code(),
            "report_source": self.source.code(),
        }

    def _occurred(self) -> tuple[int | None, bool]:
        """(the event's time, whether what is typed is a time)."""
        try:
            return self.occurred.ms(), True
        except ValueError:
            return None, False

    def check(self) -> dict[str, str]:
        """Every problem of the fields as they are now ({field: code}; empty when it can be saved)."""
        from ..domain.rules import validate_incident

        data = self.fields()
        at, ok = self._occurred()
        data["occurred_at"] = at
        problems: dict[str, str] = {}
        try:
            validate_incident(data)
        except ValidationError as exc:
            problems.update(exc.problems)
        if not ok:
            problems["occurred_at"] = "invalid_value"
        elif at is not None and at > self.sv.now_ms() + 10 * 60_000:
            problems["occurred_at"] = "out_of_range"
        return problems

    def save(self, force_new: bool = False) -> None:
        """Ctrl+Enter. Checks the fields here, then looks for duplicates and saves on the task runner;
        `saved(incident_id)` is emitted when it is stored. The form is read-only while it saves, so
        nothing typed in those milliseconds is lost by the reset."""
        if self._saving:
            return
        problems = self.check()
        if problems:
            self._show_errors(ValidationError(problems), focus=True)
            return
        self._problems = {}
        self.errors.clear()
        data = self.fields()
        data["occurred_at"] = self._occurred()[0]
        call_id, agencies = self.call_id, self.checked_agencies()
        sv = self.sv

        def work() -> tuple[str, Any, str]:
            if not force_new:
                dups = sv.incidents.duplicates(data["category"], data["location"])
                if dups:
                    return "duplicates", dups, ""
            incident_id = sv.incidents.create(data, call_id=call_id)
            for agency_id in agencies:
                sv.referrals.refer(incident_id, agency_id)
            return "saved", incident_id, str(sv.incidents.get(incident_id)["number"])

        self._begin_saving()
        self.runner.run(work, self._saved, self._save_failed, initiator=self)

    def _begin_saving(self) -> None:
        self._saving = True
        self._focus_before = self.focusWidget()
        self.setEnabled(False)

    def _end_saving(self) -> None:
        self._saving = False
        self.setEnabled(True)
        if self._focus_before is not None:
            self._focus_before.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus_before = None

    def _saved(self, result: tuple[str, Any, str]) -> None:
        self._end_saving()
        kind, value, number = result
        if kind == "duplicates":
            self._offer_duplicate(value)
            return
        self._safe_discard()
        self.reset()
        self._set_active(False)
        self.info.setText(self.tr("Saved {number}").format(number=number))
        self.saved.emit(value)
        self.saved_number.emit(number)

    def _save_failed(self, exc: BaseException) -> None:
        """Nothing typed is lost: the fields stay, the reason is shown (SQLite's own text: the log)."""
        self._end_saving()
        if isinstance(exc, ValidationError):
            self._show_errors(exc)
        elif isinstance(exc, DomainError):
            self.errors.setText(error_label(exc.code))
        elif isinstance(exc, DeskError):  # full disk, read-only folder
            log.error("incident not saved: %s (%s)", exc.code, exc)
            self.errors.setText(
                self.tr(
                    "Not saved: {reason}. Everything typed stays here; fix it and press Ctrl+Enter again."
                ).format(reason=error_label(exc.code))
            )
        else:
            log.error("incident not saved", exc_info=exc)
            self.errors.setText(
                self.tr(
                    "Not saved: {reason}. Everything typed stays here; fix it and press Ctrl+Enter again."
                ).format(reason=error_label(None))
            )

    def _field_names(self) -> dict[str, str]:
        return {
            "category": self.tr("Category"),
            "priority": self.tr("Priority"),
            "location": self.tr("Place"),
            "casualties": self.tr("Victims"),
            "narrative": self.tr("Narrative"),
            "callback_number": self.tr("Call back on"),
            "occurred_at": self.tr("Time of event"),
            "caller_relation": self.tr("Relation"),
            "report_source": self.tr("Source"),
            "rt": self.tr("RT"),
            "rw": self.tr("RW"),
            **{col: labels.victim_condition(cond) for cond, col in VICTIM_COLUMNS.items()},
        }

    def _field_widgets(self) -> dict[str, QWidget]:
        return {
            "category": self.category,
            "priority": self.priority,
            "location": self.place.edit,
            "narrative": self.narrative,
            "callback_number": self.callback,
            "occurred_at": self.occurred,
            "caller_relation": self.relation,
            "report_source": self.source,
            "rt": self.units.rt,
            "rw": self.units.rw,
            "casualties": self.victims.first(),
            **dict(self.victims.boxes),
        }

    def _show_errors(self, exc: ValidationError, focus: bool = True) -> None:
        """The problems on the error line (right above the Save button), the first wrong field focused
        (in the form's order); each goes as soon as its field is fixed (`_recheck`)."""
        widgets = self._field_widgets()
        order = list(widgets)
        self._problems = dict(
            sorted(exc.problems.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
        )
        self._render_errors()
        if focus and self._problems:
            target = widgets.get(next(iter(self._problems)))
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                self._reveal(target)

    def _render_errors(self) -> None:
        names = self._field_names()
        self.errors.setText(
            "; ".join(f"{names.get(f, f)}: {error_label(c)}" for f, c in self._problems.items())
        )

    def _recheck(self) -> None:
        """A field changed while errors show: the fixed ones go (new ones wait for the next Ctrl+Enter)."""
        now = self.check()
        kept = {f: c for f, c in self._problems.items() if f in now}
        if kept != self._problems:
            self._problems = {f: now[f] for f in kept}
            self._render_errors()

    def _reveal(self, widget: QWidget) -> None:
        """In a scrolled dock, scroll the focused field and the error line into view."""
        area = self._viewport.parentWidget() if self._viewport is not None else None
        if isinstance(area, QScrollArea):
            area.ensureWidgetVisible(widget)
            area.ensureWidgetVisible(self.errors)

    def _offer_duplicate(self, dups: list[OpenIncident]) -> None:
        self._pending_duplicates = dups
        d = dups[0]
        self.duplicate.setText(
            self.tr(
                "Possible duplicate: {number} ({category}, {status}) is open nearby. "
                "Attach this call to it (Alt+A) or save as new (Alt+N)?"
            ).format(number=d.number, category=labels.category(d.category), status=labels.status(d.status))
        )
        self.dup_box.show()
        self.attach_btn.setFocus(Qt.FocusReason.OtherFocusReason)

    def attach_to_duplicate(self) -> None:
        """Alt+A: the call (and what was typed, as a note) joins the open incident, on the runner."""
        if not self._pending_duplicates or self._saving:
            return
        target = self._pending_duplicates[0]
        call_id, text, sv = self.call_id, self.narrative.toPlainText().strip(), self.sv

        def work() -> str:
            if call_id:
                sv.incidents.attach_call(call_id, target.id)
            if text:
                sv.incidents.add_note(target.id, text)
            return target.id

        def attached(incident_id: str) -> None:
            self._end_saving()
            self._safe_discard()
            self.reset()
            self._set_active(False)
            self.info.setText(self.tr("Call attached to {number}").format(number=target.number))
            self.saved.emit(incident_id)
            self.saved_number.emit(str(target.number))

        self._begin_saving()
        self.runner.run(work, attached, self._save_failed, initiator=self)

    def refer(self) -> None:
        """Ctrl+R: tick the first suggested agency (the form refers on save)."""
        if self.agencies.count() == 0:
            self._suggest_agencies()
        if self.agencies.count() == 0:
            self.errors.setText(
                self.tr("Choose a category first: agencies are suggested by category and place")
            )
            return
        if not self.checked_agencies():
            self.agencies.item(0).setCheckState(Qt.CheckState.Checked)
        self.info.setText(
            self.tr("Will refer to: {names}").format(
                names=", ".join(
                    self.agencies.item(i).text()
                    for i in range(self.agencies.count())
                    if self.agencies.item(i).checkState() == Qt.CheckState.Checked
                )
            )
        )
        self._touched()

    # -- drafts ---------------------------------------------------------------------------------------
    def payload(self) -> dict[str, Any]:
        data = self.fields()
        data["location"] = data["location"].to_dict()
        data["call_id"] = self.call_id
        data["agencies"] = self.checked_agencies()
        data["place_text"] = self.place.edit.text()
        data["occurred_text"] = self.occurred.text()
        return data

    def stop(self) -> None:
        """Shutdown: no more draft saves (call save_draft() first to keep what is typed), no place search."""
        self._draft_timer.stop()
        self.place.stop()

    def save_draft(self) -> None:
        """Keep what is typed now, and wait for it (shutdown, tests). The 2-second timer does not wait."""
        if not self.dirty:
            return
        try:
            self.sv.drafts.save(self.draft_id, DRAFT_KIND, self.payload(), ref_id=self.call_id)
        except DeskError as exc:  # the timer tries again in 2 s; the text stays in the form meanwhile
            self._draft_failed(exc)
            return
        self.dirty = False

    def _save_draft_behind(self) -> None:
        """The timer: the draft is written on the task runner; a failure marks it dirty again."""
        if not self.dirty or self._saving:
            return
        draft_id, payload, call_id, drafts = self.draft_id, self.payload(), self.call_id, self.sv.drafts
        self.dirty = False
        self.runner.run(
            lambda: drafts.save(draft_id, DRAFT_KIND, payload, ref_id=call_id),
            None,
            self._draft_failed,
            initiator=self,
            key="draft",
        )

    def _draft_failed(self, exc: BaseException) -> None:
        self.dirty = True
        code = exc.code if isinstance(exc, DeskError) else None
        log.error("draft not saved: %s (%s)", code, exc)
        self.info.setText(self.tr("Draft not saved: {reason}").format(reason=error_label(code)))

    def _safe_discard(self) -> None:
        """The incident is saved: its draft goes (behind; a stale draft is harmless, never lost)."""
        draft_id, drafts = self.draft_id, self.sv.drafts
        self.runner.run(
            lambda: drafts.discard(draft_id),
            None,
            lambda exc: log.error("draft not discarded: %s", exc),
            initiator=self,
        )

    def restore_draft(self) -> bool:
        draft = self.sv.drafts.latest(DRAFT_KIND)
        if draft is None:
            return False
        p = draft["payload"]
        self.reset()
        self.draft_id = draft["id"]
        self.call_id = p.get("call_id")
        idx = self.category.findData(p.get("category"))
        self.category.setCurrentIndex(max(0, idx))
        self.priority.setCurrentIndex(max(0, self.priority.findData(p.get("priority"))))
        self.location = Location.from_dict(p.get("location"))
        self.place.edit.setText(p.get("place_text") or "")
        self.address.setText(p.get("address") or self.location.address)
        self.landmark.setText(self.location.landmark)
        self.caller_name.setText(p.get("caller_name") or "")
        self.caller_number.setText(p.get("caller_number") or "")
        self.narrative.setPlainText(p.get("narrative") or "")
        self.units.set_values(self.location.gang, self.location.rt, self.location.rw)
        self.kabupaten.set_value(
            self.location.kabupaten_code, self.location.kabupaten_name, self.location.outside_region
        )
        self.occurred.setText(p.get("occurred_text") or "")
        self.callback.setText(p.get("callback_number") or "")
        self.relation.set_code(p.get("caller_relation"))
        self.source.set_code(p.get("report_source") or str(ReportSource.PHONE_112))
        if any(col in p for col in VICTIM_COLUMNS.values()):
            self.victims.set_values(p)
        elif isinstance(p.get("casualties"), int) and p["casualties"] > 0:  # a draft of an older desk
            self.victims.set_values({"victims_unknown": p["casualties"]})
        self._show_location()
        self._suggest_agencies()
        for i in range(self.agencies.count()):
            item = self.agencies.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in (p.get("agencies") or []):
                item.setCheckState(Qt.CheckState.Checked)
        self.info.setText(self.tr("Draft restored"))
        self.dirty = False
        self._set_active(True)
        return True


class FormRoom(QObject):
    """While an emergency is open in the form, the window gives it room (issue 16): the form's dock takes
    the width two columns need (at 1366x768 every field, the error line and Save show without scrolling),
    the call log and the other docks (referrals, handover, statistics, incident list) step aside, the caller's history
    waits (its flags stay in the incoming bar), the map keeps what is left. When the form is saved (or attached) the
    window's layout is put back as it was. `normal_state()` is that layout, for saving the window's
    layout while an emergency is open."""

    # Every other dock steps aside (hidden, never re-tabified: Qt leaves stale tab bars behind a regrouping;
    # the caller's flags stay in the incoming bar meanwhile).
    KEEP = frozenset({"incidentDock", "mapDock"})
    EDGE = 28  # the scroll area's vertical bar and frame, the dock's margins

    def __init__(
        self,
        window: Any,  # the QMainWindow (typed loosely: main_window imports this module)
        form: IncidentForm,
        docks: dict[str, Any],
        step_aside: list[QWidget],
        version: int,
    ) -> None:
        super().__init__(window)
        self.window, self.form, self.docks, self.step_aside, self.version = (
            window,
            form,
            docks,
            step_aside,
            version,
        )
        self._state: Any = None
        form.active_changed.connect(self._active)
        window.installEventFilter(self)
        central, bar = window.centralWidget(), getattr(window, "incoming", None)
        if central is not None and central.layout() is not None and bar is not None:
            central.layout().setAlignment(bar, Qt.AlignmentFlag.AlignTop)  # alone in its column: at the top

    @property
    def open(self) -> bool:
        return self._state is not None

    def normal_state(self) -> Any:
        """The window's layout from before the emergency (None when no emergency is open)."""
        return self._state

    def _active(self, on: bool) -> None:
        if on:
            self.enter()
        else:
            self.leave()

    def enter(self) -> None:
        if self._state is not None or "incidentDock" not in self.docks:
            return
        self._state = self.window.saveState(self.version)
        for part in self.step_aside:
            part.hide()
        for name, dock in self.docks.items():
            if name not in self.KEEP:
                dock.hide()
        form_dock = self.docks["incidentDock"]
        form_dock.show()
        form_dock.raise_()
        self.arrange()
        self._hide_orphan_tab_bars()

    def _hide_orphan_tab_bars(self) -> None:
        """Qt leaves the tab bar of a tabified dock group on screen when every dock of it is hidden (drawn
        over the map at 1366x768): hide the window's own dock tab bars whose docks are all hidden."""
        from PySide6.QtWidgets import QDockWidget, QTabBar

        visible = {d.windowTitle() for d in self.window.findChildren(QDockWidget) if d.isVisible()}
        for bar in self.window.findChildren(QTabBar):
            if bar.parent() is not self.window or bar.isHidden():
                continue
            if not any(bar.tabText(i) in visible for i in range(bar.count())):
                bar.hide()

    def arrange(self) -> None:
        """The form's dock as wide as two columns need (or all there is), the map the rest."""
        if self._state is None:
            return
        width = self.window.width()
        _one, two = self.form.column_widths()
        central = self.window.centralWidget()
        central_min = central.minimumSizeHint().width() if central is not None else 0
        map_dock = self.docks.get("mapDock")
        map_min = 220 if map_dock is not None and map_dock.isVisible() else 0
        form_w = min(width - central_min - map_min - 16, max(two + self.EDGE, int(width * 0.5)))
        docks, sizes = [self.docks["incidentDock"]], [form_w]
        if map_min:
            docks.append(map_dock)
            sizes.append(max(map_min, width - form_w - central_min - 16))
        self.window.resizeDocks(docks, sizes, Qt.Orientation.Horizontal)
        self._hide_orphan_tab_bars()

    def leave(self) -> None:
        if self._state is None:
            return
        state, self._state = self._state, None
        for part in self.step_aside:
            part.show()
        self.window.restoreState(state, self.version)

    def eventFilter(self, watched: QObject, e: QEvent) -> bool:
        if (
            watched is self.window
            and e.type() in (QEvent.Type.Resize, QEvent.Type.Show)
            and self._state is not None
        ):
            self.arrange()
        return super().eventFilter(watched, e)
