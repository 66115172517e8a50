"""Fixtures for the telephony e2e tests: a temp rig dir, a desk-side SipCallSource, rig processes.

Tests SKIP only when a binary or library of the rig is missing (the reason names it); CI installs
baresip-core sip-tester kamailio sox pulseaudio pulseaudio-utils libasound2-plugins libportaudio2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .rig import Baresip, EventLog, PulseAudio, Workdir, free_port, free_udp_tcp_port, missing_binaries


def require_binaries(*names: str) -> None:
    missing = missing_binaries(*names)
    if missing:
        pytest.skip(
            f"telephony rig binaries missing: {', '.join(missing)} (apt-get install the rig packages)"
        )


def require_pjsua2() -> None:
    try:
        import pjsua2  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"pjsua2 wheel not installed: {exc} (pip install pjsua2-python==2.15.1.post1)")


def require_portaudio() -> None:
    try:
        import sounddevice  # noqa: F401
    except OSError as exc:
        pytest.skip(f"PortAudio library missing: {exc} (apt-get install libportaudio2)")


@pytest.fixture
def rigdir() -> Iterator[Path]:
    wd = Workdir()
    yield wd.path
    wd.cleanup()


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def sip_source(rigdir: Path, events: EventLog) -> Iterator[Callable[..., Any]]:
    """Factory: start a SipCallSource (direct calls on a free port unless overridden); stopped at the end."""
    from operator_desk.telephony.sip import SipCallSource, SipConfig

    require_pjsua2()
    started: list[Any] = []

    def make(**overrides: Any) -> Any:
        settings: dict[str, Any] = {
            "port": free_udp_tcp_port(),
            "rtp_port": 30000 + free_port() % 20000,
            "recordings_dir": str(rigdir / "recordings"),
            "headset": False,
            "operator_tone_hz": 700.0,
            "log_level": 3,
        }
        settings.update(overrides)
        source = SipCallSource(
            SipConfig(**settings), worker_log=rigdir / f"worker{len(started)}.log", restart_delays=(0.2,)
        )
        source.start(events)
        started.append(source)
        return source

    yield make
    for source in started:
        source.stop()


@pytest.fixture
def baresip_factory(rigdir: Path) -> Iterator[Callable[[Path], Baresip]]:
    require_binaries("baresip")
    started: list[Baresip] = []

    def make(caller_wav: Path) -> Baresip:
        b = Baresip(rigdir, caller_wav).start()
        started.append(b)
        return b

    yield make
    for b in started:
        b.stop()


@pytest.fixture
def pulse(rigdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseAudio]:
    """A private PulseAudio with null sinks vsink, mic and ear; this process and children use it."""
    require_binaries("pulseaudio", "pactl", "parec", "paplay")
    require_portaudio()
    pa = PulseAudio(rigdir, extra_sinks=("mic", "ear")).start()
    for key, value in pa.env.items():
        monkeypatch.setenv(key, value)
    import sounddevice as sd

    sd._terminate()  # PortAudio lists ALSA's "pulse" device only if a server answered at init time
    sd._initialize()
    yield pa
    pa.stop()
