"""What keeps the hub up under hostile input: bounded bodies and JSON, connection and header limits,
and logs that do not grow without bound.

- Bodies are read in chunks with a per-request limit (413 as soon as it is passed, or at once from
  Content-Length), an idle timeout per chunk (408) and a budget for all bodies in flight (503).
- JSON is parsed with a nesting limit (400, never RecursionError).
- `GuardedH11Protocol` (uvicorn's h11 protocol): past `max_connections` a new connection gets 503
  and is closed at once, so the process never runs out of file descriptors; a connection that has
  not sent a complete request head within `header_timeout` seconds is closed (half-sent requests).
- `RepeatFilter` collapses identical log lines: one per `window` seconds, then a count.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from typing import Any

from starlette.requests import ClientDisconnect, Request
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..sync import protocol as p

MAX_PUSH_BODY = 16 * 1024 * 1024  # a 5,000-change push is ~1.5 MB; values are at most 64 KB each
MAX_SMALL_BODY = 64 * 1024  # enroll, resolve, admin
MAX_DEPTH = 16  # nesting of a JSON body (a push is 3 deep plus a value's own nesting)
BODY_IDLE_S = 10.0  # longest wait for the next chunk of a body
INFLIGHT_BYTES = 96 * 1024 * 1024  # all request bodies being read at once
HEADER_TIMEOUT_S = 10.0
FD_RESERVE = 400  # descriptors kept for the database, threads, logs and one burst of accepts

E_TOO_LARGE = "too_large"
E_TIMEOUT = "timeout"
E_BUSY = "busy"


class LimitError(p.ProtocolError):
    """A request past a limit; `status` is its HTTP status."""

    def __init__(self, message: str, code: str, status: int) -> None:
        super().__init__(message, code)
        self.status = status


class _Budget:
    def __init__(self, total: int) -> None:
        self.total, self.used = total, 0

    def take(self, n: int) -> None:
        if self.used + n > self.total:
            raise LimitError("the server is reading too many request bodies at once; retry", E_BUSY, 503)
        self.used += n

    def give(self, n: int) -> None:
        self.used = max(0, self.used - n)


INFLIGHT = _Budget(INFLIGHT_BYTES)


async def read_body(request: Request, limit: int, idle_s: float | None = None) -> bytes:
    """The whole body, or LimitError: 413 past `limit` (not read further), 408 when it stalls for
    `idle_s` (default: the module's BODY_IDLE_S, which the server command sets)."""
    idle_s = BODY_IDLE_S if idle_s is None else idle_s
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise LimitError("Content-Length: not a number", p.E_BAD_REQUEST, 400)
        if int(declared) > limit:
            raise LimitError(f"body of {declared} bytes is larger than the limit of {limit}", E_TOO_LARGE, 413)
    chunks: list[bytes] = []
    size = 0
    stream = request.stream().__aiter__()
    try:
        while True:
            try:
                chunk = await asyncio.wait_for(stream.__anext__(), idle_s)
            except StopAsyncIteration:
                break
            except TimeoutError:
                raise LimitError(f"body: nothing received for {idle_s:.0f} s", E_TIMEOUT, 408) from None
            except ClientDisconnect:
                raise LimitError("body: the client went away", p.E_BAD_REQUEST, 400) from None
            size += len(chunk)
            if size > limit:
                raise LimitError(f"body larger than the limit of {limit} bytes", E_TOO_LARGE, 413)
            INFLIGHT.take(len(chunk))
            chunks.append(chunk)
    finally:
        INFLIGHT.give(sum(len(c) for c in chunks))
    return b"".join(chunks)


def parse_json(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """JSON with bounded nesting; ProtocolError (400) for anything else."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise p.ProtocolError(f"body: JSON nested deeper than {max_depth} levels") from None
    except UnicodeDecodeError:
        raise p.ProtocolError("body: not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise p.ProtocolError(f"body: not JSON ({exc.msg})") from None
    check_depth(value, max_depth)
    return value


def check_depth(value: Any, max_depth: int) -> None:
    """ProtocolError if containers nest deeper than max_depth (iterative: no recursion)."""
    if type(value) is not dict and type(value) is not list:
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise p.ProtocolError(f"body: JSON nested deeper than {max_depth} levels")
        items = node.values() if type(node) is dict else node
        for child in items:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))


def query_int(params: Any, name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise p.ProtocolError(f"{name}: expected an integer, got {text[:40]!r}") from None
    if not low <= value <= high:
        raise p.ProtocolError(f"{name}: expected {low} … {high}, got {value}")
    return value


def query_float(params: Any, name: str, default: float, low: float, high: float) -> float:
    text = params.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise p.ProtocolError(f"{name}: expected a number, got {text[:40]!r}") from None
    if not low <= value <= high:  # also false for NaN
        raise p.ProtocolError(f"{name}: expected {low} … {high}, got {text[:40]}")
    return value


# -- connections ------------------------------------------------------------------------------------
def connection_cap(requested: int | None = None) -> int:
    """Connections allowed at once: what the descriptor limit leaves after FD_RESERVE."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = max(16, soft - FD_RESERVE) if soft != resource.RLIM_INFINITY else 10_000
    return min(room, requested) if requested else room


_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b'content-length: 67\r\n\r\n{"error":"busy","detail":"too many connections; retry in a moment"}'
)
assert len(_BUSY.split(b"\r\n\r\n", 1)[1]) == 67


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a connection cap and a request-head timeout.

    Class attributes are set by `guarded_protocol(...)`."""

    max_connections = 1000
    header_timeout = HEADER_TIMEOUT_S
    counters: dict[str, int] = {}  # replaced per server by guarded_protocol
    _head_timer: asyncio.TimerHandle | None = None

    def _count(self, key: str) -> None:
        self.counters[key] = self.counters.get(key, 0) + 1

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self._count("connections_refused")
            transport.write(_BUSY)
            transport.close()
            return
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timeout)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _waiting_for_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._waiting_for_head() and not self.transport.is_closing():
            self._count("header_timeouts")
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._waiting_for_head():
            self._disarm()  # a request is running: the app bounds its body reads itself

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def guarded_protocol(
    max_connections: int, header_timeout: float, counters: dict[str, int]
) -> type[GuardedH11Protocol]:
    return type(
        "HubH11Protocol",
        (GuardedH11Protocol,),
        {"max_connections": max_connections, "header_timeout": header_timeout, "counters": counters},
    )


# -- logs -------------------------------------------------------------------------------------------
class RepeatFilter(logging.Filter):
    """Lets one of each identical record through per `window` seconds; the next one after the window
    says how many were held back. Keyed by logger, level, message and exception type."""

    def __init__(self, window: float = 10.0, max_keys: int = 2000) -> None:
        super().__init__()
        self.window, self.max_keys = window, max_keys
        self._seen: dict[tuple[str, int, str, str], list[float]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except (TypeError, ValueError):
            msg = str(record.msg)
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        key = (record.name, record.levelno, msg[:300], exc)
        now = time.monotonic()
        entry = self._seen.get(key)
        if entry is not None and now - entry[0] < self.window:
            entry[1] += 1
            return False
        if len(self._seen) >= self.max_keys:
            self._seen.clear()
        held = int(entry[1]) if entry is not None else 0
        self._seen[key] = [now, 0]
        if held:
            record.msg = f"{msg} (and {held} more like it in the last {self.window:g} s)"
            record.args = ()
        return True


def install_log_filter(window: float = 10.0) -> RepeatFilter:
    """Put one RepeatFilter on every handler of the root logger."""
    flt = RepeatFilter(window)
    for handler in logging.getLogger().handlers:
        handler.addFilter(flt)
    return flt
