"""SettingsDialog: the softphone account, audio devices with a live input level, the call source.

Edits a `DeskSettings` (operator_desk.settings) and writes `<data_dir>/settings.toml` on Save.
Audio problems (no PortAudio, no sound card, a device that will not open) are shown inline in the
dialog and never raise: an operator may open Settings mid-shift on a PC whose headset is unplugged.
The lead's menu entry "Settings…" opens it with `SettingsDialog(settings, data_dir, parent)`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from operator_desk import settings as desk_settings
from operator_desk.domain.errors import ErrorCode
from operator_desk.settings import CALL_SOURCES, AudioSettings, DeskSettings, SettingsError
from operator_desk.telephony.audio.devices import AudioDevice, LevelMeter, list_devices
from operator_desk.telephony.audio.dsp import SILENCE_DBFS
from operator_desk.ui.errors import error_label, message_for

log = logging.getLogger(__name__)

METER_POLL_MS = 100
METER_FLOOR_DBFS = -60.0  # the bar's left end; quieter is shown as empty


def dbfs_to_percent(dbfs: float) -> int:
    """-60 dBFS (or silence) -> 0, 0 dBFS -> 100, linear in dB between."""
    if dbfs <= METER_FLOOR_DBFS or dbfs <= SILENCE_DBFS:
        return 0
    return max(0, min(100, round(100 * (dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS)))


class SettingsDialog(QDialog):
    """Modal settings editor; `saved_settings` holds what was written after a successful Save."""

    def __init__(self, settings: DeskSettings, data_dir: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.settings = settings
        self.data_dir = Path(data_dir)
        self.saved_settings: DeskSettings | None = None
        self._meter: Any = None
        self._timer = QTimer(self)
        self._timer.setInterval(METER_POLL_MS)
        self._timer.timeout.connect(self._poll_meter)

        layout = QVBoxLayout(self)
        layout.addWidget(self._telephony_group())
        layout.addWidget(self._audio_group())
        self.error = QLabel("", objectName="settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setObjectName("settingsButtons")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_devices()
        self.headset_in.currentIndexChanged.connect(lambda _: self.start_meter())

    # -- construction ---------------------------------------------------------------------------
    def _telephony_group(self) -> QGroupBox:
        sip = self.settings.sip
        box = QGroupBox(self.tr("Telephony"))
        form = QFormLayout(box)
        self.call_source = QComboBox(objectName="callSource")
        labels = {"manual": self.tr("Manual entry"), "simulator": self.tr("Simulator (training)"),
                  "sip": self.tr("SIP softphone")}  # fmt: skip
        for code in CALL_SOURCES:
            self.call_source.addItem(labels[code], code)
        self.call_source.setCurrentIndex(max(0, self.call_source.findData(self.settings.call_source)))
        self.registrar = QLineEdit(sip.registrar, objectName="sipRegistrar")
        self.registrar.setPlaceholderText(self.tr("e.g. sip:10.0.0.5 (empty: direct calls only)"))
        self.user = QLineEdit(sip.user, objectName="sipUser")
        self.password = QLineEdit(sip.password, objectName="sipPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.port = QSpinBox(objectName="sipPort")
        self.port.setRange(1, 65535)
        self.port.setValue(sip.port)
        self.busy = QComboBox(objectName="sipBusy")  # hold14: a call that comes in during a call
        self.busy.addItem(self.tr("Ring through (the call waits on this desk)"), "ring")
        self.busy.addItem(self.tr("Busy Here (486): the PBX routes it to a free desk"), "reject")
        self.busy.setCurrentIndex(max(0, self.busy.findData(sip.busy)))
        form.addRow(self.tr("Call source"), self.call_source)
        form.addRow(self.tr("SIP registrar"), self.registrar)
        form.addRow(self.tr("SIP user"), self.user)
        form.addRow(self.tr("SIP password"), self.password)
        form.addRow(self.tr("SIP port"), self.port)
        form.addRow(self.tr("Call during a call"), self.busy)
        return box

    def _audio_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Audio"))
        form = QFormLayout(box)
        self.ring_out = QComboBox(objectName="ringDevice")
        self.headset_in = QComboBox(objectName="headsetInput")
        self.headset_out = QComboBox(objectName="headsetOutput")
        self.ring_volume = QSlider(objectName="ringVolume")
        self.ring_volume.setOrientation(Qt.Orientation.Horizontal)
        self.ring_volume.setRange(0, 100)
        self.ring_volume.setValue(round(self.settings.audio.ring_volume * 100))
        self.level = QProgressBar(objectName="inputLevel")
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.audio_status = QLabel("", objectName="audioStatus")
        self.audio_status.setWordWrap(True)
        form.addRow(self.tr("Ring tone on"), self.ring_out)
        form.addRow(self.tr("Ring volume"), self.ring_volume)
        form.addRow(self.tr("Headset microphone"), self.headset_in)
        form.addRow(self.tr("Microphone level"), self.level)
        form.addRow(self.tr("Headset earphone"), self.headset_out)
        form.addRow(self.audio_status)
        return box

    def _fill_devices(self) -> None:
        """Device choices from PortAudio; without it only "System default" (and the saved names)."""
        devices: list[AudioDevice] = []
        try:
            devices = list_devices(rescan=False)  # rescan would cut a ring tone that is playing
        except Exception as exc:  # noqa: BLE001 - AudioDeviceError (no PortAudio) or anything PortAudio throws
            log.info("audio devices unavailable: %s", exc)
            self._show_audio_problem(
                self.tr("Audio devices are not available: {reason}").format(
                    reason=message_for(exc, ErrorCode.NO_AUDIO_DEVICE))
            )
        audio = self.settings.audio
        inputs = [d.name for d in devices if d.max_input_channels > 0]
        outputs = [d.name for d in devices if d.max_output_channels > 0]
        self._fill(self.ring_out, outputs, audio.ring_device)
        self._fill(self.headset_in, inputs, audio.headset_input)
        self._fill(self.headset_out, outputs, audio.headset_output)
        if devices and not inputs:
            self._show_audio_problem(self.tr("No microphone found."))

    def _fill(self, combo: QComboBox, names: list[str], current: str | None) -> None:
        combo.addItem(self.tr("System default"), None)
        for name in names:
            combo.addItem(name, name)
        if current is not None and combo.findData(current) < 0:
            combo.addItem(self.tr("{name} (not connected)").format(name=current), current)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)

    def _show_audio_problem(self, text: str) -> None:
        self.audio_status.setText(text)
        self.audio_status.setStyleSheet("color: #b00020")

    # -- level meter ------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.start_meter()

    def start_meter(self) -> bool:
        """(Re)open a short input stream on the chosen microphone; False (shown inline) if it fails."""
        self.stop_meter()
        device = self.headset_in.currentData()
        try:
            meter = LevelMeter(device)
            meter.start()
        except Exception as exc:  # noqa: BLE001 - AudioDeviceError, PortAudioError, OSError: never a crash
            log.info("level meter on %r failed: %s", device, exc)
            self._show_audio_problem(message_for(exc, ErrorCode.INPUT_DEVICE_UNAVAILABLE))
            return False
        self._meter = meter
        self.audio_status.setText("")
        self._timer.start()
        return True

    def stop_meter(self) -> None:
        self._timer.stop()
        if self._meter is not None:
            try:
                self._meter.stop()
            except Exception:  # closing a dead stream must not stop the dialog
                log.info("level meter close failed", exc_info=True)
            self._meter = None
        self.level.setValue(0)

    def _poll_meter(self) -> None:
        if self._meter is None:
            return
        try:
            self.level.setValue(dbfs_to_percent(self._meter.level_dbfs()))
        except Exception as exc:  # noqa: BLE001 - a device unplugged while the dialog is open
            self.stop_meter()
            log.info("level meter stopped: %s", exc)
            self._show_audio_problem(error_label(ErrorCode.AUDIO_DEVICE_LOST))

    def done(self, result: int) -> None:  # accept, reject and Esc all end here
        self.stop_meter()
        super().done(result)

    # -- saving -------------------------------------------------------------------------------------
    def edited(self) -> DeskSettings:
        """The settings as the dialog shows them now."""
        sip = replace(
            self.settings.sip,
            registrar=self.registrar.text().strip(),
            user=self.user.text().strip(),
            password=self.password.text(),
            port=self.port.value(),
            busy=str(self.busy.currentData()),
        )
        audio = AudioSettings(
            ring_device=self.ring_out.currentData(),
            headset_input=self.headset_in.currentData(),
            headset_output=self.headset_out.currentData(),
            ring_volume=self.ring_volume.value() / 100,
        )
        return replace(self.settings, call_source=self.call_source.currentData(), sip=sip, audio=audio)

    def save(self) -> None:
        new = self.edited()
        try:
            desk_settings.save(new, self.data_dir)
        except (SettingsError, OSError) as exc:
            log.warning("settings not saved: %s", exc)
            where = getattr(exc, "filename", None) or getattr(exc, "path", None) or self.data_dir
            self.error.setText(self.tr("Settings not saved: {reason} ({path})").format(
                reason=message_for(exc, ErrorCode.STORE_NOT_WRITABLE), path=where))
            self.error.show()
            return
        self.saved_settings = new
        self.accept()
