from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from operator_desk.app import Desk, create_desk


@pytest.fixture
def desk(qtbot, tmp_path: Path, banjar_dir: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    d = create_desk(tmp_path / "data", region=banjar_dir, call_source="simulator", operator="Rina")
    qtbot.addWidget(d.window)
    d.window.show()
    qtbot.waitExposed(d.window)
    d.window.activateWindow()
    yield d
    d.close()


@pytest.fixture
def press(qtbot, desk: Desk):  # type: ignore[no-untyped-def]
    """Press a key where the focus is (as the operator would)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    def _press(k, modifier=None) -> None:  # type: ignore[no-untyped-def]
        target = QApplication.focusWidget() or desk.window
        qtbot.keyClick(target, k, modifier or Qt.KeyboardModifier.NoModifier)
        desk.settle()  # the key's writes run off the GUI thread: let them land before the test looks

    return _press
