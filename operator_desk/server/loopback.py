"""An in-process SyncTransport straight into a SyncServer, with injectable network faults.

For property tests and benchmarks: requests and answers go through a JSON round-trip like on the
wire, and a scripted fault can drop a request, drop an answer (after the server committed), send
a request twice, or crash the server in the middle of a batch (its transaction rolls back).
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from ..sync.client import OfflineError, SyncRejected
from ..sync.protocol import ProtocolError
from .core import SyncServer

FAULTS = ("ok", "drop_request", "drop_response", "duplicate", "crash_mid_batch", "offline")


class _Crash(Exception):
    pass


def _wire(obj: Any) -> Any:
    return json.loads(json.dumps(obj))


class LoopbackClient:
    """Calls the server core directly as the site owning `token`."""

    def __init__(self, server: SyncServer, token: str) -> None:
        self.server = server
        self.site = server.authenticate(f"Bearer {token}")
        self.faults: deque[str] = deque()
        self.online = True

    def _call(self, fn: Any, *args: Any) -> dict[str, Any]:
        fault = self.faults.popleft() if self.faults else "ok"
        if not self.online or fault in ("drop_request", "offline"):
            raise OfflineError("loopback: request lost")
        try:
            if fault == "crash_mid_batch":
                return self._crash(fn, *args)
            out = fn(*_wire(list(args)))
            if fault == "duplicate":
                out = fn(*_wire(list(args)))
        except ProtocolError as exc:
            raise SyncRejected(exc.code, str(exc), 400) from exc
        if fault == "drop_response":
            raise OfflineError("loopback: answer lost")
        return dict(_wire(out))

    def _crash(self, fn: Any, *args: Any) -> dict[str, Any]:
        storage = self.server.storage

        def boom(i: int) -> None:
            if i >= 1:
                raise _Crash("server killed mid-batch")

        storage.fault_hook = boom
        try:
            fn(*_wire(list(args)))
        except _Crash:
            pass
        finally:
            storage.fault_hook = None
        raise OfflineError("loopback: connection reset (server crashed)")

    def push(self, changes: list[dict[str, Any]]) -> dict[str, Any]:
        return self._call(lambda ch: self.server.push(self.site, {"changes": ch}), changes)

    def pull(self, after: int, limit: int = 2000, wait: float = 0.0) -> dict[str, Any]:
        return self._call(lambda a, n: self.server.pull(self.site, a, n), after, limit)

    def snapshot(self) -> dict[str, Any]:
        return self._call(lambda: self.server.snapshot(self.site))

    def close(self) -> None:
        pass
