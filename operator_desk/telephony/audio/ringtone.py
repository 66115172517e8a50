"""The desk's ring tone for an incoming call, played on the output device chosen in the settings."""

from __future__ import annotations

from typing import Any

import numpy as np

from .devices import AudioDeviceError, DeviceSpec, _sd
from .dsp import ToneGenerator

# (seconds on, seconds off) repeated; a double ring that stands out from a phone's ringback tone.
DEFAULT_PATTERN: tuple[tuple[float, float], ...] = ((0.4, 0.2), (0.4, 2.0))


def ring_cycle(
    freq_hz: float, samplerate: int, pattern: tuple[tuple[float, float], ...] = DEFAULT_PATTERN, amplitude: float = 0.4
) -> np.ndarray:
    """One full cycle of the ring pattern as float32 samples, with 5 ms fades against clicks."""
    parts = []
    fade = max(1, int(0.005 * samplerate))
    for on_s, off_s in pattern:
        tone = ToneGenerator(freq_hz, samplerate, amplitude).next_int16(int(on_s * samplerate))
        block = tone.astype(np.float32) / 32768.0
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        block[:fade] *= ramp
        block[-fade:] *= ramp[::-1]
        parts.append(block)
        parts.append(np.zeros(int(off_s * samplerate), dtype=np.float32))
    return np.concatenate(parts)


class RingTone:
    """Loops a precomputed ring cycle on an output device until stopped.

    The PortAudio callback only copies from the precomputed buffer (no synthesis, no I/O).
    """

    def __init__(
        self,
        device: DeviceSpec = None,
        freq_hz: float = 880.0,
        samplerate: int = 48000,
        pattern: tuple[tuple[float, float], ...] = DEFAULT_PATTERN,
    ) -> None:
        self.device = device
        self.samplerate = samplerate
        self._cycle = ring_cycle(freq_hz, samplerate, pattern)
        self._pos = 0
        self._stream: Any = None

    @property
    def playing(self) -> bool:
        return self._stream is not None and bool(self._stream.active)

    def start(self) -> None:
        if self._stream is not None:
            return
        sd = _sd()
        cycle = self._cycle

        def callback(outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            # PortAudio thread: copy only
            pos = self._pos
            done = 0
            while done < frames:
                n = min(frames - done, len(cycle) - pos)
                outdata[done : done + n, 0] = cycle[pos : pos + n]
                done += n
                pos = (pos + n) % len(cycle)
            self._pos = pos

        try:
            self._pos = 0
            self._stream = sd.OutputStream(
                device=self.device, channels=1, samplerate=self.samplerate, dtype="float32", callback=callback
            )
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise AudioDeviceError("ring_device_unavailable", f"ring output {self.device!r}: {exc}") from exc

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except Exception:  # noqa: BLE001 - best-effort close of a vanished device; nothing left to do
                pass
