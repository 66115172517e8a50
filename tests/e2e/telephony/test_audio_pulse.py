"""Audio against a private PulseAudio null sink: ring tone, level meter, headset bridged to a call."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from operator_desk.telephony.audio import LevelMeter, RingTone, dominant_frequency, list_devices, split_tracks

from .rig import EventLog, capture_pulse, make_call_recording, make_tone_wav, play_pulse, stop_process

pytestmark = [pytest.mark.audio, pytest.mark.timeout(60)]

CALLER_HZ = 1234.0
MIC_HZ = 700.0


def test_devices_are_listed(pulse):
    devices = list_devices()
    names = [d.name for d in devices]
    assert "pulse" in names
    dev = devices[names.index("pulse")]
    assert dev.max_input_channels > 0 and dev.max_output_channels > 0


def test_ring_tone_is_heard_on_the_output_device(pulse):
    tone = RingTone(device="pulse", freq_hz=880.0)
    tone.start()
    try:
        assert tone.playing
        captured = capture_pulse(pulse, "vsink.monitor", 1.0)
    finally:
        tone.stop()
    assert not tone.playing
    assert len(captured) > 20000
    assert np.abs(captured).max() > 3000  # not silence
    assert abs(dominant_frequency(captured, 48000) - 880.0) < 10


def test_level_meter_sees_a_tone(pulse, rigdir: Path):
    meter = LevelMeter(device="pulse")
    meter.start()
    player = play_pulse(pulse, "vsink", make_tone_wav(rigdir / "meter.wav", 440.0, 8.0))
    try:
        # a null sink's monitor delivers in bursts after ~2 s: poll like the settings dialog does
        deadline = time.monotonic() + 6.0
        loud = meter.level_dbfs()
        while loud < -30.0 and time.monotonic() < deadline:
            time.sleep(0.1)
            loud = meter.level_dbfs()
    finally:
        stop_process(player)
        meter.stop()
    assert -30.0 < loud <= 0.0


def _bridged_call(rigdir: Path, pulse, events: EventLog, sip_source, baresip_factory):
    pulse.pactl("set-default-source", "mic.monitor")  # the operator's microphone
    pulse.pactl("set-default-sink", "ear")  # the operator's earpiece
    source = sip_source(headset=True, operator_tone_hz=0.0, input_device="pulse", output_device="pulse")
    events.wait("status", 10, where=lambda e: e[0].ready)
    caller = baresip_factory(make_tone_wav(rigdir / "caller.wav", CALLER_HZ))
    mic = play_pulse(pulse, "mic", make_tone_wav(rigdir / "mic.wav", MIC_HZ, 10.0, 48000))
    caller.dial(f"sip:desk@127.0.0.1:{source.config.port}")
    ext_id, _, _ = events.wait("ring")
    source.answer(ext_id)
    caller.wait_event("CALL_ESTABLISHED", 10)
    return source, caller, mic, ext_id


@pytest.mark.sip
def test_headset_is_bridged_to_the_call(rigdir: Path, pulse, events, sip_source, baresip_factory):
    source, caller, mic, ext_id = _bridged_call(rigdir, pulse, events, sip_source, baresip_factory)
    try:
        time.sleep(0.5)
        heard = capture_pulse(pulse, "ear.monitor", 1.5)  # the operator hears the caller
        source.hangup(ext_id)
    finally:
        stop_process(mic)
    assert abs(dominant_frequency(heard, 48000) - CALLER_HZ) < 10
    _, path, _, _ = events.wait("recording", 10)
    caller_track, operator_track, rate = split_tracks(path)
    assert abs(dominant_frequency(operator_track[len(operator_track) // 2 :], rate) - MIC_HZ) < 10
    assert abs(dominant_frequency(caller_track, rate) - CALLER_HZ) < 10
    caller.wait_event("CALL_CLOSED", 10)
    dec = [p for p in caller.recordings() if p.name.endswith("-dec.wav")]
    data, dec_rate = sf.read(str(dec[0]), always_2d=True)
    assert abs(dominant_frequency(data[:, 0], dec_rate) - MIC_HZ) < 10  # the caller hears the operator


@pytest.mark.sip
def test_headset_lost_mid_call_keeps_the_call_going(rigdir: Path, pulse, events, sip_source, baresip_factory):
    source, caller, mic, ext_id = _bridged_call(rigdir, pulse, events, sip_source, baresip_factory)
    time.sleep(0.5)
    stop_process(mic)
    pulse.stop()  # the headset disappears: the whole sound server goes away
    lost = events.wait("status", 10, where=lambda e: e[0].detail == "audio_device_lost")
    assert lost[0].ready  # the softphone itself is still fine
    time.sleep(1.5)
    assert source.worker_pid is not None
    assert not events.of("caller_hangup")
    source.hangup(ext_id)
    _, path, duration_s, _ = events.wait("recording", 10)
    assert duration_s > 1.8  # recording went on after the loss
    caller_track, _, rate = split_tracks(path)
    assert abs(dominant_frequency(caller_track[-rate:], rate) - CALLER_HZ) < 10
    caller.wait_event("CALL_CLOSED", 10)


def test_replay_widget_plays_a_recording_on_the_device(qtbot, pulse, rigdir: Path):
    from operator_desk.ui.replay import ReplayWidget

    widget = ReplayWidget(device="pulse")
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.load(make_call_recording(rigdir / "replay.flac", 4.0))
    widget.set_speed(2.0)
    widget.toggle_play()
    assert widget.player.playing, widget.player.last_error
    heard = capture_pulse(pulse, "vsink.monitor", 0.5)
    qtbot.waitUntil(lambda: widget.player.position_s > 1.0, timeout=5000)
    widget.toggle_play()  # pause
    assert not widget.player.playing
    paused_at = widget.player.position_s
    qtbot.wait(200)
    assert widget.player.position_s == paused_at
    # both tracks are played (caller left, operator right), an octave up at 2x speed
    peak = dominant_frequency(heard, 48000)
    assert min(abs(peak - 2 * 1234.0), abs(peak - 2 * 700.0)) < 15
