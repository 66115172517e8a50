"""The SIP busy setting (issue 14): "ring" rings a call during a call through, "reject" answers 486.
Settings file, the worker's config and the Settings dialog, both sides of the rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from operator_desk import settings as st
from operator_desk.telephony.sip.config import SipConfig
from operator_desk.ui.settings_dialog import SettingsDialog


def test_default_rings_through_and_reject_reaches_the_worker(tmp_path: Path) -> None:
    assert st.load(tmp_path).sip.busy == "ring"
    assert st.sip_config(st.load(tmp_path), tmp_path).busy == "ring"
    (tmp_path / "settings.toml").write_text('[sip]\nbusy = "reject"\n')
    loaded = st.load(tmp_path)
    assert loaded.sip.busy == "reject"
    config = st.sip_config(loaded, tmp_path)
    assert config.busy == "reject"
    assert SipConfig.from_json(config.to_json()).busy == "reject"  # the pipe to the worker keeps it


@pytest.mark.parametrize("body", ['[sip]\nbusy = "queue"\n', "[sip]\nbusy = 486\n"])
def test_a_bad_busy_value_names_the_key(tmp_path: Path, body: str) -> None:
    (tmp_path / "settings.toml").write_text(body)
    with pytest.raises(st.SettingsError) as info:
        st.load(tmp_path)
    assert info.value.key == "sip.busy" and "sip.busy" in str(info.value)


def test_worker_config_refuses_an_unknown_busy_mode() -> None:
    with pytest.raises(ValueError, match="busy"):
        SipConfig.from_json({"busy": "sometimes"})


def test_dialog_shows_and_saves_the_busy_setting(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = SettingsDialog(st.DeskSettings(sip=st.SipSettings(busy="reject")), tmp_path)
    qtbot.addWidget(d)
    try:
        assert d.busy.currentData() == "reject"
        d.busy.setCurrentIndex(d.busy.findData("ring"))
        with qtbot.waitSignal(d.accepted, timeout=2000):
            box = d.findChild(QDialogButtonBox, "settingsButtons")
            qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        assert st.load(tmp_path).sip.busy == "ring"
    finally:
        d.stop_meter()
    d2 = SettingsDialog(st.load(tmp_path), tmp_path)
    qtbot.addWidget(d2)
    try:
        assert d2.busy.currentData() == "ring"
        d2.busy.setCurrentIndex(d2.busy.findData("reject"))
        assert d2.edited().sip.busy == "reject"
    finally:
        d2.stop_meter()
