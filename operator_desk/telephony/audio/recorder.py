"""Call recording: caller and operator as two sample-aligned mono tracks of one 2-channel FLAC file.

Format decision: ONE FLAC file per call, 2 channels, 16-bit PCM at the call's clock rate (8 kHz for
G.711). Channel 0 (left) = caller (what the desk received), channel 1 (right) = operator (what the
desk sent). One file keeps both tracks aligned sample by sample by construction (each frame pair is
written together) and gives one SHA-256 for the call record. `split_tracks()` gives them apart.

At rest the file is sealed (store/keys.py: chunked AES-256-GCM with a key derived from the desk's store
key): FLAC is encoded straight into the sealing writer, so no plaintext audio touches the disk. The
SHA-256 in the call record is the plaintext FLAC's (what the hub receives over TLS and checks). Files
from before encryption at rest (plain FLAC) still read. A recording cut by a crash of the SIP worker
is lost (its first chunk, with the FLAC header, is written at the end).
"""

from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import numpy as np

from ...store import keys

CALLER_CHANNEL = 0
OPERATOR_CHANNEL = 1


class RecordingError(RuntimeError):
    """The recording file could not be written (the message names the file)."""


@dataclass(frozen=True)
class RecordingResult:
    """What the desk stores in the call record."""

    path: str
    duration_s: float
    sha256: str
    frames: int
    error: str = ""  # a code when writing failed part-way ("write_failed"); the file may be short


def sha256_file(path: str | Path, key: bytes | None = None) -> str:
    """SHA-256 of a recording's plaintext (a sealed file is decrypted on the fly; a plain one as is).

    `key`: the recording key; by default the desk's, found from the file's place in the data dir."""
    if key is None and keys.is_sealed(path):
        key = keys.recording_key_for_file(Path(path))
    return keys.plaintext_sha256(path, key)


def open_plaintext(path: str | Path, key: bytes | None = None) -> BinaryIO:
    """A recording's plaintext FLAC as a readable, seekable file (decrypted in memory, chunk by chunk)."""
    if key is None and keys.is_sealed(path):
        key = keys.recording_key_for_file(Path(path))
    return cast(BinaryIO, keys.open_recording(path, key))


class CallRecorder:
    """Writes frame pairs pushed from a real-time thread to FLAC on its own writer thread.

    `push()` runs on PJSIP's clock thread: it only enqueues (no I/O there). `close()` runs on the
    worker's main thread, drains the queue, closes the file and hashes it.
    """

    def __init__(self, path: str | Path, samplerate: int, key: bytes | None = None) -> None:
        import soundfile as sf  # imported here: only the SIP worker and tests need it

        self.path = Path(path)
        self.samplerate = samplerate
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._key = key if key is not None else keys.recording_key_for_file(self.path)
        except (keys.StoreKeyError, OSError) as exc:
            raise RecordingError(f"{self.path}: no recording key: {exc}") from exc
        try:
            self._sink = keys.SealWriter(self.path, self._key)
        except OSError as exc:
            raise RecordingError(f"{self.path}: cannot open for recording: {exc}") from exc
        try:
            self._file = sf.SoundFile(
                self._sink, "w", samplerate=samplerate, channels=2, format="FLAC", subtype="PCM_16"
            )
        except Exception as exc:  # soundfile raises its own LibsndfileError/RuntimeError
            self._sink.close()
            raise RecordingError(f"{self.path}: cannot open for recording: {exc}") from exc
        self._queue: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._frames = 0
        self._error = ""
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="call-recorder", daemon=True)
        self._thread.start()

    def push(self, caller: np.ndarray, operator: np.ndarray) -> None:
        """Real-time side: enqueue one aligned frame pair (int16, same length)."""
        if self._closed:
            return
        n = min(len(caller), len(operator))
        block = np.empty((n, 2), dtype=np.int16)
        block[:, CALLER_CHANNEL] = caller[:n]
        block[:, OPERATOR_CHANNEL] = operator[:n]
        self._queue.put(block)

    def _run(self) -> None:
        while True:
            block = self._queue.get()
            if block is None:
                return
            if self._error:
                continue
            try:
                self._file.write(block)
                self._frames += len(block)
            except (OSError, RuntimeError, AssertionError):  # disk full, LibsndfileError: go on
                self._error = "write_failed"
            if self._sink.failed is not None:  # the sealed file could not be written (disk full)
                self._error = "write_failed"

    def close(self) -> RecordingResult:
        """Finish the file and return duration and SHA-256 (idempotent)."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join(timeout=10)
            try:
                self._file.close()
            except (OSError, RuntimeError, AssertionError):  # LibsndfileError, disk full
                self._error = self._error or "write_failed"
            try:
                self._sink.close()
            except OSError:
                self._error = self._error or "write_failed"
        try:
            digest = sha256_file(self.path, self._key)
        except (OSError, keys.SealError):  # a file cut short by a full disk: hash what is there
            digest = _raw_sha256(self.path)
        return RecordingResult(
            path=str(self.path),
            duration_s=round(self._frames / self.samplerate, 3),
            sha256=digest,
            frames=self._frames,
            error=self._error,
        )


def _raw_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def split_tracks(path: str | Path, key: bytes | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Read a call recording back as (caller, operator, samplerate) float arrays (decrypted in memory)."""
    import soundfile as sf

    with open_plaintext(path, key) as f:
        data, rate = sf.read(f, dtype="float32", always_2d=True)
    if data.shape[1] != 2:
        raise RecordingError(f"{path}: expected 2 channels (caller, operator), found {data.shape[1]}")
    return data[:, CALLER_CHANNEL], data[:, OPERATOR_CHANNEL], int(rate)
