"""Recordings: attach/verify in the call record, and the uploader against the real hub route (uvicorn)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import uvicorn
from starlette.applications import Starlette

from operator_desk.domain.errors import NotFound
from operator_desk.server import recordings as server_recordings
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.sqlite_backend import SqliteStorage
from operator_desk.services.calls import CallService
from operator_desk.services.recordings import RecordingService, RecordingUploader
from operator_desk.store import keys
from operator_desk.store.store import Store
from operator_desk.telephony.audio.recorder import CallRecorder


def plaintext(path: Path, key: bytes) -> bytes:
    with keys.open_recording(path, key) as f:
        return f.read()


def make_recording(path: Path, seconds: float = 0.5) -> tuple[str, float, str]:
    rec = CallRecorder(path, 8000)
    n = int(8000 * seconds)
    t = np.arange(n) / 8000
    rec.push((np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16), np.zeros(n, dtype=np.int16))
    res = rec.close()
    return res.path, res.duration_s, res.sha256


class Hub:
    """A real uvicorn on 127.0.0.1 serving the recordings routes over a real SyncServer's auth."""

    def __init__(self, root: Path) -> None:
        self.storage = SqliteStorage(root / "hub")
        self.sync = SyncServer(self.storage, hasher=cheap_hasher())
        self.token = self.sync.enroll("desk A")["token"]
        self.dir = root / "hub" / "recordings"
        app = Starlette(routes=server_recordings.routes(self.sync.authenticate, self.dir))
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
        self.storage.close()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = Hub(tmp_path)
    yield h
    h.close()


def test_attach_writes_record_outbox_and_audit(store: Store, tmp_path: Path) -> None:
    calls = CallService(store)
    call_id = calls.ring("081234567890")
    path, duration, sha = make_recording(tmp_path / "recordings" / f"{call_id}.flac")
    service = RecordingService(store, tmp_path)
    service.attach(call_id, path, duration, sha)
    row = calls.get(call_id)
    assert row["recording_path"] == path
    assert row["recording_duration_s"] == pytest.approx(0.5)
    assert row["recording_sha256"] == sha == hashlib.sha256(plaintext(Path(path), service.key)).hexdigest()
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() != sha  # the file on disk is sealed
    cols = {r["col"] for r in store.query("SELECT col FROM outbox WHERE tbl='calls' AND pk=?", (call_id,))}
    assert {"recording_path", "recording_duration_s", "recording_sha256"} <= cols
    audit = store.query("SELECT detail FROM audit WHERE action='call_recording' AND pk=?", (call_id,))
    assert len(audit) == 1 and sha in audit[0]["detail"]
    assert service.verify(call_id) is True


def test_verify_detects_tampering_and_missing(store: Store, tmp_path: Path) -> None:
    calls = CallService(store)
    call_id = calls.ring("081234567890")
    service = RecordingService(store, tmp_path)
    assert service.verify(call_id) is False  # no recording yet
    path, duration, sha = make_recording(tmp_path / "r.flac")
    service.attach(call_id, "r.flac", duration, sha)  # relative to the data dir
    assert service.verify(call_id) is True
    with open(path, "r+b") as f:
        f.seek(200)
        byte = f.read(1)
        f.seek(200)
        f.write(bytes([byte[0] ^ 0xFF]))
    assert service.verify(call_id) is False
    Path(path).unlink()
    assert service.verify(call_id) is False


def test_attach_rejects_unknown_call_and_bad_hash(store: Store) -> None:
    service = RecordingService(store)
    with pytest.raises(NotFound):
        service.attach("no-such-call", "x.flac", 1.0, "0" * 64)
    with pytest.raises(ValueError, match="sha256"):
        service.attach("no-such-call", "x.flac", 1.0, "xyz")


def _recorded_call(store: Store, tmp_path: Path, number: str = "081234567890") -> tuple[str, str, str]:
    call_id = CallService(store).ring(number)
    path, duration, sha = make_recording(tmp_path / "recordings" / f"{call_id}.flac")
    RecordingService(store, tmp_path).attach(call_id, path, duration, sha)
    return call_id, path, sha


def test_uploader_uploads_once_and_is_idempotent(store: Store, tmp_path: Path, hub: Hub) -> None:
    a, path_a, sha_a = _recorded_call(store, tmp_path)
    b, _, sha_b = _recorded_call(store, tmp_path, "081298765432")
    up = RecordingUploader(store, hub.url, hub.token, tmp_path)
    try:
        assert len(up.pending()) == 2
        assert up.run_once() == 2
        assert up.pending() == []
        assert up.run_once() == 0
        stored = hub.dir / f"{a}.flac"
        hub_key = server_recordings.hub_recording_key(hub.dir)  # the hub seals with its own key
        assert hashlib.sha256(plaintext(stored, hub_key)).hexdigest() == sha_a
        assert hashlib.sha256(plaintext(hub.dir / f"{b}.flac", hub_key)).hexdigest() == sha_b
        assert hashlib.sha256(stored.read_bytes()).hexdigest() != sha_a
        # the desk forgot it uploaded (e.g. restored from backup): a re-upload is accepted as a no-op
        store.raw_write(lambda conn: conn.execute("DELETE FROM recording_uploads"))
        assert up.run_once() == 2
        assert not list(hub.dir.glob("*.part"))
        r = up.client.get(f"/recordings/{a}")
        assert r.status_code == 200 and r.json()["sha256"] == sha_a
    finally:
        up.stop()


def test_uploader_thread_keeps_work_while_hub_is_down(store: Store, tmp_path: Path) -> None:
    _recorded_call(store, tmp_path)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there yet: the hub is "down"
    up = RecordingUploader(store, f"http://127.0.0.1:{port}", "t", tmp_path, poll_s=0.2, max_backoff_s=0.3)
    up.start()
    t0 = time.monotonic()
    while up.stats.last_error != "unreachable":
        assert time.monotonic() - t0 < 10
        time.sleep(0.02)
    assert up.pending()  # still pending, nothing lost
    up.stop()


def test_uploader_thread_with_hub(store: Store, tmp_path: Path, hub: Hub) -> None:
    up = RecordingUploader(store, hub.url, hub.token, tmp_path, poll_s=5.0)
    up.start()
    try:
        call_id, _, sha = _recorded_call(store, tmp_path)
        up.wake()
        t0 = time.monotonic()
        while up.pending():
            assert time.monotonic() - t0 < 10, up.stats
            time.sleep(0.02)
        assert up.stats.uploaded == 1
        rows = store.query("SELECT sha256 FROM recording_uploads WHERE call_id=?", (call_id,))
        assert rows[0]["sha256"] == sha
    finally:
        up.stop()


def test_uploader_wrong_token_retries_later(store: Store, tmp_path: Path, hub: Hub) -> None:
    _recorded_call(store, tmp_path)
    up = RecordingUploader(store, hub.url, "nobody.secret", tmp_path)
    try:
        assert up.run_once() == 0
        assert up.stats.last_error == "unauthorized"
        assert len(up.pending()) == 1
    finally:
        up.stop()


def test_uploader_skips_a_tampered_local_file(store: Store, tmp_path: Path, hub: Hub) -> None:
    call_id, path, _ = _recorded_call(store, tmp_path)
    Path(path).write_bytes(b"not the recording")
    up = RecordingUploader(store, hub.url, hub.token, tmp_path)
    try:
        assert up.run_once() == 0
        assert up.stats.failed == 1
        assert not (hub.dir / f"{call_id}.flac").exists()
        assert up.run_once() == 0 and up.stats.failed == 1  # skipped, not retried in a loop
    finally:
        up.stop()


def test_only_this_sites_recordings(store: Store, tmp_path: Path, hub: Hub) -> None:
    call_id, _, _ = _recorded_call(store, tmp_path)

    def other_site(conn: Any) -> None:
        conn.execute("UPDATE calls SET site_id='another-desk' WHERE id=?", (call_id,))

    store.raw_write(other_site)
    up = RecordingUploader(store, hub.url, hub.token, tmp_path)
    try:
        assert up.pending() == []
    finally:
        up.stop()


class SlowHub:
    """A hub on a slow uplink: accepts the upload and reads it 4 KiB at a time, never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.received = 0
        self._closing = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="slow-hub", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        conn.settimeout(0.1)
        with conn:
            while not self._closing.is_set():
                try:
                    data = conn.recv(4096)
                except TimeoutError:
                    continue
                if not data:
                    return
                self.received += len(data)
                time.sleep(0.005)

    def close(self) -> None:
        self._closing.set()
        self.thread.join(5)
        self.sock.close()


def test_stop_abandons_an_upload_in_progress_and_leaves_no_thread(store: Store, tmp_path: Path) -> None:
    call_id = CallService(store).ring("081234567890")
    big = tmp_path / "recordings" / f"{call_id}.flac"
    big.parent.mkdir(parents=True, exist_ok=True)
    big.write_bytes(np.random.default_rng(1).bytes(32 << 20))  # 32 MiB: minutes at this hub's pace
    RecordingService(store, tmp_path).attach(call_id, str(big), 600.0, hashlib.sha256(big.read_bytes()).hexdigest())
    hub = SlowHub()
    up = RecordingUploader(store, hub.url, "t", tmp_path)
    try:
        up.start()
        deadline = time.monotonic() + 10
        while hub.received < 256 << 10:  # the upload is under way
            assert time.monotonic() < deadline, "upload did not start"
            time.sleep(0.01)
        t0 = time.monotonic()
        up.stop(timeout=5.0)
        assert time.monotonic() - t0 < 2.0  # stopped between two chunks, not after 32 MiB
        assert not up.running
        assert [r["id"] for r in up.pending()] == [call_id]  # not marked uploaded: retried next start
    finally:
        up.stop(timeout=1.0)
        hub.close()
