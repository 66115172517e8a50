"""Composition root: `create_desk(...)` (CONTRACT.md) = `core.build_core` + `ui.compose.build_ui`.

`run_gui(args)` is the GUI command. No globals: a `Desk` is the pair of its Qt-free `Core` (store,
services, session, call source, region, sync) and its `DeskUi` (window, bridge, task runner, views).
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .core import Core, RegionContext, build_core
from .domain.changes import Changes
from .domain.errors import DomainError
from .domain.privacy import PersonalDataFilter
from .services.agencies import AgencyService
from .services.calls import CallService
from .services.drafts import DraftService
from .services.incidents import IncidentService
from .services.referrals import ReferralService
from .services.session import DeskSession
from .store.store import Store
from .telephony.source import CallSource, SimulatorSource

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from .geo.gazetteer import Gazetteer
    from .geo.model import Region
    from .geo.reverse import ReverseGeocoder
    from .sync.engine import SyncEngine
    from .ui.bridge import Bridge
    from .ui.compose import DeskUi
    from .ui.main_window import MainWindow

log = logging.getLogger("operator_desk")


@dataclass
class Desk:
    """One running desk: `core` (no Qt) and `ui` (its window). `close()` stops both, window first."""

    core: Core
    ui: DeskUi

    # -- the parts tests and automation reach for (CONTRACT.md) --------------------------------------
    @property
    def store(self) -> Store:
        return self.core.store

    @property
    def calls(self) -> CallService:
        return self.core.calls

    @property
    def incidents(self) -> IncidentService:
        return self.core.incidents

    @property
    def referrals(self) -> ReferralService:
        return self.core.referrals

    @property
    def agencies(self) -> AgencyService:
        return self.core.agencies

    @property
    def drafts(self) -> DraftService:
        return self.core.drafts

    @property
    def session(self) -> DeskSession:
        return self.core.session

    @property
    def source(self) -> CallSource:
        return self.core.source

    @property
    def simulator(self) -> SimulatorSource:
        return self.core.simulator

    @property
    def sync(self) -> SyncEngine | None:
        return self.core.sync

    @property
    def region_context(self) -> RegionContext:
        return self.core.region

    @property
    def region(self) -> Region | None:
        return self.core.region.region

    @property
    def gazetteer(self) -> Gazetteer | None:
        return self.core.region.gazetteer

    @property
    def geocoder(self) -> ReverseGeocoder | None:
        return self.core.region.geocoder

    @property
    def window(self) -> MainWindow:
        return self.ui.window

    @property
    def bridge(self) -> Bridge:
        return self.ui.bridge

    def settle(self, timeout_s: float = 10.0) -> None:
        """Wait for every write and background task given so far, and deliver their changes."""
        self.ui.settle(timeout_s)

    def close(self) -> None:
        """Stop everything; the window goes first so nothing paints from a closed store."""
        self.ui.close()
        self.core.close()


def setup_logging(data_dir: Path) -> None:
    """A rotating log file in the data dir; unexpected errors go there, never into a modal dialog."""
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        data_dir / "logs" / "desk.log", maxBytes=2_000_000, backupCount=5
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())  # no caller number reaches the log file
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def create_desk(
    data_dir: Path | str,
    region: Path | str | None = None,
    call_source: str | None = "simulator",
    server: str | None = None,
    operator: str | None = None,
    demo: bool = False,
    now_ms: Callable[[], int] | None = None,
    background: bool = False,
    login: tuple[str, str] | None = None,
    idle_lock_ms: int | None = None,
    training: bool = False,
) -> Desk:
    """Build a desk over `data_dir`. Needs a QApplication (made here if none exists).

    `login=(name, password)` logs that account in without the dialog (DomainError `bad_credentials`,
    ... when refused). `operator=NAME` is the trusted automation shortcut of the tests: that name is
    logged in without a password, with its account's role (else its roster role). With neither, the
    desk has nobody logged in and `desk.ui.login.start()` (run_gui does it) shows the log-in dialog.

    With `background=True` the region pack (boundaries, gazetteer, spatial index: ~0.5 s) loads on the
    task runner and is installed when ready, so the window is usable at once; tests load it here.
    """
    from PySide6.QtWidgets import QApplication

    from .ui.compose import build_ui

    QApplication.instance() or QApplication(sys.argv[:1])
    core = build_core(data_dir, region, call_source, server, operator, demo=demo, now_ms=now_ms,
                      load_region=not background, start_sync=False, login=login, training=training)
    try:
        ui = build_ui(core, background=background, idle_lock_ms=idle_lock_ms)
    except BaseException:
        core.close()
        raise
    core.start_sync()  # after the status bar listens, so its first word is the truth
    if ui.floor is not None:
        ui.floor.attach()  # the floor publisher exists now
    return Desk(core, ui)


def run_gui(args: argparse.Namespace) -> int:
    """`operator-desk` without a subcommand."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .ui.errors import install_excepthook, main_window_notifier
    from .ui.translate import install_translator

    data = paths.data_dir(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    if getattr(args, "training", False):
        from .services.training import training_dir

        training_dir(data).mkdir(exist_ok=True)
        setup_logging(training_dir(data))  # the training desk's log is its own
    else:
        setup_logging(data)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    install_translator(app, args.lang)
    install_excepthook(log, main_window_notifier(app))
    if getattr(args, "operator", None) and not args.screenshot:
        print("operator-desk: --operator is for --screenshot only; log in with --login NAME "
              "(password on stdin) or in the log-in dialog", file=sys.stderr)
        return 2
    login = None
    if getattr(args, "login", None):
        password = sys.stdin.readline().rstrip("\r\n")  # automation: the password on stdin
        login = (args.login, password)
    try:
        desk = create_desk(
            data,
            args.region,
            args.call_source,
            args.server,
            getattr(args, "operator", None),
            demo=args.demo,
            background=not args.screenshot,
            login=login,
            training=getattr(args, "training", False),
        )
    except DomainError as exc:
        from .ui.errors import error_label

        print(f"operator-desk: cannot log in: {error_label(exc.code)} ({exc.code})", file=sys.stderr)
        return 2
    except Exception as exc:
        log.exception("desk failed to start")
        print(f"operator-desk: cannot start: {exc}", file=sys.stderr)
        return 2
    if args.screenshot:
        return _screenshot(app, desk, Path(args.screenshot))
    if getattr(desk.window, "first_start", False):
        desk.window.showMaximized()  # first start on this PC: the whole screen (1366×768 is common)
    else:
        desk.window.show()
    if desk.ui.login is not None:
        QTimer.singleShot(0, desk.ui.login.start)
    code = app.exec()
    desk.close()
    return int(code)


def _screenshot(app: QApplication, desk: Desk, out: Path) -> int:
    """The main window as FILE; without anybody logged in, with the log-in dialog over it."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QPainter

    desk.window.resize(1366, 768)  # the common screen of a regency PC
    desk.window.show()
    dialog = desk.ui.login.ask_login() if desk.ui.login is not None and desk.core.account is None else None
    for _ in range(10):
        app.processEvents()
    desk.settle()
    app.processEvents()
    image = desk.window.grab()
    if dialog is not None:  # a dialog is a window of its own: painted over the main window's centre
        shot = dialog.grab()
        painter = QPainter(image)
        painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
        painter.drawPixmap(QPoint((image.width() - shot.width()) // 2, (image.height() - shot.height()) // 2), shot)
        painter.end()
    ok = image.save(str(out))
    desk.close()
    if not ok:
        print(f"operator-desk: cannot write screenshot {out}", file=sys.stderr)
        return 2
    print(str(out))
    return 0


__all__ = ["Changes", "Core", "Desk", "build_core", "create_desk", "run_gui"]
