"""Audio device listing and a level meter for the settings dialog (sounddevice / PortAudio)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...domain.errors import DeskError
from .dsp import SILENCE_DBFS, rms_dbfs
from .ringbuffer import SampleRing

DeviceSpec = int | str | None  # PortAudio index, a name (substring), or None for the default


class AudioDeviceError(DeskError, RuntimeError):
    """A device could not be opened; `code` (an ErrorCode) is what the UI shows, `message` goes to the log."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


@dataclass(frozen=True)
class AudioDevice:
    """One PortAudio device as the settings dialog lists it."""

    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool
    is_default_output: bool


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # libportaudio2 missing
        raise AudioDeviceError("no_portaudio", f"PortAudio library not available: {exc}") from exc
    return sounddevice


def list_devices(rescan: bool = True) -> list[AudioDevice]:
    """All devices PortAudio sees (with `rescan`, also a headset plugged in after start-up).

    PortAudio caches its device list until it is re-initialised, and re-initialising closes every
    open stream of this process: pass rescan=False while a ring tone or replay is playing.
    """
    sd = _sd()
    if rescan:
        sd._terminate()
        sd._initialize()
    hostapis = sd.query_hostapis()
    default_in, default_out = sd.default.device
    devices = []
    for info in sd.query_devices():
        devices.append(
            AudioDevice(
                index=int(info["index"]),
                name=str(info["name"]),
                hostapi=str(hostapis[info["hostapi"]]["name"]),
                max_input_channels=int(info["max_input_channels"]),
                max_output_channels=int(info["max_output_channels"]),
                default_samplerate=float(info["default_samplerate"]),
                is_default_input=info["index"] == default_in,
                is_default_output=info["index"] == default_out,
            )
        )
    return devices


class LevelMeter:
    """Live input level of a microphone for the settings dialog.

    The PortAudio callback only copies samples into a ring; `level_dbfs()` (GUI timer, ~10 Hz)
    computes the RMS of what arrived since the last call.
    """

    def __init__(self, device: DeviceSpec = None, samplerate: int = 16000) -> None:
        self.device = device
        self.samplerate = samplerate
        self._ring = SampleRing(samplerate)  # one second
        self._stream: Any = None
        self._last = SILENCE_DBFS

    def start(self) -> None:
        sd = _sd()

        def callback(indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            # PortAudio thread: copy only
            self._ring.write(indata[:, 0])

        try:
            self._stream = sd.InputStream(
                device=self.device, channels=1, samplerate=self.samplerate, dtype="int16", callback=callback
            )
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise AudioDeviceError(
                "input_device_unavailable", f"input device {self.device!r}: {exc}"
            ) from exc

    def level_dbfs(self) -> float:
        n = self._ring.available()
        if n > 0:
            self._last = rms_dbfs(self._ring.read(n))
        return self._last

    def stop(self) -> None:
        if self._stream is not None:
            try:
                self._stream.close()
            finally:
                self._stream = None
