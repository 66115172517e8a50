"""A real caller (baresip, sipp) against the desk's SipCallSource over loopback SIP/RTP."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import soundfile as sf

from operator_desk.telephony.audio import dominant_frequency, split_tracks
from operator_desk.telephony.audio.recorder import sha256_file

from .conftest import require_binaries
from .rig import RIG_DIR, EventLog, Kamailio, make_tone_wav, run_sipp

pytestmark = [pytest.mark.sip, pytest.mark.timeout(60)]

CALLER_HZ = 1234.0
OPERATOR_HZ = 700.0


def _ready(events: EventLog, timeout: float = 10.0) -> None:
    events.wait("status", timeout, where=lambda e: e[0].ready)


def test_call_rings_is_answered_carries_tones_both_ways_and_is_recorded(
    rigdir: Path, events, sip_source, baresip_factory
):
    source = sip_source()
    _ready(events)
    caller = baresip_factory(make_tone_wav(rigdir / "caller.wav", CALLER_HZ))
    caller.dial(f"sip:desk@127.0.0.1:{source.config.port}")

    ext_id, number, location = events.wait("ring")
    assert number == "caller"  # no P-Asserted-Identity on a direct call: the From user part
    assert location is None
    source.answer(ext_id)
    caller.wait_event("CALL_ESTABLISHED", 10)
    time.sleep(2.5)
    source.hangup(ext_id)

    rec_ext_id, path, duration_s, sha256 = events.wait("recording", 10)
    assert rec_ext_id == ext_id
    assert 2.0 <= duration_s <= 4.0
    assert sha256 == sha256_file(path)
    caller_track, operator_track, rate = split_tracks(path)
    assert rate == 8000
    assert abs(len(caller_track) / rate - duration_s) < 0.01
    assert abs(dominant_frequency(caller_track, rate) - CALLER_HZ) < 10
    assert abs(dominant_frequency(operator_track, rate) - OPERATOR_HZ) < 10
    assert not events.of("caller_hangup")  # the operator hung up

    # the caller heard the operator: baresip's decoded-audio dump carries 700 Hz
    caller.wait_event("CALL_CLOSED", 10)
    heard = [p for p in caller.recordings() if p.name.endswith("-dec.wav")]
    assert heard, f"baresip wrote no -dec.wav in {caller.record_dir}"
    data, heard_rate = sf.read(str(heard[0]), always_2d=True)
    assert abs(dominant_frequency(data[:, 0], heard_rate) - OPERATOR_HZ) < 10


def test_caller_hangs_up_while_ringing_gives_caller_hangup(rigdir: Path, events, sip_source, baresip_factory):
    source = sip_source()
    _ready(events)
    caller = baresip_factory(make_tone_wav(rigdir / "caller.wav", CALLER_HZ))
    caller.dial(f"sip:desk@127.0.0.1:{source.config.port}")
    ext_id, _, _ = events.wait("ring")
    caller.hangup()  # CANCEL before the desk answers
    assert events.wait("caller_hangup", 10) == (ext_id,)
    time.sleep(0.3)
    assert not events.of("recording")  # an unanswered call is not recorded


def test_registered_through_pbx_with_pai_and_hold(rigdir: Path, events, sip_source, baresip_factory):
    require_binaries("kamailio")
    pbx = Kamailio(rigdir, add_pai=True).start()
    try:
        raw: list[dict] = []
        source = sip_source(registrar=f"sip:127.0.0.1:{pbx.port}", user="desk", password="secret")
        source.add_listener(raw.append)
        _ready(events, 15)
        caller = baresip_factory(make_tone_wav(rigdir / "caller.wav", CALLER_HZ))
        caller.dial(f"sip:desk@127.0.0.1:{pbx.port}")
        ext_id, number, _ = events.wait("ring", 10)
        assert number == "+6281234567890"  # P-Asserted-Identity added by the PBX wins over From
        source.answer(ext_id)
        caller.wait_event("CALL_ESTABLISHED", 10)
        source.hold(ext_id, True)
        _wait_raw(raw, "held")
        source.hold(ext_id, False)
        _wait_raw(raw, "resumed")
        time.sleep(1.5)  # audio flows again after the re-INVITE (pitfall 4)
        caller.hangup()  # the caller ends the answered call
        assert events.wait("caller_hangup", 10) == (ext_id,)
        _, path, duration_s, _ = events.wait("recording", 10)
        caller_track, _, rate = split_tracks(path)
        tail = caller_track[-rate:]  # the last second: after unhold
        assert abs(dominant_frequency(tail, rate) - CALLER_HZ) < 10
    finally:
        pbx.stop()


def _wait_raw(raw: list[dict], state: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(m.get("ev") == "call_state" and m.get("state") == state for m in list(raw)):
            return
        time.sleep(0.02)
    raise AssertionError(f"no call_state {state} within {timeout}s: {raw}")


def test_ng112_invite_with_pidf_lo_gives_device_location(rigdir: Path, events, sip_source):
    require_binaries("sipp")
    source = sip_source()
    _ready(events)
    sipp = run_sipp(rigdir, RIG_DIR / "sipp_ng112_pidflo_uac.xml", f"127.0.0.1:{source.config.port}")
    try:
        ext_id, number, location = events.wait("ring", 10)
        assert number == "+6281234567890"
        assert location is not None
        assert location["lat"] == pytest.approx(-3.41230)
        assert location["lon"] == pytest.approx(114.84560)
        assert location["radius_m"] == pytest.approx(15)
        assert location["source"] == "pidf"
        source.answer(ext_id)
        time.sleep(0.5)
        source.hangup(ext_id)
        assert sipp.wait(timeout=20) == 0, (rigdir / "sipp.log").read_text(errors="replace")[-2000:]
    finally:
        if sipp.poll() is None:
            sipp.kill()
            sipp.wait()


def test_worker_crash_is_reported_and_worker_restarts(events, sip_source):
    source = sip_source()
    _ready(events)
    pid = source.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGSEGV)  # what a native crash in PJSIP looks like to the desk
    crashed = events.wait("status", 10, where=lambda e: e[0].detail == "worker_crashed")
    assert crashed[0].ready is False
    events.wait("status", 15, where=lambda e: e[0].ready, count=2)
    assert source.worker_pid not in (None, pid)
    assert source.status().ready


def test_port_in_use_is_reported_not_hidden_as_a_crash(events, sip_source):
    first = sip_source()
    _ready(events)
    sip_source(port=first.config.port)  # the same SIP port: PJSIP cannot bind it
    failed = events.wait("status", 10, where=lambda e: e[0].detail == "sip_start_failed")
    assert failed[0].ready is False
