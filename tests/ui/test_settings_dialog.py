"""SettingsDialog over real settings files and the real PortAudio (no sound card, or a private PulseAudio)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from operator_desk import settings as st
from operator_desk.ui.settings_dialog import SettingsDialog, dbfs_to_percent


@pytest.fixture
def dialog(qtbot, tmp_path: Path) -> Iterator[SettingsDialog]:  # type: ignore[no-untyped-def]
    s = st.DeskSettings(
        sip=st.SipSettings(registrar="sip:10.0.0.5", user="desk1"),
        audio=st.AudioSettings(headset_input="USB Headset Mic"),
    )
    d = SettingsDialog(s, tmp_path)
    qtbot.addWidget(d)
    yield d
    d.stop_meter()


def test_fields_show_settings(dialog: SettingsDialog) -> None:
    assert dialog.registrar.text() == "sip:10.0.0.5"
    assert dialog.user.text() == "desk1"
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    assert dialog.port.value() == 5070
    assert dialog.call_source.currentData() == "manual"
    # a saved device that is not plugged in stays selected (and is not lost on Save)
    assert dialog.headset_in.currentData() == "USB Headset Mic"
    assert "USB Headset Mic" in dialog.headset_in.currentText()
    assert dialog.ring_out.currentData() is None


def test_save_writes_settings_toml(qtbot, dialog: SettingsDialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog.registrar.clear()
    qtbot.keyClicks(dialog.registrar, "sip:127.0.0.1:5060")
    dialog.password.setText("rahasia")
    dialog.port.setValue(5072)
    dialog.call_source.setCurrentIndex(dialog.call_source.findData("sip"))
    dialog.ring_volume.setValue(40)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        box = dialog.findChild(QDialogButtonBox, "settingsButtons")
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    loaded = st.load(tmp_path)
    assert loaded == dialog.saved_settings
    assert loaded.call_source == "sip" and loaded.sip.registrar == "sip:127.0.0.1:5060"
    assert loaded.sip.password == "rahasia" and loaded.sip.port == 5072
    assert loaded.audio.ring_volume == pytest.approx(0.4)
    assert loaded.audio.headset_input == "USB Headset Mic"
    assert st.sip_config(loaded, tmp_path).recordings_dir == str(tmp_path / "recordings")


def test_save_failure_is_inline(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    d = SettingsDialog(st.DeskSettings(), blocker)  # data dir is a file: the write must fail
    qtbot.addWidget(d)
    d.save()
    assert d.result() == 0 and d.saved_settings is None
    assert not d.error.isHidden() and str(blocker) in d.error.text()
    d.stop_meter()


def test_without_sound_card_the_meter_fails_inline(qtbot, dialog: SettingsDialog) -> None:  # type: ignore[no-untyped-def]
    dialog.show()
    qtbot.waitExposed(dialog)
    ok = dialog._meter is not None
    if not ok:
        assert dialog.audio_status.text()  # a reason is shown, the dialog is still usable
        assert dialog.level.value() == 0
    dialog.reject()
    assert not dialog._timer.isActive() and dialog._meter is None


def test_dbfs_scale() -> None:
    assert dbfs_to_percent(-120.0) == 0
    assert dbfs_to_percent(-60.0) == 0
    assert dbfs_to_percent(-30.0) == 50
    assert dbfs_to_percent(0.0) == 100
    assert dbfs_to_percent(3.0) == 100


@pytest.mark.audio
def test_level_meter_with_pulseaudio(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A private PulseAudio (null sink): the meter rises while a tone plays into the monitor source."""
    for tool in ("pulseaudio", "pactl", "paplay"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed")
    import os
    import subprocess

    import numpy as np
    import sounddevice as sd
    import soundfile as sf

    from tests.e2e.telephony.rig import PulseAudio

    pa = PulseAudio(tmp_path).start()
    player = None
    try:
        for key, value in pa.env.items():
            monkeypatch.setenv(key, value)
        sd._terminate()
        sd._initialize()
        tone = tmp_path / "tone.wav"
        t = np.arange(48000 * 20) / 48000
        sf.write(tone, (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 48000)
        player = subprocess.Popen(["paplay", "--device=vsink", str(tone)], env=dict(os.environ))
        d = SettingsDialog(st.DeskSettings(audio=st.AudioSettings(headset_input="pulse")), tmp_path)
        qtbot.addWidget(d)
        assert d.headset_in.findData("pulse") >= 0, [
            d.headset_in.itemText(i) for i in range(d.headset_in.count())
        ]
        d.show()
        assert d._meter is not None, d.audio_status.text()
        qtbot.waitUntil(lambda: d.level.value() > 30, timeout=5000)
        d.reject()
        assert d._meter is None
    finally:
        if player is not None:
            player.terminate()
            player.wait(5)
        pa.stop()
        sd._terminate()
        sd._initialize()
