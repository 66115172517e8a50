"""A device location (PIDF-LO with the ring, AML later) is shown and taken with one key, never by itself."""

from __future__ import annotations

from PySide6.QtCore import Qt

from operator_desk.app import Desk
from operator_desk.domain.location import Location

PIDF = {"lat": -3.41230, "lon": 114.84560, "radius_m": 15.0, "source": "pidf", "method": "gnss",
        "time": "2026-11-28T06:00:00Z"}


def test_pidf_with_ring_shows_on_map_and_ctrl_l_takes_it(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    panel = desk.ui.map_panel
    shown = []
    orig = panel.set_caller_location
    panel.set_caller_location = lambda *a: (shown.append(a), orig(*a))
    desk.simulator.ring("+6281234567890", location=PIDF)
    assert shown and shown[-1][:3] == (-3.41230, 114.84560, 15.0)  # shown at once, stored behind
    desk.settle()
    row = desk.store.query("SELECT device_location FROM calls")[0][0]
    assert '"lat": -3.4123' in row
    assert desk.store.query("SELECT count(*) FROM device_locations")[0][0] == 1
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)
    form = desk.window.form
    assert form.location.is_empty(), "the device location is offered, not taken by itself"
    assert "Ctrl+L" in form.info.text()
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert (form.location.lat, form.location.lon, form.location.source) == (-3.41230, 114.84560, "pidf")
    assert form.location.accuracy_m == 15.0 and form.location.desa_code


def test_late_aml_never_replaces_a_confirmed_location(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    desk.simulator.ring("081234567891")
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)
    form = desk.window.form
    form.set_point(-3.30, 114.95, source="map")
    confirmed = form.location
    desk.simulator.send_location("081234567891", {"lat": -3.41, "lon": 114.85, "radius_m": 30.0,
                                                  "source": "aml_sms_v1", "time": "2026-11-28T06:00:20Z"})
    desk.settle()  # stored off the GUI thread, then attached to the live call
    assert form.location == confirmed  # arrived, stored, shown — not applied
    assert desk.session.current.device_location["lat"] == -3.41
    form.confirm_overwrite = lambda: False
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert form.location == confirmed
    form.confirm_overwrite = lambda: True
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert form.location.lat == -3.41 and form.location.source == "aml"
    assert isinstance(form.location, Location)
