"""The supervisor's view of sync conflicts: both values side by side, keep the newer or take the older."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..domain.timeutil import local
from ..services.conflicts import KEEP_NEWER, TAKE_OLDER, ConflictService
from .errors import error_label


def _text(value: Any) -> str:
    if isinstance(value, dict):  # a location: say it in words
        parts = [value.get("address"), value.get("desa_name"), value.get("kecamatan_name")]
        words = ", ".join(p for p in parts if p)
        if value.get("lat") is not None:
            words += f" ({value['lat']:.5f}, {value['lon']:.5f})"
        return words or "—"
    return "—" if value is None else str(value)


class ConflictsDialog(QDialog):
    """Open conflicts; resolving one writes an edit that syncs to every desk."""

    def __init__(self, conflicts: ConflictService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle(self.tr("Sync conflicts"))
        self.service = conflicts
        self.rows: list[dict[str, Any]] = []
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("conflictsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Record"), self.tr("Field"), self.tr("Older value"), self.tr("Newer value (shown)"),
             self.tr("Detected")]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.keep = QPushButton(self.tr("Keep the newer value"), self)
        self.take = QPushButton(self.tr("Take the older value"), self)
        self.message = QLabel(self)
        self.message.setObjectName("conflictsMessage")
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.keep)
        buttons.addWidget(self.take)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.keep.clicked.connect(lambda: self.resolve(KEEP_NEWER))
        self.take.clicked.connect(lambda: self.resolve(TAKE_OLDER))
        self.resize(820, 360)
        self.refresh()

    def refresh(self) -> None:
        self.rows = self.service.open()
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            for j, text in enumerate(
                (r["label"], r["col"], _text(r["older"]), _text(r["newer"]), f"{local(r['detected_at']):%d-%m %H:%M}")
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                self.table.setItem(i, j, item)
        if self.rows:
            self.table.selectRow(0)
        else:
            self.message.setText(self.tr("No open conflicts"))

    def resolve(self, choice: str) -> bool:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            self.message.setText(self.tr("Select a conflict first"))
            return False
        try:
            self.service.resolve(self.rows[row]["id"], choice)
        except DomainError as exc:
            self.message.setText(error_label(exc.code))
            return False
        self.refresh()
        self.message.setText(self.tr("Resolved"))
        return True
