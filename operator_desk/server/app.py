"""The Starlette app: thin routes over `SyncServer`; database work runs in the thread pool.

Long-poll pulls wait on the server's Notifier (woken after each committed ingest) and re-check the
database at least once a second, so a change committed by another process is seen too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..sync import protocol as p
from .core import SyncServer
from .openapi import OPENAPI
from .storage import Site

STATUS_BY_CODE = {
    p.E_UNAUTHORIZED: 401,
    p.E_FORBIDDEN: 403,
    p.E_CLOCK_SKEW: 409,
    p.E_NOT_FOUND: 404,
    p.E_BAD_REQUEST: 400,
}


class _Waker:
    """Bridges Notifier callbacks (any thread) to an asyncio.Event on the app's loop."""

    def __init__(self, server: SyncServer) -> None:
        self.server = server
        self.loop: asyncio.AbstractEventLoop | None = None
        self.event: asyncio.Event | None = None

    def _ensure(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self.loop is not loop or self.event is None:
            if self.loop is not None:
                self.server.notifier.remove_callback(self._fire)
            self.loop, self.event = loop, asyncio.Event()
            self.server.notifier.add_callback(self._fire)
        return self.event

    def _fire(self) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._set)

    def _set(self) -> None:
        old, self.event = self.event, asyncio.Event()
        if old is not None:
            old.set()

    async def wait(self, seen: int, timeout: float) -> None:
        event = self._ensure()
        if self.server.notifier.version != seen or timeout <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


def error(code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=STATUS_BY_CODE.get(code, 400))


def create_app(
    server: SyncServer,
    on_startup: list[Callable[[], Any]] | None = None,
    on_shutdown: list[Callable[[], Any]] | None = None,
    extra_routes: list[Route] | None = None,
) -> Starlette:
    """The ASGI app of one server. `on_startup`/`on_shutdown` start and stop the upstream relay."""
    waker = _Waker(server)

    async def authed(request: Request) -> Site:
        return await run_in_threadpool(server.authenticate, request.headers.get("authorization"))

    def guarded(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except p.ProtocolError as exc:
                return error(exc.code, str(exc))
            except (ValueError, json.JSONDecodeError) as exc:
                return error(p.E_BAD_REQUEST, str(exc))

        return run

    async def body_json(request: Request) -> Any:
        try:
            return json.loads(await request.body())
        except json.JSONDecodeError as exc:
            raise p.ProtocolError(f"body: not JSON ({exc.msg})") from None

    async def health(request: Request) -> Response:
        head = await run_in_threadpool(server.storage.head)
        return JSONResponse(
            {
                "ok": True,
                "backend": server.storage.backend,
                "head": head,
                "server_id": server.site_id,
                "protocol": p.PROTOCOL_VERSION,
            }
        )

    async def metrics(request: Request) -> Response:
        lines = [f"operator_desk_sync_{k}_total {v}" for k, v in sorted(server.counters.items())]
        lines.append(f"operator_desk_sync_head {await run_in_threadpool(server.storage.head)}")
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    async def enroll(request: Request) -> Response:
        site = await authed(request)
        if site.kind != "admin":
            raise p.ProtocolError("only an admin credential may enrol sites", p.E_FORBIDDEN)
        body = await body_json(request)
        if not isinstance(body, dict):
            raise p.ProtocolError("body: expected {'name': str, 'kind': 'desk'|'hub'}")
        out = await run_in_threadpool(server.enroll, str(body.get("name", "")), str(body.get("kind", "desk")))
        return JSONResponse(out, status_code=201)

    async def push(request: Request) -> Response:
        site = await authed(request)
        body = await body_json(request)
        return JSONResponse(await run_in_threadpool(server.push, site, body))

    async def pull(request: Request) -> Response:
        site = await authed(request)
        qp = request.query_params
        after = int(qp.get("after", "0"))
        limit = int(qp.get("limit", str(p.DEFAULT_PULL_LIMIT)))
        wait = max(0.0, min(float(qp.get("wait", "0")), p.MAX_WAIT_S))
        deadline = time.monotonic() + wait
        while True:
            seen = server.notifier.version
            page = await run_in_threadpool(server.pull_encoded, site, after, limit)
            remaining = deadline - time.monotonic()
            if page.count or page.cursor != after or remaining <= 0:
                return Response(page.body, media_type="application/json")
            await waker.wait(seen, min(remaining, 1.0))

    async def snapshot(request: Request) -> Response:
        site = await authed(request)
        return Response(await run_in_threadpool(server.snapshot_encoded, site), media_type="application/json")

    async def status(request: Request) -> Response:
        await authed(request)
        return JSONResponse(await run_in_threadpool(server.status))

    async def conflicts(request: Request) -> Response:
        await authed(request)
        open_only = request.query_params.get("open", "0") in ("1", "true", "yes")
        return JSONResponse({"conflicts": await run_in_threadpool(server.conflicts, open_only)})

    async def resolve(request: Request) -> Response:
        site = await authed(request)
        body = await body_json(request)
        cid = request.path_params["conflict_id"]
        return JSONResponse(await run_in_threadpool(server.resolve, site, cid, body))

    v = p.API_PREFIX
    routes = [
        Route("/health", guarded(health), methods=["GET"]),
        Route("/metrics", guarded(metrics), methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route(f"{v}/enroll", guarded(enroll), methods=["POST"]),
        Route(f"{v}/push", guarded(push), methods=["POST"]),
        Route(f"{v}/pull", guarded(pull), methods=["GET"]),
        Route(f"{v}/snapshot", guarded(snapshot), methods=["GET"]),
        Route(f"{v}/status", guarded(status), methods=["GET"]),
        Route(f"{v}/conflicts", guarded(conflicts), methods=["GET"]),
        Route(f"{v}/conflicts/{{conflict_id}}/resolve", guarded(resolve), methods=["POST"]),
    ]

    routes += extra_routes or []  # e.g. AML intake, recordings (mounted by the composition)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        waker._ensure()
        for fn in on_startup or []:
            fn()
        try:
            yield
        finally:
            for fn in on_shutdown or []:
                await run_in_threadpool(fn)

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sync_server = server
    return app
