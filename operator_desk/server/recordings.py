"""Call recordings uploaded by desks: `PUT /recordings/{call_id}` with the SHA-256 in a header.

The hub keeps each recording as `<recordings_dir>/<call_id>.flac`. The body is streamed to a temp
file in the same folder while it is hashed; only a body whose SHA-256 matches the header is moved in
place (os.replace), so a cut connection never leaves a half file under the final name. A second PUT
of the same bytes is a no-op (idempotent: the desk may retry after a lost answer); different bytes
for a stored call are refused with 409 — a recording is evidence and is never overwritten.

With `call_info` (the hub passes its log's view of the call): only the desk that took the call may
upload its recording (403 naming the owner; 404 while the call has not synced yet, the desk retries),
the hash must be the call record's `recording_sha256` (409), and the size is bounded by the call's
recording duration. In every case the content must be a FLAC that decodes (soundfile, 415) and, when
the duration is known, lasts roughly as long (422).

Mount (in server/app.py, next to the sync routes)::

    from .recordings import routes as recording_routes
    routes += recording_routes(server.authenticate, data_dir / "recordings")

`authenticate(authorization_header)` must raise `sync.protocol.ProtocolError` (code unauthorized /
forbidden) for a bad credential and return the site otherwise (`SyncServer.authenticate` does).

At rest every recording is sealed (store/keys.py: chunked AES-256-GCM) with the hub's recording key,
derived from the key of its database (`key=`; by default the one of `<recordings_dir>/../sync-server.sqlite`).
The upload arrives as plaintext FLAC over TLS and is sealed while it streams to the temp file, so no
plaintext audio touches the hub's disk; the FLAC check decodes it through a decrypting reader. Hashes
and sizes in answers are the plaintext's (the call record's SHA-256).
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import soundfile
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..store import keys
from ..sync import protocol as p

log = logging.getLogger(__name__)

SHA256_HEADER = "X-Content-SHA256"
MAX_BYTES = 512 * 1024 * 1024  # a 4-hour 2-channel FLAC at 8 kHz is ~250 MB; refuse anything larger
SUFFIX = ".flac"
_CALL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_AUTH_STATUS = {p.E_UNAUTHORIZED: 401, p.E_FORBIDDEN: 403, "rate_limited": 429, "busy": 503}
MAX_RATE = 48_000  # samples per second per channel a recording may have
SLACK_S = 2.0  # "roughly the call's duration": ± this, or ± 10 %


class NotFlac(ValueError):
    """The content is not a FLAC that decodes."""


def flac_duration(path: Path, key: bytes | None = None) -> float:
    """Seconds of audio in a FLAC file (sealed: decrypted in memory with `key`), decoding every
    frame; NotFlac otherwise."""
    try:
        with keys.open_recording(path, key) as f:
            info = soundfile.info(f)
            if info.format != "FLAC":
                raise NotFlac(f"content is {info.format}, not FLAC")
            f.seek(0)
            frames = 0
            for block in soundfile.blocks(f, blocksize=1 << 16, dtype="int16"):
                frames += len(block)
    except (soundfile.LibsndfileError, RuntimeError, keys.SealError) as exc:
        raise NotFlac(f"content is not a FLAC that decodes ({exc})") from None
    if info.samplerate <= 0:
        raise NotFlac("content has no sample rate")
    return frames / info.samplerate


def _call_length(info: dict[str, Any] | None) -> float | None:
    """Seconds from the call's start to its end, when the hub knows both."""
    if not info:
        return None
    start, end = info.get("started_at"), info.get("ended_at")
    if type(start) is int and type(end) is int and end >= start:
        return (end - start) / 1000
    return None


def size_limit(duration_s: float | None, max_bytes: int) -> int:
    """Bytes a recording of this duration may take (never more than uncompressed 2 × 16 bit)."""
    if duration_s is None:
        return max_bytes
    return min(max_bytes, int((duration_s + 10) * MAX_RATE * 2 * 2) + 65536)


def _err(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


def _file_sha256(path: Path, key: bytes | None = None) -> str:
    """SHA-256 of a stored recording's plaintext (sealed, or plain from before encryption at rest)."""
    return keys.plaintext_sha256(path, key)


def _plain_size(path: Path, key: bytes | None) -> int:
    if keys.is_sealed(path) and key is not None:
        reader = keys.SealedReader(path, key)
        reader.close()
        return reader.size
    return path.stat().st_size


def hub_recording_key(recordings_dir: Path, key_file: Path | str | None = None) -> bytes:
    """The hub's recording key: derived from the key of the hub database beside the recordings."""
    from .sqlite_backend import DB_FILE, hub_key

    return keys.derive(hub_key(Path(recordings_dir).parent / DB_FILE, key_file), keys.PURPOSE_RECORDINGS)


def routes(
    authenticate: Callable[..., Any],
    recordings_dir: Path | str,
    *,
    max_bytes: int = MAX_BYTES,
    call_info: Callable[[str], dict[str, Any] | None] | None = None,
    key: bytes | None = None,
    key_file: Path | str | None = None,
) -> list[Route]:
    """PUT and GET /recordings/{call_id}; GET answers {"call_id", "sha256", "size"} or 404.

    `authenticate(authorization_header)` returns the site (a coroutine function gets the client
    address too: the hub's AuthGate). `call_info(call_id)` is {"owner": site id, column: value} of a
    call the hub holds, or None."""
    folder = Path(recordings_dir)
    is_async = inspect.iscoroutinefunction(authenticate)
    folder.parent.mkdir(parents=True, exist_ok=True)
    rec_key = key if key is not None else hub_recording_key(folder, key_file)

    async def check_auth(request: Request) -> Any:
        header = request.headers.get("authorization")
        try:
            if is_async:
                return await authenticate(header, request.client.host if request.client else "?")
            return await run_in_threadpool(authenticate, header)
        except p.ProtocolError as exc:
            return _err(_AUTH_STATUS.get(exc.code, 401), exc.code, str(exc))

    async def check_call(site: Any, call_id: str, claimed: str) -> tuple[float | None, Response | None]:
        """(the recording's expected duration, None) or (None, a refusal)."""
        if call_info is None:
            return None, None
        info = await run_in_threadpool(call_info, call_id)
        if info is None:
            return None, _err(
                404, p.E_NOT_FOUND, f"call {call_id} is not known to this hub yet; retry after sync"
            )
        if info["owner"] != site.site_id:
            return None, _err(
                403,
                p.E_FORBIDDEN,
                f"call {call_id} was taken by site {info['owner']}; site {site.site_id} may not upload its recording",
            )
        sha = info.get("recording_sha256")
        if isinstance(sha, str) and sha and sha != claimed:
            return None, _err(409, "recording_mismatch", f"the call record of {call_id} holds SHA-256 {sha}")
        duration = info.get("recording_duration_s")
        if isinstance(duration, (int, float)) and duration >= 0:
            return float(duration), None
        return None, None

    def target(call_id: str) -> Path | None:
        return folder / f"{call_id}{SUFFIX}" if _CALL_ID.fullmatch(call_id) else None

    async def put(request: Request) -> Response:
        site = await check_auth(request)
        if isinstance(site, Response):
            return site
        call_id = request.path_params["call_id"]
        final = target(call_id)
        if final is None:
            return _err(400, p.E_BAD_REQUEST, f"call id {call_id[:80]!r} is not a valid id")
        claimed = (request.headers.get(SHA256_HEADER) or "").strip().lower()
        if not _SHA256.fullmatch(claimed):
            return _err(400, p.E_BAD_REQUEST, f"{SHA256_HEADER}: expected 64 hex digits")
        expected, refused = await check_call(site, call_id, claimed)
        if refused is not None:
            return refused
        limit = size_limit(expected, max_bytes)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return _err(
                413, "too_large", f"recording of {declared} bytes is larger than the limit of {limit}"
            )
        await run_in_threadpool(folder.mkdir, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{call_id}-", suffix=".part", dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        digest, size = hashlib.sha256(), 0
        try:
            sealed = await run_in_threadpool(keys.SealWriter, tmp, rec_key)  # sealed as it streams in
            try:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        return _err(413, "too_large", f"recording larger than {limit} bytes")
                    digest.update(chunk)
                    await run_in_threadpool(sealed.write, chunk)
            finally:
                await run_in_threadpool(sealed.close)  # fsynced
            got = digest.hexdigest()
            if got != claimed:
                return _err(422, "sha256_mismatch", f"body hashes to {got}, header says {claimed}")
            try:
                seconds = await run_in_threadpool(flac_duration, tmp, rec_key)
            except NotFlac as exc:
                return _err(415, "not_flac", str(exc))
            longest = _call_length(await run_in_threadpool(call_info, call_id)) if call_info else None
            if expected is None and longest is not None and seconds > longest + SLACK_S:
                return _err(
                    422,
                    "wrong_duration",
                    f"the recording lasts {seconds:.1f} s; the call lasted {longest:.1f} s",
                )
            if expected is not None and abs(seconds - expected) > max(SLACK_S, 0.1 * expected):
                return _err(
                    422,
                    "wrong_duration",
                    f"the recording lasts {seconds:.1f} s; the call's recording is {expected:.1f} s",
                )
            if final.exists():
                stored = await run_in_threadpool(_file_sha256, final, rec_key)
                if stored == got:
                    return JSONResponse({"call_id": call_id, "sha256": got, "size": size, "stored": False})
                log.warning(
                    "recording %s: refused different bytes (stored %s, sent %s)", call_id, stored, got
                )
                return _err(409, "recording_exists", f"a different recording of {call_id} is stored")
            os.replace(tmp, final)
            log.info("recording %s stored (%d bytes)", call_id, size)
            return JSONResponse(
                {"call_id": call_id, "sha256": got, "size": size, "stored": True}, status_code=201
            )
        except ClientDisconnect:
            return _err(400, p.E_BAD_REQUEST, "upload cut off")
        finally:
            tmp.unlink(missing_ok=True)

    async def get(request: Request) -> Response:
        denied = await check_auth(request)
        if isinstance(denied, Response):
            return denied
        call_id = request.path_params["call_id"]
        final = target(call_id)
        if final is None or not final.exists():
            return _err(404, p.E_NOT_FOUND, f"no recording of {call_id[:80]!r}")
        sha = await run_in_threadpool(_file_sha256, final, rec_key)
        size = await run_in_threadpool(_plain_size, final, rec_key)
        return JSONResponse({"call_id": call_id, "sha256": sha, "size": size})

    async def one(request: Request) -> Response:
        return await (put(request) if request.method == "PUT" else get(request))

    return [Route("/recordings/{call_id}", one, methods=["PUT", "GET"])]
