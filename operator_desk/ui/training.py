"""The training desk in the window: its banner, and on a real desk the way to open it (services/training.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QProcess


def training_command(data_dir: Path) -> tuple[str, list[str]]:
    """The program and arguments that open the training desk of the desk at `data_dir`, in this language."""
    lang = "id" if QLocale().language() == QLocale.Language.Indonesian else "en"
    args = ["--training", "--data-dir", str(data_dir), "--lang", lang]
    if getattr(sys, "frozen", False):  # the PyInstaller build: the executable is the desk itself
        return sys.executable, args
    return sys.executable, ["-m", "operator_desk.cli", *args]


def install_training(window: Any, core: Any) -> None:
    """A training desk shows its banner for good; a real desk's Training menu offers to open one."""
    if core.training:
        window.show_training_banner()
        return

    def open_training() -> None:
        program, args = training_command(core.data_dir)
        if not QProcess.startDetached(program, args):
            window.statusBar().showMessage(QCoreApplication.translate("MainWindow", "The training desk could not be started"), 10000)
            return
        window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "The training desk opens in its own window"), 10000
        )

    window.add_training_menu(open_training=open_training)
