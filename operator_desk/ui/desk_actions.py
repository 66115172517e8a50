"""What the desk's menus open: settings, agencies, sync conflicts, and the training simulator."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

from PySide6.QtGui import QKeySequence

from ..services.agencies import AgencyService
from ..services.calls import CallService
from ..services.conflicts import ConflictService
from ..services.sync_problems import RefusedChange, SyncProblems
from ..telephony.source import SimulatorSource
from .tasks import TaskRunner


def open_settings(window: Any, data: Path) -> None:
    from .. import settings as desk_settings
    from .settings_dialog import SettingsDialog

    try:
        current = desk_settings.load(data)
    except ValueError as exc:  # a broken settings file: the file and key to the log, defaults meanwhile
        from ..domain.errors import ErrorCode
        from .errors import error_label

        logging.getLogger(__name__).warning("settings not loaded: %s", exc)
        window.statusBar().showMessage(error_label(ErrorCode.SETTINGS_INVALID), 10000)
        current = desk_settings.DeskSettings()
    SettingsDialog(current, data, window).exec()


def open_conflicts(window: Any, conflicts: ConflictService, **reauth: Any) -> None:
    """`reauth`: runner, accounts, current_account (an operator's resolve asks a supervisor)."""
    from .conflicts_dialog import ConflictsDialog

    ConflictsDialog(conflicts, window, **reauth).exec()


def open_sync_problems(window: Any, problems: SyncProblems, runner: TaskRunner) -> None:
    """The list is read on the task runner; the dialog opens when it is there."""
    from .sync_problems_dialog import SyncProblemsDialog

    def show(rows: list[RefusedChange]) -> None:
        SyncProblemsDialog(rows, window).exec()

    runner.run(problems.latest, show, key="sync-problems")


def open_agencies(window: Any, agencies: AgencyService, region: Any, **reauth: Any) -> None:
    """`reauth`: runner, accounts, current_account (an operator's save asks a supervisor)."""
    from .agencies_dialog import AgenciesDialog

    kec = [(k.code, k.name) for k in region.kecamatan] if region is not None else []
    AgenciesDialog(agencies, kecamatan=kec, parent=window, **reauth).exec()


def add_training(window: Any, sim: SimulatorSource, calls: CallService) -> None:
    """Training menu: a ring from a number of the log (so the caller history shows) or a new one."""
    rng = random.Random()

    def ring() -> None:
        known = calls.random_caller() if rng.random() < 0.6 else None
        number = known or "08" + "".join(rng.choice("0123456789") for _ in range(10))
        sim.ring(number)

    def hangup() -> None:
        if window.session.ringing:
            ext = window.session.ringing[0].ext_id
            if ext:
                sim.caller_hangup(ext)

    window.add_training_menu(ring, hangup)


def _plain(text: str) -> str:
    """A menu or button text without its mnemonic marks and trailing dots."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def _same_key(a: QKeySequence, b: QKeySequence) -> bool:
    return a.matches(b) == QKeySequence.SequenceMatch.ExactMatch


def every_key(
    window: Any, listed: list[tuple[str, str]], after: list[tuple[str, str]] | None = None
) -> list[tuple[str, str]]:
    """`listed` (the operator keys, in their words), then every other key the window has: each QAction and
    QShortcut shortcut (its own text), and each mnemonic button of the incident form (Alt+letter: the
    letter of the current language), then `after` (keys described elsewhere, e.g. the referral board's).
    A key added anywhere in the window shows in F1 by itself."""
    from PySide6.QtGui import QAction, QShortcut
    from PySide6.QtWidgets import QAbstractButton

    out = list(listed)
    portable = QKeySequence.SequenceFormat.PortableText
    known = [QKeySequence(k, portable) for k, _t in [*listed, *(after or [])]]

    def add(seq: QKeySequence, text: str) -> None:
        if seq.isEmpty() or any(_same_key(seq, k) for k in known):
            return
        known.append(seq)
        out.append((seq.toString(QKeySequence.SequenceFormat.PortableText), _plain(text)))

    for act in window.findChildren(QAction):
        shortcuts = act.shortcuts()
        if shortcuts and not any(any(_same_key(s, k) for k in known) for s in shortcuts):
            add(shortcuts[0], act.text() or act.toolTip())
    for sc in window.findChildren(QShortcut):
        add(sc.key(), sc.whatsThis() or sc.objectName())
    form = getattr(window, "form", None)
    if form is not None:
        for button in form.findChildren(QAbstractButton):
            text = button.text()
            mnemonic = QKeySequence.mnemonic(text)
            if not mnemonic.isEmpty():
                add(mnemonic, text)
    return out + list(after or [])
