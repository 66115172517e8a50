"""ReplayWidget: a call recording's waveform with play/pause, seek and speed.

Takes a file path (2-channel FLAC from the SIP worker: caller left, operator right). Decoding and
the waveform envelope are computed on a background thread; playback runs on PortAudio's thread
(audio.player.FilePlayer); the GUI thread only paints and polls the position on a timer.
pyqtgraph is imported lazily when the widget is built (it costs ~0.6 s at start-up).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from operator_desk.telephony.audio.devices import AudioDeviceError, DeviceSpec
from operator_desk.telephony.audio.player import SPEEDS, FilePlayer, LoadedRecording, load_recording

from .tasks import TaskRunner, default_runner

SLIDER_STEPS_PER_S = 10
POSITION_POLL_MS = 50


class ReplayWidget(QWidget):
    """Waveform + transport controls for one call recording."""

    loaded = Signal(float)  # duration in seconds, emitted on the GUI thread
    failed = Signal(str)  # an error code: recording_unreadable, no_audio_device

    def __init__(
        self,
        path: str | Path | None = None,
        device: DeviceSpec = None,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
    ):
        super().__init__(parent)
        import pyqtgraph as pg  # lazy: only when a replay is first shown

        self.setObjectName("replayWidget")
        self._player = FilePlayer(device)
        self._generation = 0
        self._runner = runner or default_runner()

        self._plot = pg.PlotWidget(objectName="replayWaveform")
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.hideButtons()
        self._plot.setYRange(-2.2, 2.2)
        self._plot.getAxis("left").setTicks([[(1.0, self.tr("Caller")), (-1.0, self.tr("Operator"))]])
        self._plot.setLabel("bottom", self.tr("seconds"))
        self._caller_curve = pg.PlotDataItem(pen=pg.mkPen("#1f77b4"))
        self._operator_curve = pg.PlotDataItem(pen=pg.mkPen("#d62728"))
        self._plot.addItem(self._caller_curve)
        self._plot.addItem(self._operator_curve)
        self._cursor = pg.InfiniteLine(pos=0.0, angle=90, movable=True, pen=pg.mkPen("#2ca02c", width=2))
        self._cursor.sigPositionChangeFinished.connect(lambda line: self.seek(float(line.value())))
        self._plot.addItem(self._cursor)

        self._play_button = QPushButton(self.tr("Play"), objectName="replayPlay")
        self._play_button.setEnabled(False)
        self._play_button.clicked.connect(self.toggle_play)
        self._slider = QSlider(Qt.Orientation.Horizontal, objectName="replaySeek")
        self._slider.setEnabled(False)
        self._slider.sliderReleased.connect(lambda: self.seek(self._slider.value() / SLIDER_STEPS_PER_S))
        self._speed = QComboBox(objectName="replaySpeed")
        for speed in SPEEDS:
            self._speed.addItem(f"{speed:g}×", speed)
        self._speed.setCurrentIndex(SPEEDS.index(1.0))
        self._speed.currentIndexChanged.connect(lambda i: self.set_speed(float(self._speed.itemData(i))))
        self._time = QLabel("0:00 / 0:00", objectName="replayTime")
        self._status = QLabel("", objectName="replayStatus")

        controls = QHBoxLayout()
        controls.addWidget(self._play_button)
        controls.addWidget(self._slider, 1)
        controls.addWidget(self._speed)
        controls.addWidget(self._time)
        layout = QVBoxLayout(self)
        layout.addWidget(self._plot, 1)
        layout.addLayout(controls)
        layout.addWidget(self._status)

        self._timer = QTimer(self)
        self._timer.setInterval(POSITION_POLL_MS)
        self._timer.timeout.connect(self._tick)
        if path is not None:
            self.load(path)

    # --- public API ---------------------------------------------------------------------------
    @property
    def player(self) -> FilePlayer:
        return self._player

    def load(self, path: str | Path) -> None:
        """Start decoding `path` in the background; `loaded` or `failed` follows."""
        self._player.pause()
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        self._status.setText(self.tr("Loading…"))
        self._play_button.setEnabled(False)
        self._slider.setEnabled(False)

        def work() -> Any:
            try:
                return load_recording(path)
            except AudioDeviceError as exc:
                return exc

        self._runner.run(work, lambda result: self._on_loaded(result, generation), key=f"replay-{id(self)}")

    def toggle_play(self) -> None:
        if self._player.playing:
            self._player.pause()
            self._timer.stop()
            self._tick()
            return
        try:
            self._player.play()
        except AudioDeviceError as exc:
            self._show_error(exc.code)
            return
        self._status.setText("")
        self._timer.start()
        self._update_button()

    def seek(self, seconds: float) -> None:
        self._player.seek(seconds)
        self._tick()

    def set_speed(self, speed: float) -> None:
        try:
            self._player.set_speed(speed)
        except AudioDeviceError as exc:
            self._show_error(exc.code)

    def closeEvent(self, event: Any) -> None:
        self._timer.stop()
        self._player.close()
        super().closeEvent(event)

    # --- GUI thread callbacks -----------------------------------------------------------------
    def _on_loaded(self, result: LoadedRecording | AudioDeviceError, generation: int) -> None:
        if generation != self._generation:
            return  # a newer load() superseded this one
        if isinstance(result, AudioDeviceError):
            self._show_error(result.code)
            return
        self._player.set_recording(result)
        self._draw(result)
        self._slider.setRange(0, int(result.duration_s * SLIDER_STEPS_PER_S))
        self._slider.setEnabled(True)
        self._play_button.setEnabled(True)
        self._status.setText("")
        self._tick()
        self.loaded.emit(result.duration_s)

    def _draw(self, rec: LoadedRecording) -> None:
        import numpy as np

        buckets = len(rec.envelope_max)
        t = np.repeat(np.linspace(0.0, rec.duration_s, buckets), 2)

        def trace(channel: int, offset: float) -> np.ndarray:
            zigzag = np.empty(buckets * 2, dtype=np.float32)
            zigzag[0::2] = rec.envelope_min[:, channel]
            zigzag[1::2] = rec.envelope_max[:, channel]
            return zigzag + offset

        self._caller_curve.setData(t, trace(0, 1.0))
        operator_channel = 1 if rec.samples.shape[1] > 1 else 0
        self._operator_curve.setData(t, trace(operator_channel, -1.0))
        self._plot.setXRange(0.0, max(rec.duration_s, 0.1), padding=0.01)
        self._cursor.setBounds((0.0, rec.duration_s))

    def _tick(self) -> None:
        position = self._player.position_s
        rec = self._player.recording
        duration = rec.duration_s if rec is not None else 0.0
        if not self._cursor.moving:
            self._cursor.setValue(position)
        if not self._slider.isSliderDown():
            self._slider.setValue(int(position * SLIDER_STEPS_PER_S))
        self._time.setText(f"{_mmss(position)} / {_mmss(duration)}")
        if not self._player.playing and self._timer.isActive():
            self._timer.stop()
        self._update_button()

    def _update_button(self) -> None:
        self._play_button.setText(self.tr("Pause") if self._player.playing else self.tr("Play"))

    def _show_error(self, code: str) -> None:
        texts = {
            "no_audio_device": self.tr("No audio output device: cannot play the recording."),
            "recording_unreadable": self.tr("The recording file cannot be read."),
        }
        if code not in texts:
            from .errors import error_label

            texts[code] = error_label(code)
        self._status.setText(texts[code])
        self.failed.emit(code)
        self._update_button()


def _mmss(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
