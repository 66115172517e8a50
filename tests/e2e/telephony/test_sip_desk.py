"""The whole desk on SIP: settings.toml → create_desk(call_source="sip"), a real baresip caller rings the
window, F2 answers, F7 closes; the call is logged with its recording (hash checked); a caller who hangs
up while it rings is logged as abandoned."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from operator_desk import settings as desk_settings
from operator_desk.services.recordings import sha256_file

from .conftest import require_pjsua2
from .rig import make_tone_wav

pytestmark = [pytest.mark.sip, pytest.mark.timeout(90)]


def _desk(qtbot, tmp_path: Path, port: int):  # type: ignore[no-untyped-def]
    from operator_desk.app import create_desk

    data = tmp_path / "desk"
    sip = desk_settings.SipSettings(port=port, rtp_port=30000 + port % 20000, headset=False,
                                    operator_tone_hz=700.0, log_level=3)
    desk_settings.save(desk_settings.DeskSettings(call_source="sip", sip=sip), data)
    desk = create_desk(data, call_source=None, operator="Rina")  # the source comes from settings.toml
    qtbot.addWidget(desk.window)
    desk.window.show()
    qtbot.waitUntil(lambda: "SIP" in desk.window.status.source.text() and
                    not desk.window.status.source.styleSheet(), timeout=15_000)  # worker up and ready
    return desk


def _press(qtbot, desk, key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(desk.window, key)


def test_sip_call_rings_on_the_desk_is_answered_logged_and_recorded(qtbot, tmp_path, baresip_factory) -> None:  # type: ignore[no-untyped-def]
    require_pjsua2()
    from .rig import free_udp_tcp_port

    port = free_udp_tcp_port()
    desk = _desk(qtbot, tmp_path, port)
    try:
        caller = baresip_factory(make_tone_wav(tmp_path / "caller.wav", 1234.0))
        caller.dial(f"sip:desk@127.0.0.1:{port}")
        qtbot.waitUntil(lambda: bool(desk.session.ringing), timeout=10_000)
        assert "Ringing" in desk.window.incoming.state.text()
        _press(qtbot, desk, Qt.Key.Key_F2)
        caller.wait_event("CALL_ESTABLISHED", 10)
        time.sleep(2.0)
        _press(qtbot, desk, Qt.Key.Key_F7)  # information request: the desk hangs up
        qtbot.waitUntil(
            lambda: desk.store.query("SELECT recording_sha256 FROM calls")[0][0] is not None, timeout=15_000
        )
        call = dict(desk.store.query("SELECT * FROM calls")[0])
        assert call["outcome"] == "information" and call["source"] == "sip"
        assert call["answered_at"] and call["ended_at"] and call["operator"] == "Rina"
        assert 1.5 <= call["recording_duration_s"] <= 4.0
        path = Path(call["recording_path"])
        assert sha256_file(path if path.is_absolute() else desk.store.path.parent / path) == call["recording_sha256"]
    finally:
        desk.close()


def test_sip_caller_hangs_up_while_ringing_is_abandoned(qtbot, tmp_path, baresip_factory) -> None:  # type: ignore[no-untyped-def]
    require_pjsua2()
    from .rig import free_udp_tcp_port

    port = free_udp_tcp_port()
    desk = _desk(qtbot, tmp_path, port)
    try:
        caller = baresip_factory(make_tone_wav(tmp_path / "caller.wav", 1234.0))
        caller.dial(f"sip:desk@127.0.0.1:{port}")
        qtbot.waitUntil(lambda: bool(desk.session.ringing), timeout=10_000)
        caller.hangup()
        qtbot.waitUntil(lambda: not desk.session.ringing, timeout=10_000)
        call = dict(desk.store.query("SELECT * FROM calls")[0])
        assert call["outcome"] == "abandoned" and call["answered_at"] is None
    finally:
        desk.close()
