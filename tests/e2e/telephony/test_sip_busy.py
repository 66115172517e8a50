"""Two real callers (two baresip agents) on one desk's SipCallSource: the busy setting (issue 14).

busy="reject": a second call while the operator is on a call gets 486 Busy Here (a PBX queue routes it
to a free desk); busy="ring": it rings through and waits on the desk, and the operator can hold the
first call and answer it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from .rig import Baresip, EventLog, make_tone_wav

pytestmark = [pytest.mark.sip, pytest.mark.timeout(60)]


def _ready(events: EventLog, timeout: float = 10.0) -> None:
    events.wait("status", timeout, where=lambda e: e[0].ready)


def _two_callers(rigdir: Path, baresip_factory: Any) -> tuple[Baresip, Baresip]:
    first = baresip_factory(make_tone_wav(rigdir / "caller1.wav", 1234.0))
    second = Baresip(rigdir / "second", make_tone_wav(rigdir / "caller2.wav", 987.0)).start()
    return first, second


def _first_on_the_line(source: Any, events: EventLog, first: Baresip) -> str:
    first.dial(f"sip:desk@127.0.0.1:{source.config.port}")
    ext_id, _, _ = events.wait("ring")
    source.answer(ext_id)
    first.wait_event("CALL_ESTABLISHED", 10)
    return str(ext_id)


def test_busy_reject_gives_the_second_caller_486(rigdir: Path, events, sip_source, baresip_factory) -> None:  # type: ignore[no-untyped-def]
    raw: list[dict[str, Any]] = []
    source = sip_source(busy="reject")
    source.add_listener(raw.append)
    _ready(events)
    first, second = _two_callers(rigdir, baresip_factory)
    try:
        ext1 = _first_on_the_line(source, events, first)
        second.dial(f"sip:desk@127.0.0.1:{source.config.port}")
        closed = second.wait_event("CALL_CLOSED", 10)
        assert "486" in json.dumps(closed), closed  # Busy Here
        time.sleep(0.3)
        assert len(events.of("ring")) == 1  # it never rang on the desk
        assert any(m.get("ev") == "busy_rejected" for m in raw)
        # once the line is free, the next call rings again
        source.hangup(ext1)
        first.wait_event("CALL_CLOSED", 10)
        time.sleep(0.3)
        second.dial(f"sip:desk@127.0.0.1:{source.config.port}")
        ext2, _, _ = events.wait("ring", 10, count=2)
        assert ext2 != ext1
        source.hangup(ext2)
    finally:
        second.stop()


def test_busy_ring_rings_through_and_hold_answers_the_second(
    rigdir: Path, events, sip_source, baresip_factory
) -> None:  # type: ignore[no-untyped-def]
    raw: list[dict[str, Any]] = []
    source = sip_source(busy="ring")
    source.add_listener(raw.append)
    _ready(events)
    first, second = _two_callers(rigdir, baresip_factory)
    try:
        ext1 = _first_on_the_line(source, events, first)
        second.dial(f"sip:desk@127.0.0.1:{source.config.port}")
        ext2, _, _ = events.wait("ring", 10, count=2)
        assert ext2 != ext1
        assert not any("486" in json.dumps(e) for e in second.events)
        source.hold(ext1, True)  # what the desk does on F2 during a call
        deadline = time.monotonic() + 10
        while not any(m.get("ev") == "call_state" and m.get("state") == "held" for m in list(raw)):
            assert time.monotonic() < deadline, raw
            time.sleep(0.05)
        source.answer(ext2)
        second.wait_event("CALL_ESTABLISHED", 10)
        source.hangup(ext2)
        second.wait_event("CALL_CLOSED", 10)
        source.hold(ext1, False)  # F4: back to the first caller
        source.hangup(ext1)
        first.wait_event("CALL_CLOSED", 10)
        assert not events.of("caller_hangup")  # the operator ended both
    finally:
        second.stop()
