"""Ring buffer, DSP helpers and the 2-channel FLAC call recorder (no sound device needed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from operator_desk.telephony.audio.dsp import (
    SILENCE_DBFS,
    ToneGenerator,
    dominant_frequency,
    resample_linear,
    rms_dbfs,
)
from operator_desk.telephony.audio.recorder import CallRecorder, open_plaintext, split_tracks
from operator_desk.telephony.audio.ringbuffer import SampleRing
from operator_desk.telephony.audio.ringtone import ring_cycle


def test_ring_wraps_and_keeps_order() -> None:
    ring = SampleRing(8)
    assert ring.write(np.arange(6, dtype=np.int16)) == 6
    assert ring.read(4).tolist() == [0, 1, 2, 3]
    assert ring.write(np.arange(10, 16, dtype=np.int16)) == 6  # wraps around the end
    assert ring.read(8).tolist() == [4, 5, 10, 11, 12, 13, 14, 15]


def test_ring_overrun_drops_new_and_underrun_gives_silence() -> None:
    ring = SampleRing(4)
    assert ring.write(np.arange(1, 7, dtype=np.int16)) == 4
    assert ring.overruns == 2
    assert ring.read(6).tolist() == [1, 2, 3, 4, 0, 0]
    assert ring.underruns == 2


def test_ring_discard_keeps_newest() -> None:
    ring = SampleRing(16)
    ring.write(np.arange(10, dtype=np.int16))
    ring.discard(keep=3)
    assert ring.read(3).tolist() == [7, 8, 9]


def test_tone_is_continuous_across_frames() -> None:
    gen = ToneGenerator(1000.0, 8000, amplitude=0.5)
    joined = np.concatenate([gen.next_int16(160) for _ in range(50)])
    whole = ToneGenerator(1000.0, 8000, amplitude=0.5).next_int16(8000)
    assert np.max(np.abs(joined.astype(int) - whole.astype(int))) <= 1
    assert dominant_frequency(joined, 8000) == pytest.approx(1000.0, abs=2)


def test_levels() -> None:
    assert rms_dbfs(np.zeros(100, dtype=np.int16)) == SILENCE_DBFS
    full = ToneGenerator(440.0, 8000, amplitude=1.0).next_int16(8000)
    assert rms_dbfs(full) == pytest.approx(-3.01, abs=0.1)  # a full-scale sine


def test_resample_keeps_frequency() -> None:
    tone = ToneGenerator(700.0, 8000).next_int16(8000)
    up = resample_linear(tone, 48000)
    assert len(up) == 48000
    assert dominant_frequency(up, 48000) == pytest.approx(700.0, abs=2)


def test_ring_cycle_pattern() -> None:
    cycle = ring_cycle(880.0, 8000)
    assert len(cycle) == int(3.0 * 8000)
    assert np.abs(cycle[int(2.0 * 8000) :]).max() == 0.0  # the long pause
    assert dominant_frequency(cycle[:3200], 8000) == pytest.approx(880.0, abs=5)


def test_recorder_writes_aligned_tracks_with_hash_and_duration(tmp_path: Path) -> None:
    rec = CallRecorder(tmp_path / "calls" / "c1.flac", 8000)
    caller = ToneGenerator(1234.0, 8000)
    operator = ToneGenerator(700.0, 8000)
    for _ in range(100):  # 2 s of 20 ms frames
        rec.push(caller.next_int16(160), operator.next_int16(160))
    result = rec.close()
    assert rec.close() == result  # idempotent
    assert result.frames == 16000 and result.duration_s == 2.0 and result.error == ""
    # sealed at rest (store/keys.py); the hash in the call record is the plaintext FLAC's
    assert not Path(result.path).read_bytes().startswith(b"fLaC")
    with open_plaintext(result.path) as f:
        plain = f.read()
    assert plain.startswith(b"fLaC") and result.sha256 == hashlib.sha256(plain).hexdigest()
    c, o, rate = split_tracks(result.path)
    assert rate == 8000 and len(c) == len(o) == 16000
    assert dominant_frequency(c, rate) == pytest.approx(1234.0, abs=2)
    assert dominant_frequency(o, rate) == pytest.approx(700.0, abs=2)
    rec.push(caller.next_int16(160), operator.next_int16(160))  # after close: ignored, no error
