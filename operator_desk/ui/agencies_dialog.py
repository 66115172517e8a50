"""The supervisor's editor of the agencies catalogue (name, kind, contacts, coverage, target times).

Saving goes through `AgencyService.save`, which checks the supervisor role and validates; problems are
shown inline (field named), never as a modal error. Operators see the catalogue read-only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain.enums import AgencyKind, IncidentCategory
from ..domain.errors import DomainError, ValidationError
from ..services.agencies import AgencyService
from . import labels
from .errors import error_label


def _checked(widget: QListWidget) -> list[str]:
    return [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


class AgenciesDialog(QDialog):
    """List of agencies on the left, the chosen one's form on the right."""

    def __init__(
        self,
        agencies: AgencyService,
        kecamatan: list[tuple[str, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agenciesDialog")
        self.setWindowTitle(self.tr("Agencies"))
        self.agencies = agencies
        self.current_id: str | None = None
        self.list = QListWidget(self)
        self.list.currentItemChanged.connect(lambda cur, _prev: self._load(cur))
        self.name = QLineEdit(self)
        self.kind = QComboBox(self)
        for k in AgencyKind:
            self.kind.addItem(labels.agency_kind(k.value), k.value)
        self.phone = QLineEdit(self)
        self.radio = QLineEdit(self)
        self.whatsapp = QLineEdit(self)
        self.categories = QListWidget(self)
        for c in IncidentCategory:
            self._check_item(self.categories, labels.category(c.value), c.value)
        self.kecamatan = QListWidget(self)
        for code, name in kecamatan or []:
            self._check_item(self.kecamatan, f"{name} ({code})", code)
        self.ack = QSpinBox(self)
        self.arrive = QSpinBox(self)
        for s in (self.ack, self.arrive):
            s.setRange(0, 24 * 60)
            s.setSuffix(self.tr(" min"))
        self.active = QCheckBox(self.tr("Active"), self)
        self.status = QLabel(self)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Radio"), self.radio)
        form.addRow(self.tr("WhatsApp"), self.whatsapp)
        form.addRow(self.tr("Categories"), self.categories)
        form.addRow(self.tr("Kecamatan (none: all)"), self.kecamatan)
        form.addRow(self.tr("Acknowledge within"), self.ack)
        form.addRow(self.tr("Arrive within"), self.arrive)
        form.addRow("", self.active)
        new_btn = QPushButton(self.tr("New"), self)
        new_btn.clicked.connect(self.new)
        self.save_btn = QPushButton(self.tr("Save"), self)
        self.save_btn.clicked.connect(self.save)
        close_btn = QPushButton(self.tr("Close"), self)
        close_btn.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (new_btn, self.save_btn, close_btn):
            buttons.addWidget(b)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.status)
        right.addLayout(buttons)
        lay = QHBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addLayout(right, 2)
        editable = agencies.can_edit()
        for w in (new_btn, self.save_btn):
            w.setEnabled(editable)
        if not editable:
            self.status.setText(self.tr("Only a supervisor can edit the agencies"))
        self.reload()

    @staticmethod
    def _check_item(widget: QListWidget, text: str, data: str) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        for a in self.agencies.catalogue():
            item = QListWidgetItem(a["name"] if a["active"] else f"{a['name']} ({self.tr('inactive')})")
            item.setData(Qt.ItemDataRole.UserRole, a["id"])
            self.list.addItem(item)
            if a["id"] == select:
                self.list.setCurrentItem(item)
        if select is None and self.list.count():
            self.list.setCurrentRow(0)
        fm = self.list.fontMetrics()  # every name whole, without a horizontal scroll bar
        names = [self.list.item(i).text() for i in range(self.list.count())]
        self.list.setMinimumWidth(min(420, max([fm.horizontalAdvance(n) for n in names] + [160]) + 32))

    def _load(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        a = self.agencies.get(item.data(Qt.ItemDataRole.UserRole))
        self.current_id = a["id"]
        self.name.setText(a["name"] or "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(a["kind"])))
        self.phone.setText(a["phone"] or "")
        self.radio.setText(a["radio"] or "")
        self.whatsapp.setText(a["whatsapp"] or "")
        for widget, chosen in ((self.categories, a["categories"]), (self.kecamatan, a["kecamatan_codes"])):
            for i in range(widget.count()):
                it = widget.item(i)
                on = it.data(Qt.ItemDataRole.UserRole) in chosen
                it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.ack.setValue(a["ack_minutes"] or 0)
        self.arrive.setValue(a["arrive_minutes"] or 0)
        self.active.setChecked(bool(a["active"]))
        self.status.clear()

    def new(self) -> None:
        self.current_id = None
        self.list.clearSelection()
        for w in (self.name, self.phone, self.radio, self.whatsapp):
            w.clear()
        self.active.setChecked(True)

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "phone": self.phone.text(),
            "radio": self.radio.text(),
            "whatsapp": self.whatsapp.text(),
            "categories": _checked(self.categories),
            "kecamatan_codes": _checked(self.kecamatan),
            "ack_minutes": self.ack.value() or None,
            "arrive_minutes": self.arrive.value() or None,
            "active": self.active.isChecked(),
        }

    def save(self) -> None:
        try:
            pk = self.agencies.save(self.current_id, self.fields())
        except ValidationError as exc:
            names = {
                "name": self.tr("Name"),
                "kind": self.tr("Kind"),
                "phone": self.tr("Phone"),
                "radio": self.tr("Radio"),
                "whatsapp": self.tr("WhatsApp"),
                "categories": self.tr("Categories"),
                "kecamatan_codes": self.tr("Kecamatan (none: all)"),
                "ack_minutes": self.tr("Acknowledge within"),
                "arrive_minutes": self.tr("Arrive within"),
            }
            self.status.setText(
                self.tr("Check: %1").replace(
                    "%1", ", ".join(names.get(f, self.tr("another field")) for f in exc.problems)
                )
            )
            return
        except DomainError as exc:
            self.status.setText(self.tr("Not saved: %1").replace("%1", error_label(exc.code)))
            return
        self.reload(select=pk)
        self.status.setText(self.tr("Saved"))
