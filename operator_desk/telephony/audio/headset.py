"""The operator's headset bridged to a call: microphone -> call, call -> earpiece.

Runs in the SIP worker process. Two sounddevice streams feed/drain two SampleRings at the device
rate; PJSIP's clock thread takes/puts one bridge frame (8 kHz, 20 ms) per tick and resamples when
the device refused the bridge rate. A device that disappears mid-call is noticed by `check()` on
the worker's main loop: the streams are closed, the call goes on with silence and a status code
("audio_device_lost") is reported. Nothing here may raise into PJSIP's clock thread.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from .devices import DeviceSpec, _sd
from .dsp import resample_linear
from .ringbuffer import SampleRing

MAX_LATENCY_S = 0.2  # drop buffered audio beyond this to keep the conversation live
KEEP_LATENCY_S = 0.06  # ... down to this much


class Headset:
    """Mic and earpiece streams of one headset. `open()` returns "" or a status code."""

    def __init__(
        self,
        input_device: DeviceSpec,
        output_device: DeviceSpec,
        bridge_rate: int = 8000,
        use_input: bool = True,
        use_output: bool = True,
    ) -> None:
        self.use_input = use_input
        self.use_output = use_output
        self.input_device = input_device
        self.output_device = output_device
        self.bridge_rate = bridge_rate
        self.in_rate = bridge_rate
        self.out_rate = bridge_rate
        self._mic: SampleRing | None = None
        self._ear: SampleRing | None = None
        self._streams: list[Any] = []
        self._lost = threading.Event()
        self.status = ""

    @property
    def is_open(self) -> bool:
        return bool(self._streams)

    def _rate_for(self, sd: Any, device: DeviceSpec, kind: str) -> int:
        check = sd.check_input_settings if kind == "input" else sd.check_output_settings
        try:
            check(device=device, channels=1, samplerate=self.bridge_rate, dtype="int16")
            return self.bridge_rate
        except (sd.PortAudioError, ValueError):  # the bridge rate is not supported
            return int(sd.query_devices(device, kind)["default_samplerate"])

    def open(self) -> str:
        try:
            sd = _sd()
            if self.use_input:
                self.in_rate = self._rate_for(sd, self.input_device, "input")
                self._mic = SampleRing(self.in_rate)
                mic = self._mic

                def on_input(indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
                    mic.write(indata[:, 0])  # PortAudio thread: copy only

                self._start(sd.InputStream, self.input_device, self.in_rate, on_input)
            if self.use_output:
                self.out_rate = self._rate_for(sd, self.output_device, "output")
                self._ear = SampleRing(self.out_rate)
                ear = self._ear

                def on_output(outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
                    ear.read_into(outdata[:, 0])  # PortAudio thread: copy only

                self._start(sd.OutputStream, self.output_device, self.out_rate, on_output)
        except Exception:  # noqa: BLE001 - PortAudio/device boundary: report a code, never crash
            self.close()
            self.status = "no_audio_device"
            return self.status
        self.status = ""
        return ""

    def _start(self, cls: Any, device: DeviceSpec, rate: int, callback: Any) -> None:
        stream = cls(
            device=device,
            channels=1,
            samplerate=rate,
            dtype="int16",
            latency="low",
            callback=callback,
            finished_callback=self._lost.set,
        )
        self._streams.append(stream)
        stream.start()

    # --- PJSIP clock thread -------------------------------------------------------------------
    def read_mic(self, n_bridge: int) -> np.ndarray:
        """One bridge frame of microphone audio (silence when closed or lost)."""
        mic = self._mic
        if mic is None or self._lost.is_set():
            return np.zeros(n_bridge, dtype=np.int16)
        if mic.available() > MAX_LATENCY_S * self.in_rate:
            mic.discard(keep=int(KEEP_LATENCY_S * self.in_rate))
        n_dev = round(n_bridge * self.in_rate / self.bridge_rate)
        return resample_linear(mic.read(n_dev), n_bridge)

    def write_ear(self, samples: np.ndarray) -> None:
        ear = self._ear
        if ear is None or self._lost.is_set():
            return
        if ear.available() > MAX_LATENCY_S * self.out_rate:
            return  # the device is not draining (stalled): drop rather than grow latency
        n_dev = round(len(samples) * self.out_rate / self.bridge_rate)
        ear.write(resample_linear(samples, n_dev))

    # --- worker main thread -------------------------------------------------------------------
    def check(self) -> str:
        """Return "audio_device_lost" once when a stream stopped on its own; closes the streams."""
        if not self._streams:
            return ""
        lost = self._lost.is_set() or any(not s.active for s in self._streams)
        if not lost:
            return ""
        self._lost.set()
        self.close()
        self.status = "audio_device_lost"
        return self.status

    def close(self) -> None:
        streams, self._streams = self._streams, []
        for stream in streams:
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001 - best-effort close; the device may already be gone
                pass
