"""Replay of a call recording on an output device: play, pause, seek, speed. Qt-free.

The ReplayWidget (ui/replay.py) drives it; the whole file is decoded up front on a background
thread by `load_recording()` (8 kHz stereo FLAC: ~2 MB of float32 per minute). The PortAudio
callback only copies from that array. Speed is played "like a tape": the stream runs at
rate x speed, so the pitch changes with the speed (a pitch-preserving stretch is not done).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .devices import AudioDeviceError, DeviceSpec, _sd

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


@dataclass(frozen=True)
class LoadedRecording:
    """A decoded recording and a min/max envelope for drawing its waveform."""

    path: str
    samples: np.ndarray  # (frames, channels) float32
    samplerate: int
    envelope_min: np.ndarray  # (buckets, channels)
    envelope_max: np.ndarray

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.samplerate


def load_recording(path: str | Path, buckets: int = 2000) -> LoadedRecording:
    """Decode a recording and compute its envelope (call from a worker thread, not the GUI).

    A sealed recording (encrypted at rest, see recorder.py) is decrypted in memory, never to disk."""
    import soundfile as sf

    from .recorder import open_plaintext

    try:
        with open_plaintext(path) as f:
            data, rate = sf.read(f, dtype="float32", always_2d=True)
    except Exception as exc:
        raise AudioDeviceError("recording_unreadable", f"{path}: {exc}") from exc
    n = max(1, min(buckets, len(data)))
    usable = len(data) // n * n
    if usable == 0:
        empty = np.zeros((1, data.shape[1]), dtype=np.float32)
        return LoadedRecording(str(path), data, int(rate), empty, empty)
    blocks = data[:usable].reshape(n, usable // n, data.shape[1])
    return LoadedRecording(str(path), data, int(rate), blocks.min(axis=1), blocks.max(axis=1))


class FilePlayer:
    """Plays a LoadedRecording; all methods are cheap and safe to call from the GUI thread."""

    def __init__(self, device: DeviceSpec = None) -> None:
        self.device = device
        self._rec: LoadedRecording | None = None
        self._pos = 0  # next frame to play (written by the callback while playing)
        self._speed = 1.0
        self._stream: Any = None
        self._lock = threading.Lock()  # start/stop from the GUI thread vs the finished callback
        self.last_error = ""  # the PortAudio message behind the last "no_audio_device" (for logs)

    @property
    def recording(self) -> LoadedRecording | None:
        return self._rec

    def set_recording(self, rec: LoadedRecording) -> None:
        self.pause()
        self._rec = rec
        self._pos = 0

    @property
    def playing(self) -> bool:
        stream = self._stream
        return stream is not None and bool(stream.active)

    @property
    def position_s(self) -> float:
        return 0.0 if self._rec is None else self._pos / self._rec.samplerate

    @property
    def speed(self) -> float:
        return self._speed

    def play(self) -> None:
        rec = self._rec
        if rec is None or self.playing:
            return
        if self._pos >= len(rec.samples):
            self._pos = 0
        sd = _sd()
        data = rec.samples

        def callback(outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            # PortAudio thread: copy only
            pos = self._pos
            n = max(0, min(frames, len(data) - pos))
            outdata[:n] = data[pos : pos + n]
            outdata[n:] = 0
            self._pos = pos + n
            if n < frames:
                raise sd.CallbackStop

        with self._lock:
            self._close_stream()
            try:
                self._stream = sd.OutputStream(
                    device=self.device,
                    channels=data.shape[1],
                    samplerate=rec.samplerate * self._speed,
                    dtype="float32",
                    callback=callback,
                )
                self._stream.start()
            except Exception as exc:
                self._close_stream()
                self.last_error = f"replay output {self.device!r}: {exc}"
                raise AudioDeviceError("no_audio_device", self.last_error) from exc

    def pause(self) -> None:
        with self._lock:
            self._close_stream()

    def seek(self, seconds: float) -> None:
        rec = self._rec
        if rec is None:
            return
        frame = int(min(max(seconds, 0.0), rec.duration_s) * rec.samplerate)
        was_playing = self.playing
        if was_playing:
            self.pause()
        self._pos = frame
        if was_playing:
            self.play()

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"replay speed must be positive, got {speed}")
        was_playing = self.playing
        if was_playing:
            self.pause()
        self._speed = speed
        if was_playing:
            self.play()

    def close(self) -> None:
        self.pause()

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001 - best-effort close; a vanished device may fail to close
                pass
