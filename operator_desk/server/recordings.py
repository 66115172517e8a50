"""Call recordings uploaded by desks: `PUT /recordings/{call_id}` with the SHA-256 in a header.

The hub keeps each recording as `<recordings_dir>/<call_id>.flac`. The body is streamed to a temp
file in the same folder while it is hashed; only a body whose SHA-256 matches the header is moved in
place (os.replace), so a cut connection never leaves a half file under the final name. A second PUT
of the same bytes is a no-op (idempotent: the desk may retry after a lost answer); different bytes
for a stored call are refused with 409 — a recording is evidence and is never overwritten.

Mount (in server/app.py, next to the sync routes)::

    from .recordings import routes as recording_routes
    routes += recording_routes(server.authenticate, data_dir / "recordings")

`authenticate(authorization_header)` must raise `sync.protocol.ProtocolError` (code unauthorized /
forbidden) for a bad credential and return the site otherwise (`SyncServer.authenticate` does).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..sync import protocol as p

log = logging.getLogger(__name__)

SHA256_HEADER = "X-Content-SHA256"
MAX_BYTES = 512 * 1024 * 1024  # a 4-hour 2-channel FLAC at 8 kHz is ~250 MB; refuse anything larger
SUFFIX = ".flac"
_CALL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_AUTH_STATUS = {p.E_UNAUTHORIZED: 401, p.E_FORBIDDEN: 403}


def _err(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def routes(
    authenticate: Callable[[str | None], Any], recordings_dir: Path | str, *, max_bytes: int = MAX_BYTES
) -> list[Route]:
    """PUT and GET /recordings/{call_id}; GET answers {"call_id", "sha256", "size"} or 404."""
    folder = Path(recordings_dir)

    async def check_auth(request: Request) -> Response | None:
        try:
            await run_in_threadpool(authenticate, request.headers.get("authorization"))
        except p.ProtocolError as exc:
            return _err(_AUTH_STATUS.get(exc.code, 401), exc.code, str(exc))
        return None

    def target(call_id: str) -> Path | None:
        return folder / f"{call_id}{SUFFIX}" if _CALL_ID.fullmatch(call_id) else None

    async def put(request: Request) -> Response:
        denied = await check_auth(request)
        if denied is not None:
            return denied
        call_id = request.path_params["call_id"]
        final = target(call_id)
        if final is None:
            return _err(400, p.E_BAD_REQUEST, f"call id {call_id[:80]!r} is not a valid id")
        claimed = (request.headers.get(SHA256_HEADER) or "").strip().lower()
        if not _SHA256.fullmatch(claimed):
            return _err(400, p.E_BAD_REQUEST, f"{SHA256_HEADER}: expected 64 hex digits")
        await run_in_threadpool(folder.mkdir, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{call_id}-", suffix=".part", dir=folder)
        tmp = Path(tmp_name)
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as f:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > max_bytes:
                        return _err(413, "too_large", f"recording larger than {max_bytes} bytes")
                    digest.update(chunk)
                    await run_in_threadpool(f.write, chunk)
                await run_in_threadpool(f.flush)
                await run_in_threadpool(os.fsync, f.fileno())
            got = digest.hexdigest()
            if got != claimed:
                return _err(422, "sha256_mismatch", f"body hashes to {got}, header says {claimed}")
            if final.exists():
                stored = await run_in_threadpool(_file_sha256, final)
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
        if denied is not None:
            return denied
        call_id = request.path_params["call_id"]
        final = target(call_id)
        if final is None or not final.exists():
            return _err(404, p.E_NOT_FOUND, f"no recording of {call_id[:80]!r}")
        sha = await run_in_threadpool(_file_sha256, final)
        return JSONResponse({"call_id": call_id, "sha256": sha, "size": final.stat().st_size})

    return [
        Route("/recordings/{call_id}", put, methods=["PUT"]),
        Route("/recordings/{call_id}", get, methods=["GET"]),
    ]
