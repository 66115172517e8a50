"""The supervisor's editor of the agencies catalogue (name, kind, contacts, coverage, target times).

Saving goes through `AgencyService.save`, which checks the supervisor role and validates; problems are
shown inline (field named), never as a modal error. Operators see the catalogue read-only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
from ..domain.rules import EDIT_AGENCIES
from ..services.agencies import AgencyService
from . import labels
from .errors import error_label
from .tasks import TaskRunner, default_runner

if TYPE_CHECKING:
    from ..services.accounts import Account, AccountService

log = logging.getLogger(__name__)


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
        *,
        runner: TaskRunner | None = None,
        accounts: AccountService | None = None,
        current_account: Callable[[], Account | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agenciesDialog")
        # an operator's save needs a supervisor: their credentials at this desk (ReAuthDialog).
        # With a runner (the desk's menu) reads and saves run on it; without one they run at once.
        self._inline = runner is None
        self.runner = runner or default_runner()
        self.accounts, self.current_account = accounts, current_account or (lambda: None)
        self.reauth: QDialog | None = None
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
        self.new_btn = new_btn
        self.hint = ""  # shown whenever an agency is loaded (an operator's view)
        self.notice = ""  # shown once, by the next agency loaded (after a save: "Saved")
        for w in (new_btn, self.save_btn):
            w.setEnabled(False)  # until the role is known
        self._run(agencies.can_edit, self._role_known, self._read_failed)
        self.reload()

    def _run(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        key: str | None = None,
    ) -> None:
        """`fn` on the task runner (or at once without one); `done`/`failed` on the GUI thread."""
        failed = failed or self._failed
        if not self._inline:
            self.runner.run(fn, done, failed, initiator=self, key=key)
            return
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001  # shown like a runner's failure
            failed(exc)
            return
        done(result)

    def _role_known(self, editable: bool) -> None:
        for w in (self.new_btn, self.save_btn):
            w.setEnabled(editable or self.accounts is not None)
        if not editable:
            self.hint = (
                self.tr("Only a supervisor can edit the agencies")
                if self.accounts is None
                else self.tr("A supervisor approves changes to the agencies")
            )
            self.status.setText(self.hint)

    @staticmethod
    def _check_item(widget: QListWidget, text: str, data: str) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)

    def reload(self, select: str | None = None) -> None:
        self._run(
            self.agencies.catalogue,
            lambda rows: self._show(rows, select),
            self._read_failed,
            key="agencies-catalogue",
        )

    def _show(self, rows: list[dict[str, Any]], select: str | None) -> None:
        target = 0 if select is None and rows else -1
        self.list.blockSignals(True)  # one agency loaded: the chosen one, once
        self.list.clear()
        for i, a in enumerate(rows):
            item = QListWidgetItem(a["name"] if a["active"] else f"{a['name']} ({self.tr('inactive')})")
            item.setData(Qt.ItemDataRole.UserRole, a["id"])
            self.list.addItem(item)
            if a["id"] == select:
                target = i
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        if target >= 0:
            self.list.setCurrentRow(target)
        fm = self.list.fontMetrics()  # every name whole, without a horizontal scroll bar
        names = [self.list.item(i).text() for i in range(self.list.count())]
        self.list.setMinimumWidth(min(420, max([fm.horizontalAdvance(n) for n in names] + [160]) + 32))

    def _load(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        agency_id, agencies = item.data(Qt.ItemDataRole.UserRole), self.agencies
        self._run(lambda: agencies.get(agency_id), self._fill, self._read_failed, key="agency-load")

    def _fill(self, a: dict[str, Any]) -> None:
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
        self.status.setText(self.notice or self.hint)
        self.notice = ""

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
        fields, agency_id, agencies = self.fields(), self.current_id, self.agencies

        def refused(exc: BaseException) -> None:
            if (
                isinstance(exc, DomainError)
                and exc.code == "supervisor_required"
                and self.accounts is not None
            ):
                self._ask_supervisor(agency_id, fields)
                return
            self._failed(exc)

        self._run(lambda: agencies.save(agency_id, fields), self._saved, refused)

    def _ask_supervisor(self, agency_id: str | None, fields: dict[str, Any]) -> None:
        """A supervisor approves with their own credentials at this desk; the save is then recorded as
        theirs on behalf of the operator. A wrong password applies nothing."""
        from .login_dialog import ReAuthDialog

        assert self.accounts is not None
        accounts, operator = self.accounts, self.current_account()
        self.status.setText(self.tr("A supervisor must approve this"))
        dialog = ReAuthDialog(accounts, self.runner, EDIT_AGENCIES, self)
        self.reauth = dialog

        def approved(supervisor: Account) -> None:
            self.reauth = None
            service = AgencyService(accounts.on_behalf(supervisor, EDIT_AGENCIES, operator))
            self.runner.run(
                lambda: service.save(agency_id, fields), self._saved, self._failed, initiator=self
            )

        dialog.authenticated.connect(approved)
        dialog.rejected.connect(lambda: setattr(self, "reauth", None))
        dialog.open()

    def _read_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, DomainError):
            log.error("agencies not read", exc_info=exc)
        self.status.setText(error_label(exc.code if isinstance(exc, DomainError) else "internal"))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self._not_saved(exc)
        else:
            log.error("agency not saved", exc_info=exc)
            self.status.setText(self.tr("Not saved: %1").replace("%1", error_label("internal")))

    def _saved(self, pk: str) -> None:
        self.notice = self.tr("Saved")  # kept when the saved agency is shown again
        self.status.setText(self.notice)
        self.reload(select=pk)

    def _not_saved(self, exc: DomainError) -> None:
        if isinstance(exc, ValidationError):
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
        self.status.setText(self.tr("Not saved: %1").replace("%1", error_label(exc.code)))
