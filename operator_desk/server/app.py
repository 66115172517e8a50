"""The Starlette app: thin routes over `SyncServer`; database work runs in the thread pool.

Long-poll pulls wait on the server's Notifier (woken after each committed ingest) and re-check the
database at least once a second, so a change committed by another process is seen too.

Every request is bounded (server/limits.py): bodies by size while they are read (413), JSON by
nesting (400), query numbers by range (400); authentication goes through the AuthGate (429/503 for
floods of wrong tokens). Any error a client can cause is a 4xx naming the problem.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
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
from . import limits
from .auth import E_BUSY, E_RATE_LIMITED, RateLimited, require_kind
from .core import E_AUDIT_MISMATCH, SyncServer
from .openapi import OPENAPI
from .records import Site

STATUS_BY_CODE = {
    p.E_UNAUTHORIZED: 401,
    p.E_FORBIDDEN: 403,
    p.E_CLOCK_SKEW: 409,
    E_AUDIT_MISMATCH: 409,
    p.E_NOT_FOUND: 404,
    p.E_BAD_REQUEST: 400,
    E_RATE_LIMITED: 429,
    E_BUSY: 503,
    limits.E_TOO_LARGE: 413,
    limits.E_TIMEOUT: 408,
}


def client_host(request: Request) -> str:
    return request.client.host if request.client else "?"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


def error(code: str, detail: str, status: int | None = None, retry_after: float | None = None) -> JSONResponse:
    headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after is not None else None
    return JSONResponse(
        {"error": code, "detail": detail[:500]},
        status_code=status or STATUS_BY_CODE.get(code, 400),
        headers=headers,
    )


def protocol_error(exc: p.ProtocolError) -> JSONResponse:
    status = exc.status if isinstance(exc, limits.LimitError) else None
    retry = exc.retry_after if isinstance(exc, RateLimited) else None
    if exc.code == E_BUSY and retry is None:
        retry = 1.0
    return error(exc.code, str(exc), status, retry)


def create_app(
    server: SyncServer,
    on_startup: list[Callable[[], Any]] | None = None,
    on_shutdown: list[Callable[[], Any]] | None = None,
    extra_routes: list[Route] | None = None,
    max_wait: float = p.MAX_WAIT_S,
) -> Starlette:
    """The ASGI app of one server. `on_startup`/`on_shutdown` start and stop the upstream relay;
    `max_wait` caps a pull's long-poll (a client asking longer gets its answer sooner)."""
    waker = _Waker(server)

    async def authed(request: Request) -> Site:
        return await server.gate.authenticate(request.headers.get("authorization"), client_host(request))

    async def admin(request: Request) -> Site:
        site = await authed(request)
        require_kind(site, "admin")
        return site

    def guarded(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except p.ProtocolError as exc:
                return protocol_error(exc)
            except (ValueError, json.JSONDecodeError, UnicodeError) as exc:
                return error(p.E_BAD_REQUEST, str(exc))
            except RecursionError:
                return error(p.E_BAD_REQUEST, "body: nested too deeply")
            except OverflowError as exc:
                return error(p.E_BAD_REQUEST, f"a number is out of range ({exc})")

        return run

    async def body_json(request: Request, limit: int = limits.MAX_SMALL_BODY) -> Any:
        return limits.parse_json(await limits.read_body(request, limit))

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
        if not is_loopback(client_host(request)):
            await admin(request)  # from another machine: an admin credential
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
        shape = "body: expected {'name': str, 'kind': 'desk'|'hub'|'admin'|'wall', 'supervisor'?: bool}"
        if not isinstance(body, dict):
            raise p.ProtocolError(shape)
        name, kind, sup = body.get("name"), body.get("kind", "desk"), body.get("supervisor", False)
        if not isinstance(name, str) or not isinstance(kind, str) or not isinstance(sup, bool):
            raise p.ProtocolError(shape)
        out = await run_in_threadpool(server.enroll, name, kind, sup)
        return JSONResponse(out, status_code=201)

    async def push(request: Request) -> Response:
        site = await authed(request)
        body = await body_json(request, limits.MAX_PUSH_BODY)
        return JSONResponse(await run_in_threadpool(server.push, site, body))

    async def pull(request: Request) -> Response:
        site = await authed(request)
        qp = request.query_params
        after = limits.query_int(qp, "after", 0, 0, p.MAX_SEQ)
        limit = limits.query_int(qp, "limit", p.DEFAULT_PULL_LIMIT, 1, p.MAX_PULL_LIMIT)
        wait = min(limits.query_float(qp, "wait", 0.0, 0.0, p.MAX_WAIT_S), max_wait)
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
        flags = request.query_params.getlist("open")
        if len(flags) > 1 or (flags and flags[0] not in ("0", "1", "true", "false", "yes", "no")):
            raise p.ProtocolError("open: expected one of 0, 1, true, false, yes, no")
        open_only = bool(flags) and flags[0] in ("1", "true", "yes")
        return JSONResponse({"conflicts": await run_in_threadpool(server.conflicts, open_only)})

    async def admin_sites(request: Request) -> Response:
        await admin(request)
        return JSONResponse({"sites": await run_in_threadpool(server.sites)})

    async def admin_revoke(request: Request) -> Response:
        await admin(request)
        out = await run_in_threadpool(server.set_flag, request.path_params["site"], "revoked", True)
        return JSONResponse(out)

    async def admin_supervisor(request: Request) -> Response:
        await admin(request)
        body = await body_json(request)
        if not isinstance(body, dict) or not isinstance(body.get("on"), bool):
            raise p.ProtocolError("body: expected {'on': true|false}")
        out = await run_in_threadpool(server.set_flag, request.path_params["site"], "supervisor", body["on"])
        return JSONResponse(out)

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
        Route(f"{v}/admin/sites", guarded(admin_sites), methods=["GET"]),
        Route(f"{v}/admin/sites/{{site}}/revoke", guarded(admin_revoke), methods=["POST"]),
        Route(f"{v}/admin/sites/{{site}}/supervisor", guarded(admin_supervisor), methods=["POST"]),
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
