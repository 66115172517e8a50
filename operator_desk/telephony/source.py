"""The `CallSource` interface: where calls come from (SIP softphone, simulator, manual entry).

A source reports events to a `CallEvents` sink. Sinks may be called from any thread (the SIP source's
reader thread, the simulator's caller): the desk's implementation marshals them to its own threads.
`ext_id` is the source's own handle of a call (a SIP Call-ID, a simulator counter).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SourceStatus:
    """What the status bar shows of the source: e.g. a softphone that lost its registration."""

    kind: str  # "sip" | "simulator" | "manual"
    ready: bool  # registered / able to receive calls
    detail: str = ""  # a code, e.g. "not_registered", "no_audio_device"


class CallEvents(Protocol):
    """What a source tells the desk."""

    def on_ring(self, ext_id: str, number_raw: str, device_location: dict[str, Any] | None) -> None: ...

    def on_caller_hangup(self, ext_id: str) -> None: ...

    def on_device_location(self, number_raw: str, location: dict[str, Any]) -> None: ...

    def on_status(self, status: SourceStatus) -> None: ...

    def on_recording(self, ext_id: str, path: str, duration_s: float, sha256: str) -> None:
        """An answered call's recording is complete (2-channel FLAC: caller left, operator right).

        Default no-op, so sinks written before recordings existed keep working. Sources call it as
        `getattr(events, "on_recording", None)` for sinks that do not inherit this Protocol.
        """
        return None


class CallSource(ABC):
    """A provider of calls. `answer`/`hangup`/`hold` act on the source's call `ext_id`."""

    kind: str = "manual"

    @abstractmethod
    def start(self, events: CallEvents) -> None: ...

    @abstractmethod
    def answer(self, ext_id: str) -> None: ...

    @abstractmethod
    def hangup(self, ext_id: str) -> None: ...

    def hold(self, ext_id: str, on: bool) -> None:  # noqa: B027 - optional for sources without media
        """Put the call on hold (no-op where the source carries no audio)."""

    @abstractmethod
    def stop(self) -> None: ...

    def status(self) -> SourceStatus:
        return SourceStatus(self.kind, True)


class ManualSource(CallSource):
    """Manual entry when telephony is down: the operator opens a call with F2; nothing rings."""

    kind = "manual"

    def start(self, events: CallEvents) -> None:
        self._events = events
        events.on_status(self.status())

    def answer(self, ext_id: str) -> None:
        pass  # nothing to pick up: the operator opened the call by hand

    def hangup(self, ext_id: str) -> None:
        pass

    def stop(self) -> None:
        pass


class SimulatorSource(CallSource):
    """Training and tests: `ring(number)` makes a call ring on the desk, `caller_hangup` ends it.
    Any number of calls may ring or be on the desk at once (each has its own `sim-N` handle)."""

    kind = "simulator"

    def __init__(self) -> None:
        self._events: CallEvents | None = None
        self._counter = 0
        self.answered: list[str] = []
        self.hung_up: list[str] = []
        self.held: list[tuple[str, bool]] = []  # (ext_id, on) in the order the desk asked

    def start(self, events: CallEvents) -> None:
        self._events = events
        events.on_status(self.status())

    def ring(self, number: str, location: dict[str, Any] | None = None) -> str:
        if self._events is None:
            raise RuntimeError("simulator not started")
        self._counter += 1
        ext_id = f"sim-{self._counter}"
        self._events.on_ring(ext_id, number, location)
        return ext_id

    def caller_hangup(self, ext_id: str) -> None:
        if self._events is not None:
            self._events.on_caller_hangup(ext_id)

    def send_location(self, number: str, location: dict[str, Any]) -> None:
        if self._events is not None:
            self._events.on_device_location(number, location)

    def answer(self, ext_id: str) -> None:
        self.answered.append(ext_id)

    def hangup(self, ext_id: str) -> None:
        self.hung_up.append(ext_id)

    def hold(self, ext_id: str, on: bool) -> None:
        self.held.append((ext_id, on))

    def stop(self) -> None:
        self._events = None
