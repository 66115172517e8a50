"""The desk's side of the floor (issue 14): publish this desk's state, watch the center's, send messages.

Qt-free. `FloorPublisher` is a thread that posts the desk's state to the hub when it changes and as a
heartbeat every HEARTBEAT_S (server/floor.py turns a desk that stops "offline"); messages from the
supervisor come back in the answers and are handed to `on_messages`, acknowledged by `ack(id)`.
`FloorWatcher` long-polls `GET /floor` for a supervisor's board or the wall. Network trouble never
reaches the operator: the publisher retries quietly, the watcher reports `None` (board: "hub not
reachable") and retries with backoff.

The state (`DeskState.compute`): `logged_out` (nobody logged in), `locked` (the idle lock or a locked
screen), `ringing` (calls ring and none is answered), `on_call` (a call on the line or held; `held` counts
the held calls), `wrap_up` (WRAP_UP_MS after a call
ended, while no call rings), `break` (the operator said so), else `ready`. `since_ms` is when the state
began on this desk.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)

HEARTBEAT_S = 2.0
WRAP_UP_MS = 15_000


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class DeskState:
    """What this desk is doing, kept by the composition from session, log-in and lock events."""

    operator: str | None = None
    locked: bool = False
    on_break: bool = False
    last_call_ended_ms: int | None = None
    call_started_ms: int | None = None
    ringing_since_ms: list[int] = field(default_factory=list)
    held: int = 0
    _state: str = "logged_out"
    _since_ms: int = field(default_factory=now_ms)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def compute(self, at_ms: int | None = None) -> dict[str, Any]:
        """The state to publish now, with the time it began (kept while the state stays the same)."""
        at = now_ms() if at_ms is None else at_ms
        with self._lock:
            if self.operator is None:
                state = "logged_out"
            elif self.locked:
                state = "locked"
            elif self.call_started_ms is not None or self.held:
                state = "on_call"
            elif self.ringing_since_ms:
                state = "ringing"
            elif self.on_break:
                state = "break"
            elif self.last_call_ended_ms is not None and at - self.last_call_ended_ms < WRAP_UP_MS:
                state = "wrap_up"
            else:
                state = "ready"
            if state != self._state:
                self._state, self._since_ms = state, at
            return {
                "state": state,
                "operator": self.operator,
                "since_ms": self._since_ms,
                "call_started_ms": self.call_started_ms,
                "ringing_since_ms": list(self.ringing_since_ms),
                "held": self.held,
            }

    def from_session(self, live_calls: list[Any], current: Any | None) -> None:
        """Follow the session: the answered call, the held calls, the calls ringing (their ring times).
        Only calls not answered yet ring; a held call keeps the desk on_call (its `held` count)."""
        at = now_ms()
        with self._lock:
            had_call = self.call_started_ms is not None or self.held > 0
            held = [c for c in live_calls if c is not current and getattr(c, "answered", False)]
            self.held = len(held)
            if current is None and held:  # the desk is still on a call: since the first answer of it
                current = min(held, key=lambda c: int(getattr(c, "answered_ms", 0) or at))
            self.call_started_ms = (getattr(current, "answered_ms", 0) or at) if current is not None else None
            if had_call and current is None:
                self.last_call_ended_ms = at
            self.ringing_since_ms = [int(getattr(c, "rang_ms", 0) or at) for c in live_calls
                                     if c is not current and not getattr(c, "answered", False)]


class FloorPublisher:
    """Posts this desk's state to the hub: at once when it changes, else every HEARTBEAT_S."""

    def __init__(
        self,
        server: str,
        token: str,
        state: DeskState,
        *,
        on_messages: Callable[[list[dict[str, Any]]], None] | None = None,
        verify: bool | ssl.SSLContext = True,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        self.url = server.rstrip("/") + "/floor/state"
        self.token = token
        self.state = state
        self.on_messages = on_messages
        self.heartbeat_s = heartbeat_s
        self.verify = verify
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._acks: set[str] = set()
        self._seen: set[str] = set()
        self._thread: threading.Thread | None = None
        self.sent = 0  # for tests and the bench

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="floor-publisher", daemon=True)
            self._thread.start()

    def poke(self) -> None:
        """Something changed: send now instead of at the next heartbeat."""
        self._wake.set()

    def ack(self, message_id: str) -> None:
        self._acks.add(message_id)
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(timeout=5.0, verify=self.verify, headers=headers) as client:
            last: dict[str, Any] | None = None
            next_beat = 0.0
            while not self._stop.is_set():
                body = {**self.state.compute(), "ack": sorted(self._acks)[:20]}
                due = time.monotonic() >= next_beat
                if body != last or due:
                    try:
                        resp = client.post(self.url, json=body)
                        if resp.status_code == 200:
                            self.sent += 1
                            last, next_beat = body, time.monotonic() + self.heartbeat_s
                            self._acks -= set(body["ack"])
                            self._deliver(resp.json().get("messages", []))
                        else:
                            next_beat = time.monotonic() + self.heartbeat_s * 2
                            log.info("floor: the hub answered %s", resp.status_code)
                    except (httpx.HTTPError, ValueError) as exc:
                        next_beat = time.monotonic() + self.heartbeat_s * 2
                        log.debug("floor: %s", exc)
                self._wake.wait(max(0.05, min(0.5, next_beat - time.monotonic())))
                self._wake.clear()

    def _deliver(self, messages: Any) -> None:
        if not isinstance(messages, list):
            return
        fresh = [m for m in messages if isinstance(m, dict) and isinstance(m.get("id"), str)
                 and isinstance(m.get("text"), str) and m["id"] not in self._seen]
        if fresh and self.on_messages is not None:
            self._seen.update(m["id"] for m in fresh)
            try:
                self.on_messages(fresh)
            except Exception:  # a view's failure must not stop the heartbeat
                log.exception("floor: message listener failed")


class FloorWatcher:
    """Long-polls the center's floor for a board: `on_floor(snapshot | None)` on every change."""

    def __init__(
        self,
        server: str,
        token: str,
        on_floor: Callable[[dict[str, Any] | None], None],
        *,
        verify: bool | ssl.SSLContext = True,
        wait_s: float = 2.0,
    ) -> None:
        self.base = server.rstrip("/")
        self.token = token
        self.on_floor = on_floor
        self.wait_s = wait_s
        self.verify = verify
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="floor-watcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        version = -1
        backoff = 0.5
        with httpx.Client(timeout=self.wait_s + 5.0, verify=self.verify, headers=headers) as client:
            while not self._stop.is_set():
                try:
                    resp = client.get(f"{self.base}/floor", params={"after": version, "wait": self.wait_s})
                    if resp.status_code != 200:
                        raise ValueError(f"the hub answered {resp.status_code}")
                    snap = resp.json()
                    version = int(snap.get("version", -1))
                    backoff = 0.5
                    self._emit(snap)
                except (httpx.HTTPError, ValueError, TypeError) as exc:
                    log.debug("floor watch: %s", exc)
                    self._emit(None)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, 10.0)

    def _emit(self, snap: dict[str, Any] | None) -> None:
        try:
            self.on_floor(snap)
        except Exception:  # a board's failure must not stop the watch
            log.exception("floor: board listener failed")


def send_message(server: str, token: str, to: str, text: str, *, verify: bool | ssl.SSLContext = True) -> str:
    """A supervisor's message to one desk (its site id) or to "all"; returns its id. ValueError naming
    the problem when the hub refuses it."""
    resp = httpx.post(server.rstrip("/") + "/floor/message", json={"to": to, "text": text},
                      headers={"Authorization": f"Bearer {token}"}, timeout=5.0, verify=verify)
    if resp.status_code != 201:
        try:
            detail = str(resp.json().get("detail", ""))
        except ValueError:
            detail = resp.text[:100]
        raise ValueError(f"the hub refused the message ({resp.status_code}: {detail})")
    return str(resp.json()["id"])
