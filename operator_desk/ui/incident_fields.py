"""Field widgets of an incident that the form and the incident detail share (issue 16, form16).

Each is small and owns its own parsing: victims by condition (an empty count is "not known", 0 is
"none"), a code chosen from a list (relation, source), the event's time as typed, the address line's
gang / RT / RW, the kabupaten/kota with its "outside the region" hint, and the call-back number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from ..domain import phone
from ..domain.enums import VICTIM_COLUMNS, CallerRelation, ReportSource
from ..domain.location import MAX_RT_RW
from ..domain.timeutil import WITA
from ..services.incidents import format_event_time, parse_event_time
from . import labels

UNKNOWN_COUNT = -1  # the spin box's "?" below 0: not known yet


class CountBox(QSpinBox):
    """A count that may be unknown: "?" (None) until a number is typed; 0 is a count of its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(UNKNOWN_COUNT, 100_000)
        self.setSpecialValueText("?")
        self.setValue(UNKNOWN_COUNT)
        self.setAccelerated(True)

    def count(self) -> int | None:
        v = self.value()
        return None if v == UNKNOWN_COUNT else v

    def set_count(self, n: int | None) -> None:
        self.setValue(UNKNOWN_COUNT if n is None else int(n))


class VictimsField(QWidget):
    """Victims by condition: meninggal / luka berat / luka ringan / belum diketahui, each "?" until known."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("victims")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.boxes: dict[str, CountBox] = {}
        self.captions: dict[str, QLabel] = {}
        for i, (cond, col) in enumerate(VICTIM_COLUMNS.items()):
            box = CountBox(self)
            box.setObjectName(col)
            box.setToolTip(self.tr("? = not known yet; 0 = none"))
            caption = QLabel(labels.victim_condition(cond), self)
            caption.setBuddy(box)
            grid.addWidget(caption, i, 0)  # one condition a row: narrow enough for a 1024-wide screen
            grid.addWidget(box, i, 1)
            box.valueChanged.connect(lambda _v: self.changed.emit())
            self.boxes[col], self.captions[col] = box, caption
        grid.setColumnStretch(1, 1)

    def values(self) -> dict[str, int | None]:
        """{incident column: count or None}."""
        return {col: box.count() for col, box in self.boxes.items()}

    def set_values(self, values: Mapping[str, object]) -> None:
        for col, box in self.boxes.items():
            v = values.get(col)
            box.set_count(v if isinstance(v, int) and not isinstance(v, bool) else None)

    def first(self) -> CountBox:
        return next(iter(self.boxes.values()))


class CodeCombo(QComboBox):
    """One code out of a list, shown by its label; `blank` adds a first "not said" item (None)."""

    def __init__(
        self,
        codes: Iterable[str],
        name: Callable[[str], str],
        blank: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if blank is not None:
            self.addItem(blank, None)
        for code in codes:
            self.addItem(name(code), code)

    def code(self) -> str | None:
        data = self.currentData()
        return str(data) if data else None

    def set_code(self, code: str | None) -> None:
        self.setCurrentIndex(max(0, self.findData(code)))


def relation_combo(parent: QWidget | None = None) -> CodeCombo:
    combo = CodeCombo((str(c) for c in CallerRelation), labels.relation, blank=labels_blank(), parent=parent)
    combo.setObjectName("callerRelation")
    return combo


def source_combo(parent: QWidget | None = None) -> CodeCombo:
    combo = CodeCombo((str(c) for c in ReportSource), labels.report_source, parent=parent)
    combo.setObjectName("reportSource")
    return combo


def labels_blank() -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("IncidentFields", "— not said —")


class EventTimeField(QLineEdit):
    """When it happened, as typed ("14:30", "04-12 14:30"); empty: not known, the report's time stands."""

    def __init__(
        self, now_ms: Callable[[], int], zone: ZoneInfo = WITA, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("occurredAt")
        self.now_ms = now_ms
        self.zone = zone
        self.setPlaceholderText(self.tr("hh:mm (empty: not known)"))
        self.setMaxLength(24)

    def ms(self) -> int | None:
        """The time typed (epoch ms) or None when empty; ValueError when it is not a time."""
        return parse_event_time(self.text(), self.now_ms(), self.zone)

    def set_ms(self, ms: int | None) -> None:
        self.setText(format_event_time(ms, self.now_ms(), self.zone))


class AddressUnitsField(QWidget):
    """The address line's gang, RT and RW (how callers give it: "Gg. Mawar RT 03 RW 01")."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.gang = QLineEdit(self)
        self.gang.setObjectName("gang")
        self.gang.setPlaceholderText(self.tr("Gang"))
        self.rt = QLineEdit(self)
        self.rt.setObjectName("rt")
        self.rw = QLineEdit(self)
        self.rw.setObjectName("rw")
        self.rt_label = QLabel(self.tr("RT"), self)
        self.rw_label = QLabel(self.tr("RW"), self)
        for edit, label in ((self.rt, self.rt_label), (self.rw, self.rw_label)):
            edit.setMaxLength(MAX_RT_RW)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0000") + 14)
            label.setBuddy(edit)
        row.addWidget(self.gang, 1)
        row.addWidget(self.rt_label)
        row.addWidget(self.rt)
        row.addWidget(self.rw_label)
        row.addWidget(self.rw)
        for edit in (self.gang, self.rt, self.rw):
            edit.textEdited.connect(lambda _t: self.edited.emit())

    def clear(self) -> None:
        for edit in (self.gang, self.rt, self.rw):
            edit.clear()

    def set_values(self, gang: str, rt: str, rw: str) -> None:
        self.gang.setText(gang)
        self.rt.setText(rt)
        self.rw.setText(rw)


class KabupatenField(QWidget):
    """The kabupaten/kota: the region's own by default, a neighbour chosen or typed, or found from the
    point; outside the region a hint says to pass the call on ("teruskan ke 112 …")."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home_code: str | None = None
        self.home_name: str | None = None
        self._forced_outside = False  # a point outside the region whose kabupaten the pack does not know
        self.combo = QComboBox(self)
        self.combo.setObjectName("kabupaten")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.hint = QLabel(self)
        self.hint.setObjectName("outsideRegion")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.hint.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hint.hide()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.combo, 0, 0)
        layout.addWidget(self.hint, 1, 0)
        self.combo.currentIndexChanged.connect(lambda _i: self._changed())
        edit = self.combo.lineEdit()
        if edit is not None:
            edit.textEdited.connect(lambda _t: self._changed())

    def set_places(self, home: tuple[str, str] | None, others: Iterable[tuple[str, str]]) -> None:
        """The region's kabupaten first, then the neighbours the pack knows."""
        self.combo.blockSignals(True)
        self.combo.clear()
        self.home_code, self.home_name = home if home else (None, None)
        if home:
            self.combo.addItem(home[1], home[0])
        for code, name in others:
            self.combo.addItem(name, code)
        self.combo.setCurrentIndex(0 if home else -1)
        self.combo.blockSignals(False)
        self._show_hint()

    def reset(self) -> None:
        self._forced_outside = False
        self.combo.blockSignals(True)
        if self.home_name:
            self.combo.setCurrentIndex(0)
            self.combo.setEditText(self.home_name)
        else:
            self.combo.setEditText("")
        self.combo.blockSignals(False)
        self._show_hint()

    def value(self) -> tuple[str | None, str | None, bool]:
        """(code, name, outside the region). A typed name that is not in the list has no code; without a
        region nothing is outside."""
        name = " ".join(self.combo.currentText().split())
        if not name:
            return None, None, self._forced_outside
        idx = self.combo.findText(name, Qt.MatchFlag.MatchFixedString)
        code = self.combo.itemData(idx) if idx >= 0 else None
        if self.home_name is None:
            return code, name, False
        return code, name, name.casefold() != self.home_name.casefold()

    def set_value(self, code: str | None, name: str | None, outside: bool) -> None:
        """Show a kabupaten found from the point or restored; outside without a name says so."""
        self.combo.blockSignals(True)
        idx = self.combo.findData(code) if code else -1
        if idx >= 0:
            self.combo.setCurrentIndex(idx)
        elif name:
            self.combo.setEditText(name)
        elif outside:
            self.combo.setEditText("")
        elif self.home_name:
            self.combo.setCurrentIndex(0)
        self.combo.blockSignals(False)
        self._forced_outside = outside and not name
        self._show_hint()

    def outside(self) -> bool:
        return self.value()[2]

    def _changed(self) -> None:
        self._forced_outside = False
        self._show_hint()
        self.edited.emit()

    def _show_hint(self) -> None:
        _code, name, outside = self.value()
        if outside:
            where = name or self.tr("the kabupaten/kota of the place")
            self.hint.setText(self.tr("Outside the region — pass it on to 112 {name}").format(name=where))
            self.hint.show()
        else:
            self.hint.hide()


class CallbackField(QLineEdit):
    """The number to call back when it is not the caller ID (a borrowed phone); shown in E.164 once left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callbackNumber")
        self.setPlaceholderText(self.tr("if not the caller ID"))
        self.setMaxLength(32)
        self.editingFinished.connect(self._tidy)

    def _tidy(self) -> None:
        norm = phone.normalise(self.text())
        if norm and norm.startswith("+"):
            self.setText(norm)
