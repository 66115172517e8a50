"""Desk → Sync problems…: the changes from the hub that this desk set aside, and why (for IT staff)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.timeutil import local
from ..services.sync_problems import RefusedChange


class SyncProblemsDialog(QDialog):
    """Read-only list; the rest of the sync goes on. What to do is in README "When something is wrong"."""

    def __init__(self, refused: list[RefusedChange], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProblemsDialog")
        self.setWindowTitle(self.tr("Sync problems"))
        head = QLabel(self)
        head.setWordWrap(True)
        if refused:
            head.setText(self.tr("{n} changes from the server did not fit and were set aside; everything else "
                                 "was applied. Tell the center's IT staff (operator-desk check lists them).")
                         .format(n=len(refused)))
        else:
            head.setText(self.tr("No change from the server was refused."))
        self.table = QTableWidget(len(refused), 4, self)
        self.table.setObjectName("syncProblemsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Received"), self.tr("From desk"), self.tr("Field"), self.tr("Problem")])
        for i, r in enumerate(refused):
            where = f"{r.table or '?'}.{r.column or '?'}"
            origin = f"{(r.site_id or '?')[-6:]} #{r.site_seq if r.site_seq is not None else '?'}"
            for j, text in enumerate((f"{local(r.at):%d-%m-%Y %H:%M:%S}", origin, where, r.reason)):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 360)
