"""The supervisor's view of sync conflicts: both values side by side, keep the newer or take the older."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
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
from ..domain.rules import RESOLVE_CONFLICT
from ..domain.timeutil import local
from ..services.conflicts import KEEP_NEWER, TAKE_OLDER, ConflictService
from . import labels
from .errors import error_label
from .tasks import TaskRunner, default_runner

if TYPE_CHECKING:
    from ..services.accounts import Account, AccountService

# values that are codes: shown by their names (the core stores codes, the operator reads words)
CODE_NAMES = {
    "category": labels.category,
    "status": labels.status,
    "priority": labels.priority,
    "outcome": labels.outcome,
    "kind": labels.agency_kind,
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ConflictsDialog", text)


def _table_name(tbl: str) -> str:
    names = {
        "incidents": _tr("Incident"),
        "calls": _tr("Call"),
        "referrals": _tr("Referral"),
        "agencies": _tr("Agency"),
        "callers": _tr("Caller"),
        "landmarks": _tr("Landmark"),
        "shifts": _tr("Shift"),
    }
    return names.get(tbl, _tr("Record"))


def _field_name(col: str) -> str:
    names = {
        "category": _tr("Category"),
        "priority": _tr("Priority"),
        "status": _tr("Status"),
        "location": _tr("Location"),
        "caller_name": _tr("Caller name"),
        "caller_number": _tr("Caller number"),
        "callback_number": _tr("Call-back number"),
        "narrative": _tr("Narrative"),
        "casualties": _tr("Casualties"),
        "disposition": _tr("Disposition"),
        "outcome": _tr("Call type"),
        "notes": _tr("Notes"),
        "feedback": _tr("Agency feedback"),
        "name": _tr("Name"),
        "kind": _tr("Kind"),
        "phone": _tr("Phone"),
        "active": _tr("Active"),
    }
    return names.get(col, col.replace("_", " "))


def _text(value: Any, col: str = "") -> str:
    if isinstance(value, dict):  # a location: say it in words
        parts = [value.get("address"), value.get("desa_name"), value.get("kecamatan_name")]
        words = ", ".join(p for p in parts if p)
        if value.get("lat") is not None:
            words += f" ({value['lat']:.5f}, {value['lon']:.5f})"
        return words or "—"
    if value is None:
        return "—"
    if col in CODE_NAMES and isinstance(value, str):
        return CODE_NAMES[col](value)
    return str(value)


def _record(r: dict[str, Any]) -> str:
    if r["tbl"] == "incidents":
        return str(r["label"])
    return f"{_table_name(r['tbl'])} {str(r['pk'])[:8]}"


class ConflictsDialog(QDialog):
    """Open conflicts; resolving one writes an edit that syncs to every desk. An operator's resolve
    opens the supervisor re-authentication (ReAuthDialog) when `accounts` is given; the supervisor's
    decision is then recorded as theirs on behalf of the operator."""

    def __init__(
        self,
        conflicts: ConflictService,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        accounts: AccountService | None = None,
        current_account: Callable[[], Account | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.runner = runner or default_runner()
        self.accounts, self.current_account = accounts, current_account or (lambda: None)
        self.reauth: QDialog | None = None
        self.setWindowTitle(self.tr("Sync conflicts"))
        self.service = conflicts
        self.rows: list[dict[str, Any]] = []
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("conflictsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Record"),
                self.tr("Field"),
                self.tr("Older value"),
                self.tr("Newer value (shown)"),
                self.tr("Detected"),
            ]
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
                (
                    _record(r),
                    _field_name(r["col"]),
                    _text(r["older"], r["col"]),
                    _text(r["newer"], r["col"]),
                    f"{local(r['detected_at']):%d-%m-%Y %H:%M}",
                )
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
        conflict_id = self.rows[row]["id"]
        try:
            self.service.resolve(conflict_id, choice)
        except DomainError as exc:
            if exc.code == "supervisor_required" and self.accounts is not None:
                self._ask_supervisor(conflict_id, choice)
            else:
                self.message.setText(error_label(exc.code))
            return False
        self._resolved()
        return True

    def _resolved(self, _result: object = None) -> None:
        self.refresh()
        self.message.setText(self.tr("Resolved"))

    def _failed(self, exc: BaseException) -> None:
        code = exc.code if isinstance(exc, DomainError) else "internal"
        self.message.setText(error_label(code))

    def _ask_supervisor(self, conflict_id: str, choice: str) -> None:
        """A supervisor approves with their own credentials at this desk; a wrong password applies nothing."""
        from .login_dialog import ReAuthDialog

        assert self.accounts is not None
        accounts, operator = self.accounts, self.current_account()
        self.message.setText(self.tr("A supervisor must approve this"))
        dialog = ReAuthDialog(accounts, self.runner, RESOLVE_CONFLICT, self)
        self.reauth = dialog

        def approved(supervisor: Account) -> None:
            self.reauth = None
            service = ConflictService(accounts.on_behalf(supervisor, RESOLVE_CONFLICT, operator))
            self.runner.run(
                lambda: service.resolve(conflict_id, choice), self._resolved, self._failed, initiator=self
            )

        dialog.authenticated.connect(approved)
        dialog.rejected.connect(lambda: setattr(self, "reauth", None))
        dialog.open()
