"""The call log dock: filters (outcome, category, date), Ctrl+F search, the table `callLog`."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.enums import CallOutcome, IncidentCategory
from ..domain.timeutil import WITA
from ..services.call_log import CallLogQuery
from . import labels
from .call_log_model import CallFilter, CallLogModel

SEARCH_DEBOUNCE_MS = 150


class CallLogPanel(QWidget):
    """Filter bar over the table. Emits `call_selected(call_id)` when the operator picks a row.

    The selected call stays selected (without a new `call_selected`) when the model reloads, e.g.
    after a big sync batch.
    """

    call_selected = Signal(str)
    call_activated = Signal(str)  # double-click / Enter: open the call (its recording)

    def __init__(self, query: CallLogQuery, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CallLogModel(query, self)
        self.zone = WITA  # the region's zone once it is installed (set_zone): days are the region's days
        self._kept: str | None = None  # the call selected before a reload
        self._restoring = False
        self.search = QLineEdit(self)
        self.search.setObjectName("callSearch")
        self.search.setPlaceholderText(self.tr("Search number, name or text (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(170)
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("outcomeFilter")
        self.outcome.addItem(self.tr("All outcomes"), None)
        for o in CallOutcome:
            self.outcome.addItem(labels.outcome(o), str(o))
        self.category = QComboBox(self)
        self.category.setObjectName("categoryFilter")
        self.category.addItem(self.tr("All categories"), None)
        for c in IncidentCategory:
            self.category.addItem(labels.category(c), str(c))
        for combo in (self.outcome, self.category):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.use_dates = QCheckBox(self.tr("Dates"), self)
        today = self._today()  # the region's day, not the PC's (a PC on UTC is a day behind until 08:00 WITA)
        self.date_from = QDateEdit(today.addDays(-7), self)
        self.date_to = QDateEdit(today, self)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd-MM-yyyy")
            d.setEnabled(False)

        self.table = QTableView(self)
        self.table.setObjectName("callLog")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sizing to contents reads every row
        for col, width in enumerate(self._column_widths()):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.outcome, 1)
        bar.addWidget(self.category, 1)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.date_from)
        bar.addWidget(self.date_to)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.apply_filter)
        self.outcome.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.category.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.use_dates.toggled.connect(self._dates_toggled)
        self.date_from.dateChanged.connect(lambda _d: self.apply_filter())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filter())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(self._activated)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)

    def _column_widths(self) -> list[int]:
        """Each column as wide as its longest text in this language and font (no "Permintaan …"):
        measured on a few sample texts, never on the rows (a million calls)."""
        fm = self.table.fontMetrics()
        pad = 14
        states = [labels.outcome(o) for o in CallOutcome]
        states += [labels.call_state(None, False, False), labels.call_state(None, True, False)]
        samples = (
            ["00-00 00:00:00"],
            ["0812-3456-78901"],  # numbers show in the local form
            states,
            ["BJRMM-D7F3A-20261128-0042"],  # a prefix of up to 5 letters (DEMO, BJR) stays whole
            ["Operator"],
            ["00:00"],
        )
        titles = [self.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(samples))]
        return [
            max(fm.horizontalAdvance(t) for t in [*texts, str(title)]) + pad
            for texts, title in zip(samples, titles, strict=True)
        ]

    def stop(self) -> None:
        """Shutdown: a search waiting for more letters is dropped."""
        self._debounce.stop()

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.apply_filter()

    def _today(self) -> QDate:
        now = datetime.now(self.zone)
        return QDate(now.year, now.month, now.day)

    def set_zone(self, zone: ZoneInfo) -> None:
        """The region arrived: its days bound the date filter; the offered range moves to its today
        unless the operator already chose dates."""
        self.zone = zone
        if not self.use_dates.isChecked():
            today = self._today()
            self.date_to.setDate(today)
            self.date_from.setDate(today.addDays(-7))

    def _day_ms(self, d: QDate) -> int:
        """Midnight of a day of the region, as UTC epoch ms (days are the region's days)."""
        return int(datetime(d.year(), d.month(), d.day(), tzinfo=self.zone).timestamp() * 1000)

    def current_filter(self) -> CallFilter:
        flt = CallFilter(
            outcome=self.outcome.currentData(), category=self.category.currentData(), text=self.search.text()
        )
        if self.use_dates.isChecked():
            flt.from_ms = self._day_ms(self.date_from.date())
            flt.to_ms = self._day_ms(self.date_to.date()) + int(timedelta(days=1).total_seconds() * 1000)
        return flt

    def apply_filter(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _activated(self, index) -> None:  # type: ignore[no-untyped-def]
        call_id = self.model.call_id(index.row())
        if call_id:
            self.call_activated.emit(call_id)

    def _row_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        call_id = self.model.call_id(current.row())
        if call_id and not self._restoring:
            self.call_selected.emit(call_id)

    def _remember_selection(self) -> None:
        self._kept = self.model.call_id(self.table.currentIndex().row())

    def _restore_selection(self) -> None:
        kept, self._kept = self._kept, None
        row = None if kept is None else self.model.row_of(kept)
        if row is None:
            return
        self._restoring = True
        try:
            self.table.setCurrentIndex(self.model.index(row, 0))
        finally:
            self._restoring = False
