"""The widgets CONTRACT.md names are there to be found, the lazy statistics panel included."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from operator_desk.app import Desk

NAMES = ("callLog", "incidentForm", "mapPanel", "callerHistory", "syncStatus", "statsPanel", "referralBoard")


def test_contract_widgets_are_found_by_object_name(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    for name in NAMES:
        assert desk.window.findChild(QWidget, name) is not None, name


def test_stats_panel_found_before_its_tab_is_opened_computes(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    panel = desk.window.findChild(QWidget, "statsPanel")
    assert desk.ui.stats.widget is None  # nothing built yet: pyqtgraph not paid at start-up
    today = dt.date.today()
    with qtbot.waitSignal(panel.resultApplied, timeout=10_000):
        panel.request(today - dt.timedelta(days=7), today)
    assert desk.ui.stats.widget is not None
