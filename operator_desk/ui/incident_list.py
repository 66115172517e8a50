"""The incident list (objectName `incidentList`, a dock): open incidents by priority, then age.

F3 focuses it, Enter opens the selected incident (`opened(id)`), selecting one emits `selected(id)`
(the map follows it). Filters and search re-query on the task runner (latest request wins); changes
from this and other desks arrive through the bridge (ui/compose.py `_subscribe`). A minute timer
repaints the ages and re-reads the overdue markers; `stop()` ends it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.enums import IncidentCategory, IncidentStatus
from ..domain.timeutil import WITA, local
from ..services.incident_list import ALL, CLOSED_7D, OPEN, IncidentListQuery, ListFilter, ListRow
from . import labels
from .tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
AGE_TICK_MS = 60_000
SEARCH_DELAY_MS = 150


def age_text(ms: int) -> str:
    minutes = ms // 60_000
    if minutes < 60:
        return f"{minutes} m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} j {minutes % 60:02d} m"
    return f"{hours // 24} h"


class IncidentListModel(QAbstractTableModel):
    """Rows as read (a plain list: at most LIST_LIMIT), columns as the list shows them."""

    COLUMNS = ("number", "category", "priority", "place", "age", "status", "updated", "overdue")

    def __init__(self, now_ms: Any, zone: Any = WITA, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ListRow] = []
        self.now_ms = now_ms
        self.zone = zone

    def set_rows(self, rows: list[ListRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def tick(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 4), self.index(len(self.rows) - 1, 4))

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = (
            self.tr("Number"),
            self.tr("Category"),
            self.tr("Priority"),
            self.tr("Place"),
            self.tr("Age"),
            self.tr("Status"),
            self.tr("Last update"),
            self.tr("Referral"),
        )
        return names[section]

    def place(self, r: ListRow) -> str:
        parts = []
        if r.desa_name:
            parts.append(r.desa_name)
        if r.kecamatan_name:
            parts.append(self.tr("Kec. {name}").format(name=r.kecamatan_name))
        if not parts and r.address:
            parts.append(r.address)
        return ", ".join(parts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        r = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "priority" and r.priority == "P1":
                return QColor("#b71c1c")
            if col == "overdue" and r.overdue:
                return QColor("#b71c1c")
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == "number":
            return r.number
        if col == "category":
            return labels.category(r.category)
        if col == "priority":
            return r.priority or ""
        if col == "place":
            return self.place(r)
        if col == "age":
            return age_text(r.age_ms(self.now_ms()))
        if col == "status":
            return labels.status(r.status)
        if col == "updated":
            if r.updated_at is None:
                return ""
            return f"{local(r.updated_at, self.zone):%d-%m %H:%M} {r.updated_by or ''}".strip()
        if col == "overdue":
            return self.tr("overdue") if r.overdue else ""
        return None

    def id_at(self, row: int) -> str | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None


class _Table(QTableView):
    """Enter opens the selected incident (plain Enter only: Ctrl+Enter stays the window's save)."""

    open_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.open_requested.emit()
            return
        super().keyPressEvent(event)


class IncidentList(QWidget):
    """The incident list with its filters and search. Emits `opened(id)` and `selected(id)`."""

    opened = Signal(str)
    selected = Signal(str)

    def __init__(self, query: IncidentListQuery, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentList")
        self.query = query
        self.runner = runner
        self.model = IncidentListModel(query.now_ms, query.zone, self)
        self.status = QComboBox(self)
        self.status.setObjectName("incidentListStatus")
        self.status.addItem(self.tr("Open"), OPEN)
        self.status.addItem(self.tr("Closed in the last 7 days"), CLOSED_7D)
        self.status.addItem(self.tr("All"), ALL)
        for s in IncidentStatus:
            self.status.addItem(labels.status(s), str(s))
        self.category = QComboBox(self)
        self.category.setObjectName("incidentListCategory")
        self.category.addItem(self.tr("All categories"), None)
        for c in IncidentCategory:
            self.category.addItem(labels.category(c), str(c))
        self.kecamatan = QComboBox(self)
        self.kecamatan.setObjectName("incidentListKecamatan")
        self.kecamatan.addItem(self.tr("All kecamatan"), None)
        self.mine = QCheckBox(self.tr("Mine"), self)
        self.mine.setObjectName("incidentListMine")
        self.today = QCheckBox(self.tr("Today"), self)
        self.today.setObjectName("incidentListToday")
        self.search = QLineEdit(self)
        self.search.setObjectName("incidentListSearch")
        self.search.setPlaceholderText(self.tr("Search: number, place, text"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setObjectName("incidentListCount")
        self.table = _Table(self)
        self.table.setObjectName("incidentListTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        filters = QHBoxLayout()
        for w in (self.status, self.category, self.kecamatan, self.mine, self.today):
            filters.addWidget(w)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(AGE_TICK_MS)
        self._age_timer.timeout.connect(self.refresh)
        self._age_timer.start()
        self._keep: str | None = None
        for combo in (self.status, self.category, self.kecamatan):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.mine.toggled.connect(lambda _c: self.refresh())
        self.today.toggled.connect(lambda _c: self.refresh())
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_enter)
        self.table.open_requested.connect(self.open_current)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.refresh()

    # -- reading ------------------------------------------------------------------------------------
    def current_filter(self) -> ListFilter:
        return ListFilter(
            status=self.status.currentData() or OPEN,
            category=self.category.currentData(),
            kecamatan_code=self.kecamatan.currentData(),
            mine=self.mine.isChecked(),
            today=self.today.isChecked(),
            text=self.search.text(),
        )

    def on_changes(self, changes: Any) -> None:
        """Incidents or referrals changed (this or another desk): those incidents are read again."""
        if changes.touches("incidents"):
            self.query.invalidate(changes.ids.get("incidents"))
        if changes.touches("referrals", "referral_events"):
            self.query.refresh_overdue()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the rows for the current filter on the runner (latest request wins)."""
        self._search_timer.stop()
        f, query = self.current_filter(), self.query

        def work() -> tuple[list[ListRow], list[tuple[str, str]]]:
            return query.rows(f), query.kecamatans()

        self.runner.run(work, self._show, key="incident-list")

    def _show(self, result: tuple[list[ListRow], list[tuple[str, str]]]) -> None:
        rows, kecs = result
        current = self.current_id() or self._keep
        self.model.set_rows(rows)
        self._fill_kecamatans(kecs)
        self.count.setText(self.tr("{n} incidents").format(n=len(rows)))
        if current is not None:
            self.select(current, emit=False)

    def _fill_kecamatans(self, kecs: list[tuple[str, str]]) -> None:
        have = [self.kecamatan.itemData(i) for i in range(1, self.kecamatan.count())]
        if have == [c for c, _n in kecs]:
            return
        chosen = self.kecamatan.currentData()
        self.kecamatan.blockSignals(True)
        while self.kecamatan.count() > 1:
            self.kecamatan.removeItem(1)
        for code, name in kecs:
            self.kecamatan.addItem(name, code)
        self.kecamatan.setCurrentIndex(max(0, self.kecamatan.findData(chosen)) if chosen else 0)
        self.kecamatan.blockSignals(False)

    # -- keys and selection ---------------------------------------------------------------------------
    def focus(self) -> None:
        """F3: the table takes the focus with a row selected."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def current_id(self) -> str | None:
        idx = self.table.selectionModel().currentIndex()
        return self.model.id_at(idx.row()) if idx.isValid() else None

    def select(self, incident_id: str, *, emit: bool = True) -> bool:
        for row, r in enumerate(self.model.rows):
            if r.id == incident_id:
                if not emit:
                    self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                if not emit:
                    self.table.selectionModel().blockSignals(False)
                self._keep = None
                return True
        self._keep = incident_id
        return False

    def open_current(self) -> None:
        incident_id = self.current_id()
        if incident_id is not None:
            self.opened.emit(incident_id)

    def _search_enter(self) -> None:
        self.refresh()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        incident_id = self.model.id_at(current.row())
        if incident_id is not None:
            self.selected.emit(incident_id)

    def stop(self) -> None:
        self._age_timer.stop()
        self._search_timer.stop()
