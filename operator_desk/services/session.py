"""The operator's current call: what rings, what is answered, how it ends. Qt-free.

A call source reports rings and hang-ups; the operator's keys become commands here. Every step is
handed to the store's writer at once (a killed desk keeps the ring, the answer and the outcome) but
never waited for: the operator's next key is not held up by a write. Writes of one desk are applied in
the order they were given; one that fails is reported to the `write_failed` listeners (any thread).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from ..domain.enums import CallOutcome, CallSourceKind
from ..domain.ids import new_id
from ..telephony.source import CallSource
from .calls import CallService

log = logging.getLogger(__name__)

@dataclass
class LiveCall:
    """A call on this desk that has not ended yet."""

    call_id: str
    ext_id: str | None
    number_raw: str
    answered: bool = False
    caller_gone: bool = False
    device_location: dict[str, Any] | None = None
    rang_ms: int = 0  # when it started ringing here (wall clock): the floor's waits
    answered_ms: int = 0
    held_ms: int = 0  # when it was put on hold (0: not held); the bar shows how long it waits


class DeskSession:
    """Ringing queue, the current call and the held calls of one operator position.

    Several calls on one desk (issue 14): at most one call is `current` (on the line); answered calls
    the operator put aside are `held` (newest last) and calls not answered yet are `ringing` (oldest
    first). F2 while on a call holds the current call and answers the oldest ringing one; F4 holds the
    current call, or returns to the last held one (swapping when both exist). Every hold and return is
    written as an audit event of its call (`call_hold` / `call_resume`)."""

    def __init__(self, calls: CallService, source: CallSource) -> None:
        self.calls = calls
        self.source = source
        self.ringing: list[LiveCall] = []
        self.current: LiveCall | None = None
        self.held: list[LiveCall] = []
        self._emergency_id: str | None = None  # the call the incident form was opened for (F9)
        self.recent_ext: dict[str, str] = {}  # source handle -> call id, for events after the hang-up
        self._listeners: list[Callable[[], None]] = []
        self.write_failed: list[Callable[[BaseException], None]] = []
        self._pending: set[Future[Any]] = set()
        self._written = threading.Condition()

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _track(self, future: Future[Any] | None) -> None:
        """Keep an eye on a write handed to the store; report it if it fails."""
        if future is None:  # a write that was waited for (wait=True) has nothing left to watch
            return
        with self._written:
            self._pending.add(future)

        def done(f: Future[Any]) -> None:
            exc = f.exception()
            if exc is not None:
                log.error("call write failed: %s", exc, exc_info=exc)
                for listener in list(self.write_failed):
                    listener(exc)
            with self._written:  # only now: whoever waits has also seen the failure reported
                self._pending.discard(f)
                self._written.notify_all()

        future.add_done_callback(done)

    def wait_written(self, timeout: float = 10.0) -> bool:
        """Block until every write given so far is committed (or reported); False on time-out.
        Tests, shutdown, the CLI — never a slot."""
        with self._written:
            return self._written.wait_for(lambda: not self._pending, timeout)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- events from the call source (on the GUI thread, marshalled by the UI) ---------------------
    def ring(self, ext_id: str, number_raw: str, device_location: dict[str, Any] | None = None) -> LiveCall:
        call_id = new_id()
        self._track(self.calls.ring(number_raw, source=self.source.kind, device_location=device_location,
                                    call_id=call_id, wait=False))
        live = LiveCall(call_id, ext_id, number_raw, device_location=device_location, rang_ms=int(time.time() * 1000))
        self.ringing.append(live)
        self.recent_ext[ext_id] = call_id
        if len(self.recent_ext) > 200:
            self.recent_ext.pop(next(iter(self.recent_ext)))
        self._notify()
        return live

    def caller_hangup(self, ext_id: str) -> None:
        for live in self.ringing:
            if live.ext_id == ext_id:
                self.ringing.remove(live)
                self._track(self.calls.abandon(live.call_id, wait=False))  # a callback item for the shift
                self._notify()
                return
        for live in [*([self.current] if self.current else []), *self.held]:
            if live.ext_id == ext_id:
                live.caller_gone = True  # still the operator's to close with its outcome
                self._notify()
                return

    def live_calls(self) -> list[LiveCall]:
        return [*([self.current] if self.current else []), *self.held, *self.ringing]

    def device_location_attached(self, call_id: str, location: dict[str, Any]) -> LiveCall | None:
        """A device location (AML, PIDF) was stored for this call: keep it with the live call too."""
        for live in self.live_calls():
            if live.call_id == call_id:
                live.device_location = location
                self._notify()
                return live
        return None

    # -- operator commands ----------------------------------------------------------------------------
    def answer(self) -> LiveCall:
        """F2: pick up the oldest ringing call, or open a manual call when none rings (and nothing is
        held). On a call with another ringing, the current call goes on hold first."""
        if self.current is not None:
            if not self.ringing:
                return self.current
            self._put_on_hold()
        elif self.held and not self.ringing:
            return self._resume()  # nothing rings: F2 takes back the held caller, never a manual call
        if self.ringing:
            live = self.ringing.pop(0)
            self._track(self.calls.answer(live.call_id, wait=False))
            if live.ext_id is not None:
                self.source.answer(live.ext_id)
        else:
            call_id = new_id()
            self._track(self.calls.ring("", source=CallSourceKind.MANUAL, call_id=call_id, wait=False))
            self._track(self.calls.answer(call_id, wait=False))
            live = LiveCall(call_id, None, "")
        live.answered = True
        live.answered_ms = int(time.time() * 1000)
        self.current = live
        self._notify()
        return live

    def _put_on_hold(self) -> None:
        live = self.current
        assert live is not None
        live.held_ms = int(time.time() * 1000)
        self.held.append(live)
        self.current = None
        self._track(self.calls.hold(live.call_id, True, wait=False))
        if live.ext_id is not None and not live.caller_gone:
            self.source.hold(live.ext_id, True)

    def _resume(self) -> LiveCall:
        live = self.held.pop()
        live.held_ms = 0
        self.current = live
        self._track(self.calls.hold(live.call_id, False, wait=False))
        if live.ext_id is not None and not live.caller_gone:
            self.source.hold(live.ext_id, False)
        self._notify()
        return live

    def hold(self) -> LiveCall | None:
        """F4: hold the current call; with none on the line, return to the last held one; with both,
        swap them. Returns the call now on the line (None when the current call went on hold)."""
        if self.current is None:
            return self._resume() if self.held else None
        if self.held:
            back = self.held.pop()
            self._put_on_hold()
            self.held.append(back)  # [..., the one just held, back]: the next F4 swaps again
            return self._resume()
        self._put_on_hold()
        self._notify()
        return None

    def close(self, outcome: str, notes: str | None = None, incident_id: str | None = None) -> str | None:
        """F5–F8 (and the end of an emergency): log the outcome and free the line. Held calls stay
        held: the operator returns to them with F4 (or F2 when nothing rings)."""
        live = self.current
        if live is None:
            if not self.ringing:
                return None
            live = self.answer()
        self._track(self.calls.close(live.call_id, outcome, notes=notes, incident_id=incident_id, wait=False))
        if live.ext_id is not None and not live.caller_gone:
            self.source.hangup(live.ext_id)
        self.current = None
        self._notify()
        return live.call_id

    def emergency_call(self) -> LiveCall:
        """F9: the current call (answered now if it was still ringing) becomes an emergency."""
        live = self.current or self.answer()
        self._emergency_id = live.call_id
        return live

    def finish_emergency(self, incident_id: str) -> str | None:
        """The incident was saved: its call ends as an emergency — the call F9 was pressed on, even when
        the operator has put it on hold since and another call is on the line."""
        emergency_id, self._emergency_id = self._emergency_id, None
        held = next((h for h in self.held if h.call_id == emergency_id), None)
        if held is None:  # on the line (the usual case), or no call at all: never a ringing one
            return self.close(CallOutcome.EMERGENCY, incident_id=incident_id) if self.current else None
        self.held.remove(held)
        self._track(self.calls.close(held.call_id, CallOutcome.EMERGENCY, incident_id=incident_id, wait=False))
        if held.ext_id is not None and not held.caller_gone:
            self.source.hangup(held.ext_id)
        self._notify()
        return held.call_id
