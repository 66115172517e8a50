"""The per-call audio bridge port inside PJSIP's conference bridge (SIP worker process only).

PJSIP's wheel has no sound device (pitfall 1): the endpoint runs on the null device and each call
gets one `BridgePort`, connected both ways to the call's audio media. On every bridge clock tick
(20 ms) PJSIP asks the port for the operator's frame (`onFrameRequested`: headset microphone or a
test tone) and hands it the caller's frame (`onFrameReceived`: to the earpiece). Both frames of a
tick are pushed together to the recorder, which keeps the two tracks sample-aligned.

Both callbacks run on PJSIP's clock thread: they only copy into ring buffers / queues, and never
raise (an exception escaping a SWIG director would take the worker down).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pjsua2 as pj

from operator_desk.telephony.audio.headset import Headset
from operator_desk.telephony.audio.recorder import CallRecorder

FRAME_TIME_US = 20_000


class BridgePort(pj.AudioMediaPort):
    """One call's tap: operator audio in, caller audio out, both to the recorder."""

    def __init__(self, name: str, clock_rate: int, operator_source: Callable[[int], np.ndarray]) -> None:
        super().__init__()
        self.clock_rate = clock_rate
        self.frame_samples = clock_rate * FRAME_TIME_US // 1_000_000
        self._silence = np.zeros(self.frame_samples, dtype=np.int16)
        self._operator_source = operator_source
        self._pending_operator: np.ndarray | None = None
        self.recorder: CallRecorder | None = None
        self.headset: Headset | None = None
        self.ticks = 0
        self.callback_errors = 0
        fmt = pj.MediaFormatAudio()
        fmt.init(pj.PJMEDIA_FORMAT_PCM, clock_rate, 1, FRAME_TIME_US, 16)
        self.createPort(name, fmt)

    def set_operator_source(self, source: Callable[[int], np.ndarray]) -> None:
        self._operator_source = source

    # --- PJSIP clock thread -------------------------------------------------------------------
    def onFrameRequested(self, frame: pj.MediaFrame) -> None:
        try:
            samples = self._operator_source(self.frame_samples)
            if self._pending_operator is not None and self.recorder is not None:
                # last tick's operator frame got no caller frame: record it against silence
                self.recorder.push(self._silence, self._pending_operator)
            self._pending_operator = samples
            data = samples.tobytes()
            frame.buf = pj.ByteVector(data)
            frame.size = len(data)
            frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
            self.ticks += 1
        except Exception:  # noqa: BLE001 - PJSIP media callback: nothing may escape into C++
            self.callback_errors += 1

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        try:
            if frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO and frame.size > 0:
                caller = np.frombuffer(bytes(frame.buf), dtype="<i2")
            else:
                caller = self._silence
            headset = self.headset
            if headset is not None:
                headset.write_ear(caller)
            operator = self._pending_operator
            self._pending_operator = None
            recorder = self.recorder
            if recorder is not None:
                recorder.push(caller, operator if operator is not None else self._silence)
        except Exception:  # noqa: BLE001 - PJSIP media callback: nothing may escape into C++
            self.callback_errors += 1
