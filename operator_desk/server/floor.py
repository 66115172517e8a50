"""The floor: what every desk of the center is doing now (issue 14), on a light channel beside the log.

Desks `POST /floor/state` their state — who is logged in, ready / ringing / on_call / wrap_up / break /
locked / logged_out, since when, the current call's start, the start of each call ringing on it — when it
changes and as a heartbeat every couple of seconds. Supervisors' boards and the wall `GET /floor`
(long-poll: `?after=VERSION&wait=S` answers as soon as anything changed). Nothing here is durable sync:
a desk that stops sending is shown `offline` once OFFLINE_AFTER_MS passed without a heartbeat, and a
restarted hub simply learns the floor again from the next heartbeats.

State CHANGES (not heartbeats) are also appended to `floor_events` (SQLite in the hub's data dir:
site, operator, state, at) for the statistics of operator time ready / on call / wrap-up / break.

A supervisor sends a short message to one desk or to all (`POST /floor/message`); the desk gets it in the
answer to its next heartbeat and acknowledges it (`ack` in its next state), which the board shows.

Every body is hostile input: sizes, types, states, counts and times are checked; a desk speaks only for
its own credential's site; only supervisor desks, admins and walls read the floor; only supervisor
desks and admins send messages. Messages are kept per desk up to MAX_MESSAGES.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..sync import protocol as p
from . import limits
from .records import Site

STATES = ("ready", "ringing", "on_call", "wrap_up", "break", "locked", "logged_out")
OFFLINE_AFTER_MS = 6_000
HEARTBEAT_S = 2.0
MAX_RINGING = 50
MAX_TEXT = 280
MAX_NAME = 80
MAX_MESSAGES = 20
MAX_WAIT_S = 25.0
MAX_SKEW_MS = 24 * 3600 * 1000


class FloorError(p.ProtocolError):
    """A floor request that does not fit (400) or may not be made (403)."""


@dataclass
class DeskState:
    site_id: str
    site_name: str
    operator: str | None
    state: str
    since_ms: int
    call_started_ms: int | None
    ringing_since_ms: list[int]
    last_seen_ms: int
    acked: list[str] = field(default_factory=list)
    held: int = 0  # hold14: calls this desk holds (the desk stays on_call)

    def public(self, now_ms: int) -> dict[str, Any]:
        d = asdict(self)
        d["offline"] = now_ms - self.last_seen_ms > OFFLINE_AFTER_MS
        if d["offline"]:
            d["state"] = "offline"
            d["since_ms"] = self.last_seen_ms
        return d


@dataclass
class Message:
    id: str
    to: str  # a site id, or "all"
    text: str
    sender: str
    at_ms: int
    acked_by: list[str] = field(default_factory=list)


def _int(body: dict[str, Any], key: str, *, low: int, high: int, optional: bool = False) -> int | None:
    v = body.get(key)
    if v is None and optional:
        return None
    if type(v) is not int or not low <= v <= high:
        raise FloorError(f"{key}: expected an integer in [{low}, {high}]")
    return v


def _text(v: Any, key: str, limit: int, *, optional: bool = False) -> str | None:
    if v is None and optional:
        return None
    if not isinstance(v, str) or not v.strip() or len(v) > limit or any(ord(c) < 32 for c in v):
        raise FloorError(f"{key}: expected a line of text of at most {limit} characters")
    return v.strip()


class Floor:
    """The hub's floor: latest state per desk, messages, and the events log. Thread-safe."""

    def __init__(self, data_dir: Path | None, now_ms: Callable[[], int] | None = None) -> None:
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))
        self.desks: dict[str, DeskState] = {}
        self.messages: list[Message] = []
        self.version = 0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._db: sqlite3.Connection | None = None
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(data_dir / "floor-events.sqlite"), check_same_thread=False,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS floor_events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, "
                "site_id TEXT NOT NULL, operator TEXT, state TEXT NOT NULL)"
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        self.version += 1
        for fn in list(self._listeners):
            with contextlib.suppress(Exception):
                fn()

    # -- a desk reports ---------------------------------------------------------------------------
    def report(self, site: Site, body: Any) -> dict[str, Any]:
        if site.kind != "desk":
            raise FloorError(f"a {site.kind} credential has no desk state", p.E_FORBIDDEN)
        if not isinstance(body, dict):
            raise FloorError("body: expected an object {state, operator, since_ms, ...}")
        unknown = set(body) - {"state", "operator", "since_ms", "call_started_ms", "ringing_since_ms", "ack", "held"}
        if unknown:
            raise FloorError(f"body: unknown field(s) {', '.join(sorted(map(str, unknown)))[:200]}")
        state = body.get("state")
        if state not in STATES:
            raise FloorError(f"state: expected one of {', '.join(STATES)}")
        now = self.now_ms()
        low, high = now - MAX_SKEW_MS, now + MAX_SKEW_MS
        since = _int(body, "since_ms", low=low, high=high)
        call = _int(body, "call_started_ms", low=low, high=high, optional=True)
        ringing = body.get("ringing_since_ms", [])
        if not isinstance(ringing, list) or len(ringing) > MAX_RINGING or any(
            type(r) is not int or not low <= r <= high for r in ringing
        ):
            raise FloorError(f"ringing_since_ms: expected at most {MAX_RINGING} times (epoch ms)")
        operator = _text(body.get("operator"), "operator", MAX_NAME, optional=True)
        held = body.get("held", 0)  # hold14
        if type(held) is not int or not 0 <= held <= MAX_RINGING:
            raise FloorError(f"held: expected a count of held calls, 0 to {MAX_RINGING}")
        ack = body.get("ack", [])
        if not isinstance(ack, list) or len(ack) > MAX_MESSAGES or any(not isinstance(a, str) or len(a) > 64 for a in ack):
            raise FloorError(f"ack: expected at most {MAX_MESSAGES} message ids")
        assert since is not None
        with self._lock:
            old = self.desks.get(site.site_id)
            new = DeskState(site.site_id, site.name, operator, str(state), since, call, sorted(ringing), now,
                            held=held)
            changed = (
                old is None
                or old.public(now)["offline"]
                or (old.state, old.operator, old.since_ms, old.call_started_ms, old.ringing_since_ms, old.held)
                != (new.state, new.operator, new.since_ms, new.call_started_ms, new.ringing_since_ms, new.held)
            )
            state_event = old is None or old.state != new.state or old.operator != new.operator
            self.desks[site.site_id] = new
            acked = False
            for m in self.messages:
                if m.id in ack and site.site_id not in m.acked_by:
                    m.acked_by.append(site.site_id)
                    acked = True
            pending = [
                {"id": m.id, "text": m.text, "sender": m.sender, "at_ms": m.at_ms}
                for m in self.messages
                if m.to in (site.site_id, "all") and site.site_id not in m.acked_by
            ]
            if changed or acked:
                self._changed()
        if state_event and self._db is not None:
            with contextlib.suppress(sqlite3.Error):  # statistics must never stop the floor
                self._db.execute(
                    "INSERT INTO floor_events (at, site_id, operator, state) VALUES (?,?,?,?)",
                    (now, site.site_id, operator, state),
                )
        return {"ok": True, "messages": pending, "heartbeat_s": HEARTBEAT_S}

    # -- boards read --------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        now = self.now_ms()
        with self._lock:
            desks = [d.public(now) for d in self.desks.values()]
            messages = [asdict(m) for m in self.messages[-MAX_MESSAGES:]]
            version = self.version
        desks.sort(key=lambda d: d["site_name"])
        waits = [now - r for d in desks if not d["offline"] for r in d["ringing_since_ms"]]
        return {
            "version": version,
            "now_ms": now,
            "desks": desks,
            "ringing": len(waits),
            "longest_wait_ms": max(waits, default=0),
            "messages": messages,
        }

    def send(self, site: Site, body: Any) -> dict[str, Any]:
        if not (site.kind == "admin" or (site.kind == "desk" and site.supervisor)):
            raise FloorError("only a supervisor desk or an admin sends floor messages", p.E_FORBIDDEN)
        if not isinstance(body, dict):
            raise FloorError("body: expected {'to': SITE_ID|'all', 'text': str}")
        to = body.get("to")
        if not isinstance(to, str) or len(to) > 64:
            raise FloorError("to: expected 'all' or the site id of a desk on the floor")
        text = _text(body.get("text"), "text", MAX_TEXT)
        with self._lock:
            if to != "all" and to not in self.desks:
                raise FloorError("to: expected 'all' or the site id of a desk on the floor")
            m = Message(str(uuid.uuid4()), str(to), str(text), site.name, self.now_ms())
            self.messages = [*self.messages, m][-MAX_MESSAGES * 5:]
            self._changed()
        return {"id": m.id}

    def offline_marker(self) -> frozenset[str]:
        """The desks that count as offline now: a board's long-poll answers when this changes too."""
        now = self.now_ms()
        with self._lock:
            return frozenset(k for k, d in self.desks.items() if now - d.last_seen_ms > OFFLINE_AFTER_MS)

    def events(self, since_ms: int) -> list[tuple[int, str, str | None, str]]:
        if self._db is None:
            return []
        rows = self._db.execute(
            "SELECT at, site_id, operator, state FROM floor_events WHERE at >= ? ORDER BY seq", (since_ms,))
        return [(int(r[0]), str(r[1]), r[2], str(r[3])) for r in rows]


def routes(floor: Floor, authenticate: Callable[[str | None, str], Awaitable[Site]]) -> list[Route]:
    """POST /floor/state (desk), GET /floor (supervisor desk, admin, wall), POST /floor/message."""
    event: dict[str, asyncio.Event] = {}
    loop_ref: dict[str, asyncio.AbstractEventLoop] = {}

    def wake() -> None:
        loop = loop_ref.get("loop")
        ev = event.get("ev")
        if loop is not None and ev is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(ev.set)

    floor.on_change(wake)

    async def site_of(request: Request) -> Site:
        host = request.client.host if request.client else "?"
        return await authenticate(request.headers.get("authorization"), host)

    def answer(fn: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                return await fn(request)
            except p.ProtocolError as exc:
                status = {p.E_FORBIDDEN: 403, p.E_UNAUTHORIZED: 401}.get(exc.code, getattr(exc, "status", 400))
                if isinstance(exc, limits.LimitError):
                    status = exc.status
                return JSONResponse({"error": exc.code, "detail": str(exc)[:300]}, status_code=status)
            except (ValueError, UnicodeError, RecursionError, OverflowError) as exc:
                return JSONResponse({"error": p.E_BAD_REQUEST, "detail": str(exc)[:300]}, status_code=400)

        return run

    async def post_state(request: Request) -> Response:
        site = await site_of(request)
        body = limits.parse_json(await limits.read_body(request, 8 * 1024))
        return JSONResponse(await run_in_threadpool(floor.report, site, body))

    async def get_floor(request: Request) -> Response:
        site = await site_of(request)
        if not (site.kind in ("admin", "wall") or (site.kind == "desk" and site.supervisor)):
            raise FloorError("only a supervisor desk, an admin or a wall reads the floor", p.E_FORBIDDEN)
        qp = request.query_params
        after = limits.query_int(qp, "after", -1, -1, 2**62)
        wait = limits.query_float(qp, "wait", 0.0, 0.0, MAX_WAIT_S)
        deadline = time.monotonic() + wait
        loop_ref["loop"] = asyncio.get_running_loop()
        offline = floor.offline_marker()
        while floor.version == after and time.monotonic() < deadline and floor.offline_marker() == offline:
            ev = event.setdefault("ev", asyncio.Event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ev.wait(), min(1.0, max(0.0, deadline - time.monotonic())))
            if ev.is_set():
                event["ev"] = asyncio.Event()
        return JSONResponse(floor.snapshot())

    async def post_message(request: Request) -> Response:
        site = await site_of(request)
        body = limits.parse_json(await limits.read_body(request, 8 * 1024))
        return JSONResponse(await run_in_threadpool(floor.send, site, body), status_code=201)

    return [
        Route("/floor/state", answer(post_state), methods=["POST"]),
        Route("/floor", answer(get_floor), methods=["GET"]),
        Route("/floor/message", answer(post_message), methods=["POST"]),
    ]
