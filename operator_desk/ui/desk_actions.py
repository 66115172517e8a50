"""What the desk's menus open: settings, agencies, sync conflicts, and the training simulator."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

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


def open_conflicts(window: Any, conflicts: ConflictService) -> None:
    from .conflicts_dialog import ConflictsDialog

    ConflictsDialog(conflicts, window).exec()


def open_sync_problems(window: Any, problems: SyncProblems, runner: TaskRunner) -> None:
    """The list is read on the task runner; the dialog opens when it is there."""
    from .sync_problems_dialog import SyncProblemsDialog

    def show(rows: list[RefusedChange]) -> None:
        SyncProblemsDialog(rows, window).exec()

    runner.run(problems.latest, show, key="sync-problems")


def open_agencies(window: Any, agencies: AgencyService, region: Any) -> None:
    from .agencies_dialog import AgenciesDialog

    kec = [(k.code, k.name) for k in region.kecamatan] if region is not None else []
    AgenciesDialog(agencies, kecamatan=kec, parent=window).exec()


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
