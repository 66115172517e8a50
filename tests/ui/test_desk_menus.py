"""The Desk menu opens its dialogs (settings, agencies with the region's kecamatan, conflicts)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from operator_desk.app import Desk


def test_desk_menu_opens_each_dialog(qtbot, desk: Desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[QDialog] = []

    def fake_exec(self: QDialog) -> int:  # modal dialogs would block the test: record and return
        opened.append(self)
        return 0

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    for name, dialog in (("actSettings", "SettingsDialog"), ("actAgencies", "AgenciesDialog"),
                         ("actConflicts", "ConflictsDialog")):
        desk.window.findChild(QAction, name).trigger()
        assert type(opened[-1]).__name__ == dialog
        qtbot.addWidget(opened[-1])
    agencies = opened[1]
    # the agencies editor offers the 20 kecamatan of the loaded region
    kec = agencies.kecamatan if hasattr(agencies, "kecamatan") else None
    assert kec is not None and kec.count() == 20


def test_training_menu_rings_and_hangs_up(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.window.findChild(QAction, "actSimRing").trigger()
    assert len(desk.session.ringing) == 1
    desk.window.findChild(QAction, "actSimHangup").trigger()
    assert desk.session.ringing == []
    desk.settle()
    assert desk.store.query("SELECT outcome FROM calls")[0][0] == "abandoned"
