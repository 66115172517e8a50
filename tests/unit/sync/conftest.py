"""A real uvicorn server on a free loopback port, in a thread, for engine tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from operator_desk.server.app import create_app
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.sqlite_backend import SqliteStorage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A hub served over HTTP; stop()/start() simulate an outage on the same port."""

    server: SyncServer
    port: int
    _uv: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        config = uvicorn.Config(
            create_app(self.server),
            host="127.0.0.1",
            port=self.port,
            log_level="error",
            timeout_graceful_shutdown=1,
            lifespan="on",
        )
        self._uv = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._uv.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._uv.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self._uv.started, "uvicorn did not start"

    def stop(self) -> None:
        if self._uv is not None and self._thread is not None:
            self._uv.should_exit = True
            self._thread.join(10)
            self._uv = None


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(SyncServer(SqliteStorage(tmp_path / "hub"), hasher=cheap_hasher()), free_port())
    live.start()
    yield live
    live.stop()
    live.server.storage.close()
