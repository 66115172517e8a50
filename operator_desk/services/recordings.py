"""Call recordings: the file's SHA-256 in the call record, and a background upload to the hub. Qt-free.

The SIP worker writes one 2-channel FLAC per answered call (telephony.audio.recorder) and reports
path, duration and SHA-256; `RecordingService.attach` puts them in the call record (synced field,
audited). `RecordingUploader` copies the files to the hub (`PUT /recordings/{call_id}`, see
server/recordings.py) on its own thread, with backoff, so a slow or absent hub never blocks a call.
Which recordings the hub holds is kept in the local-only table `recording_uploads`.

Recordings are sealed at rest (store/keys.py, key derived from the desk's store key); the SHA-256 in
the call record is the plaintext FLAC's. Hashing, replay and the upload read the plaintext through a
decrypting reader (in memory); the hub receives the FLAC over TLS and seals it again with its own key.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.errors import NotFound
from ..store import keys
from ..store.store import Store
from ..store.tx import Tx

log = logging.getLogger(__name__)

SHA256_HEADER = "X-Content-SHA256"  # the same name as server/recordings.py (the server may not import us)
CHUNK = 1 << 16


def sha256_file(path: Path, key: bytes | None = None) -> str:
    """SHA-256 of a recording's plaintext (sealed: decrypted on the fly with `key`, by default the
    desk's recording key found from the file's place in its data dir)."""
    if key is None and keys.is_sealed(path):
        key = keys.recording_key_for_file(Path(path))
    return keys.plaintext_sha256(path, key)


if TYPE_CHECKING:
    import httpx


class RecordingService:
    """Attach a finished recording to its call and check a stored file against its hash."""

    def __init__(self, store: Store, data_dir: Path | str | None = None) -> None:
        self.store = store
        self.data_dir = Path(data_dir) if data_dir is not None else store.path.parent
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The desk's recording key (derived from the store key; read once)."""
        if self._key is None:
            self._key = keys.recording_key(self.store.path)
        return self._key

    def sha256(self, path: Path) -> str:
        """SHA-256 of a recording's plaintext; raises OSError or keys.SealError when unreadable."""
        return keys.plaintext_sha256(path, self.key if keys.is_sealed(path) else None)

    def attach(self, call_id: str, path: str | Path, duration_s: float, sha256: str) -> None:
        """Write path, duration and SHA-256 into the call record, with an audit row (same transaction)."""
        digest = sha256.strip().lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"recording of call {call_id}: sha256 {sha256!r} is not 64 hex digits")

        def fn(tx: Tx) -> None:
            if tx.one("SELECT 1 FROM calls WHERE id=?", (call_id,)) is None:
                raise NotFound("call", call_id)
            tx.update_record(
                "calls",
                call_id,
                {
                    "recording_path": str(path),
                    "recording_duration_s": round(float(duration_s), 3),
                    "recording_sha256": digest,
                },
            )
            tx.audit("call_recording", "calls", call_id, {"sha256": digest, "duration_s": duration_s})

        self.store.write(fn)

    def resolve(self, path: str) -> Path:
        """A stored path; relative ones are under the data dir."""
        p = Path(path)
        return p if p.is_absolute() else self.data_dir / p

    def verify(self, call_id: str) -> bool:
        """True when the call has a recording whose file still hashes to the stored SHA-256."""
        rows = self.store.query("SELECT recording_path, recording_sha256 FROM calls WHERE id=?", (call_id,))
        if not rows or not rows[0]["recording_path"] or not rows[0]["recording_sha256"]:
            return False
        try:
            return self.sha256(self.resolve(rows[0]["recording_path"])) == rows[0]["recording_sha256"]
        except (OSError, keys.SealError, keys.StoreKeyError):
            return False

    def open_for_replay(self, call_id: str) -> ReplayItem | None:
        """What a replay needs: the call, its file and whether it still matches its hash.

        Opening a recording is personal-data access, so it is audited (with the verdict) here, once.
        Slow (hashes the file): run it off the GUI thread. None when the call has no recording.
        """
        rows = self.store.query("SELECT * FROM calls WHERE id=?", (call_id,))
        if not rows or not rows[0]["recording_path"]:
            return None
        call = dict(rows[0])
        path = self.resolve(call["recording_path"])
        verified = path.exists() and self.verify(call_id)
        self.store.write(lambda tx: tx.audit("recording_replay", "calls", call_id, {"verified": verified}))
        return ReplayItem(call, path, verified)


@dataclass(frozen=True)
class ReplayItem:
    call: dict[str, Any]
    path: Path
    verified: bool


@dataclass
class UploadStats:
    """What the status bar may show: counts and the last error code."""

    uploaded: int = 0
    failed: int = 0
    last_error: str = ""


class RecordingUploader:
    """Uploads this desk's recordings the hub does not hold yet, on its own thread.

    Retries with exponential backoff (capped) on network errors and 5xx; a recording the hub
    refuses for good (409: different bytes stored; a local file that no longer matches its hash)
    is logged and skipped until restart. `wake()` after an attach starts an upload at once.
    """

    def __init__(
        self,
        store: Store,
        server_url: str,
        token: str | None,
        data_dir: Path | str,
        *,
        client: httpx.Client | None = None,
        poll_s: float = 30.0,
        max_backoff_s: float = 120.0,
        verify: Any = True,
    ) -> None:
        self.store = store
        self.service = RecordingService(store, data_dir)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        import httpx  # here, not at module level: a desk without a hub never pays for it

        self.client = client or httpx.Client(
            base_url=server_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(30.0, connect=5.0),
            verify=verify,  # the hub's pinned CA (sync/cli.py hub_verify), like the sync client
        )
        if client is not None:
            self.client.headers.update(headers)
        self.poll_s = poll_s
        self.max_backoff_s = max_backoff_s
        self.stats = UploadStats()
        self._skip: set[tuple[str, str]] = set()  # (call_id, sha256) refused for good
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- thread ---------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="recording-uploader", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the upload thread (Desk shutdown). An upload in progress is abandoned between two
        chunks and retried at the next start, so a slow uplink does not hold the desk's shutdown. A
        hub that stops reading altogether holds the thread until the client's timeouts (30 s): that is
        logged, and the client is then left to the thread (closing it under a request could hang)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning(
                    "recording uploader still sending after %.1f s; it ends at the client timeout", timeout
                )
                return
            self._thread = None
        self.client.close()

    @property
    def running(self) -> bool:
        """The upload thread is alive (started and not yet stopped)."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self.run_once()
                failures = 0 if not self.stats.last_error else failures + 1
            except Exception:  # the thread must survive anything and retry
                log.exception("recording upload round failed")
                failures += 1
            wait = self.poll_s if failures == 0 else min(self.max_backoff_s, 2.0**failures)
            wait *= random.uniform(0.8, 1.2) if failures else 1.0
            self._wake.wait(wait)
            self._wake.clear()

    # -- one round (also callable directly from tests and the CLI) --------------------------------
    def pending(self) -> list[sqlite3.Row]:
        """This desk's recorded calls without a matching upload row, oldest first."""
        return self.store.query(
            "SELECT c.id, c.recording_path, c.recording_sha256 FROM calls c "
            "LEFT JOIN recording_uploads u ON u.call_id = c.id AND u.sha256 = c.recording_sha256 "
            "WHERE c.recording_sha256 IS NOT NULL AND c.recording_path IS NOT NULL "
            "AND c.site_id = ? AND u.call_id IS NULL ORDER BY c.started_at",
            (self.store.site_id,),
        )

    def run_once(self) -> int:
        """Upload what is pending; stops at the first transport error (the caller backs off)."""
        self.stats.last_error = ""
        done = 0
        for row in self.pending():
            if self._stop.is_set():
                break
            key = (row["id"], row["recording_sha256"])
            if key in self._skip:
                continue
            outcome = self._upload(
                row["id"], self.service.resolve(row["recording_path"]), row["recording_sha256"]
            )
            if outcome == "ok":
                done += 1
            elif outcome == "retry":
                break
            else:
                self._skip.add(key)
        return done

    def _upload(self, call_id: str, path: Path, sha256: str) -> str:
        try:
            if self.service.sha256(path) != sha256:
                return self._give_up(call_id, "local_hash_mismatch", f"{path} no longer matches its SHA-256")
        except keys.SealError as exc:
            return self._give_up(call_id, "local_hash_mismatch", str(exc))
        except (OSError, keys.StoreKeyError) as exc:
            return self._give_up(call_id, "file_missing", f"{path}: {exc}")
        try:
            r = self.client.put(
                f"/recordings/{call_id}",
                content=_chunks(path, self._stop, self.service.key if keys.is_sealed(path) else None),
                headers={SHA256_HEADER: sha256, "Content-Type": "audio/flac"},
            )
        except _Stopped:
            log.info("recording %s: upload abandoned at shutdown; will retry", call_id)
            return "retry"
        except httpx_error() as exc:
            self.stats.last_error = "unreachable"
            log.info("recording %s: hub unreachable (%s); will retry", call_id, exc)
            return "retry"
        if r.status_code in (200, 201):
            self._mark_uploaded(call_id, sha256)
            self.stats.uploaded += 1
            return "ok"
        if r.status_code == 409:
            return self._give_up(call_id, "hub_has_other_bytes", r.text[:200])
        self.stats.last_error = "unauthorized" if r.status_code in (401, 403) else f"http_{r.status_code}"
        log.warning("recording %s: hub answered %s %s; will retry", call_id, r.status_code, r.text[:200])
        return "retry"

    def _give_up(self, call_id: str, code: str, detail: str) -> str:
        self.stats.failed += 1
        log.error("recording %s not uploaded (%s): %s", call_id, code, detail)
        return "skip"

    def _mark_uploaded(self, call_id: str, sha256: str) -> None:
        now = self.store.now_ms()

        def job(conn: Any) -> None:
            conn.execute(
                "INSERT INTO recording_uploads (call_id, sha256, uploaded_at) VALUES (?,?,?) "
                "ON CONFLICT(call_id) DO UPDATE SET sha256=excluded.sha256, uploaded_at=excluded.uploaded_at",
                (call_id, sha256, now),
            )

        self.store.raw_write(job)


def httpx_error() -> type[Exception]:
    import httpx

    return httpx.HTTPError


class _Stopped(Exception):
    """The uploader is stopping: the request body ends here (httpx passes it through unwrapped)."""


def _chunks(path: Path, stop: threading.Event | None = None, key: bytes | None = None) -> Iterator[bytes]:
    """The recording's plaintext FLAC in pieces (a sealed file decrypted on the fly, never to disk)."""
    with keys.open_recording(path, key) as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            if stop is not None and stop.is_set():
                raise _Stopped
            yield chunk
