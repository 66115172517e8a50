"""The call log names a call that still rings "Ringing" (not "In progress"), and its columns hold their
longest words whole at 1366x768, in English and in Indonesian."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from operator_desk.app import Desk
from operator_desk.domain.enums import CallOutcome
from operator_desk.ui import labels
from operator_desk.ui.call_log import CallLogPanel
from operator_desk.ui.translate import install_translator, uninstall_translators


def _outcome_of_top_row(desk: Desk) -> str:
    desk.settle()
    model = desk.window.call_log.model
    return str(model.data(model.index(0, model.COLUMNS.index("outcome"))))


def test_ringing_then_in_progress_then_the_outcome(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    desk.simulator.ring("0812-3456-7890")
    assert _outcome_of_top_row(desk) == "Ringing"
    press(Qt.Key.Key_F2)
    assert _outcome_of_top_row(desk) == "In progress"
    press(Qt.Key.Key_F7)
    assert _outcome_of_top_row(desk) == labels.outcome("information")


def test_labels_of_a_call_not_closed() -> None:
    assert labels.call_state(None, answered=False, ended=False) == "Ringing"
    assert labels.call_state(None, answered=True, ended=False) == "In progress"
    assert labels.call_state("prank", answered=True, ended=True) == labels.outcome("prank")


def _columns_hold_their_words(panel: CallLogPanel) -> list[str]:
    fm = panel.table.fontMetrics()
    col = panel.model.COLUMNS.index("outcome")
    width = panel.table.columnWidth(col)
    words = [labels.outcome(o) for o in CallOutcome]
    words += [labels.call_state(None, False, False), labels.call_state(None, True, False)]
    return [w for w in words if fm.horizontalAdvance(w) + 8 > width]


def test_the_outcome_column_is_never_elided(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    assert _columns_hold_their_words(desk.window.call_log) == []
    app = QApplication.instance()
    assert app is not None
    install_translator(app, "id")
    try:
        panel = CallLogPanel(desk.window.call_log.model.query)
        qtbot.addWidget(panel)
        assert labels.outcome("information") == "Permintaan informasi"
        assert _columns_hold_their_words(panel) == []
    finally:
        uninstall_translators(app)


def test_the_date_filter_offers_the_region_s_days(desk) -> None:  # type: ignore[no-untyped-def]
    """At 06:49 WITA a PC on UTC is still on yesterday: the filter must offer the region's today (issue 13).
    Two zones 25 hours apart always have different dates, so both sides of the rule are seen."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    panel = desk.window.call_log
    for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Makassar"):
        zone = ZoneInfo(name)
        panel.set_zone(zone)
        now = datetime.now(zone)
        d = panel.date_to.date()
        assert (d.year(), d.month(), d.day()) == (now.year, now.month, now.day), name
        assert panel.date_from.date().daysTo(panel.date_to.date()) == 7
        midnight = panel._day_ms(panel.date_to.date())
        assert datetime.fromtimestamp(midnight / 1000, tz=zone).hour == 0
    panel.use_dates.setChecked(True)  # the operator chose dates: a later zone does not move them
    chosen = panel.date_to.date()
    panel.set_zone(ZoneInfo("Pacific/Kiritimati"))
    assert panel.date_to.date() == chosen
