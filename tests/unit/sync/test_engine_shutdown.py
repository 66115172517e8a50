"""SyncEngine.stop() ends its threads while the hub is still up (a desk closing mid long-poll).

Other engine tests stop the hub right after the engines, which ends every long-poll; here the hub
stays up, so a pull thread left in its long-poll would outlive `stop()` by up to `wait_s`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from operator_desk.store.store import Store
from operator_desk.sync.cli import join
from operator_desk.sync.engine import SyncEngine, wait_until

from .conftest import LiveServer


def _sync_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("sync")]


def test_stop_during_a_long_poll_ends_the_pull_thread(tmp_path: Path, live_server: LiveServer) -> None:
    store = Store(tmp_path / "a" / "desk.sqlite")
    token = live_server.server.enroll("a")["token"]
    join(store, live_server.url, token)
    engine = SyncEngine(store, live_server.url, token, wait_s=20)
    try:
        engine.start()
        assert wait_until(lambda: engine.status.online, 10)
        time.sleep(0.5)  # nothing to pull: the pull thread now waits in the hub's long-poll
        t0 = time.monotonic()
        engine.stop()
        assert wait_until(lambda: not _sync_threads(), 3.0), (
            f"still running {time.monotonic() - t0:.1f} s after stop(): {_sync_threads()}"
        )
    finally:
        engine.stop()
        store.close()
