"""AML intake: `POST /aml` from the mobile network's AML gateway (ETSI TS 103 625 HTTPS transport).

Accepts the HTTPS form body (`application/x-www-form-urlencoded`: v, device_number,
location_latitude, …), a raw AML SMS (`text/plain`, `A"ML=1;lt=…`, as an SMS gateway forwards it)
and, for NG112 test rigs, a PIDF-LO document. The answer is ALWAYS 2xx, whatever arrives: a sender
that gets errors retries or gives up, and neither helps a caller. Discarded messages are logged and
answered `{"accepted": false, "reason": CODE, "detail": …}`.

Optional authenticity check: with a shared `secret`, the header `X-AML-Signature` must carry
HMAC-SHA256(secret, raw body bytes) as hex (optionally prefixed `sha256=`); anything else is
discarded with reason `bad_signature`.

For a raw SMS, which holds no phone number, the gateway names the sender in the header
`X-SMS-From` or the query parameter `?from=`; it becomes the location's `number`.

Mounting (the server may not import telephony, so the parser is passed in; see the helper's report)::

    from operator_desk.telephony.location import parse_any
    from .aml_intake import routes as aml_routes
    routes += aml_routes(on_location=hub_append_device_location, parse=parse_any,
                         secret=os.environ.get("OPERATOR_DESK_AML_SECRET"), counters=server.counters)

Callback contract: `on_location(loc)` gets a plain dict — `DeviceLocation.to_json()` (lat, lon,
radius_m, time as UTC ISO or None, method, confidence, number as E.164 or None, source, warnings,
imei, imsi) plus `received_at` (epoch ms, server clock). It may be a plain function (run in the
thread pool: it may write the database) or a coroutine function. `device_location_row(loc)` gives the
`device_locations` append row (APPEND_TABLES columns, `call_id` None) the hub writes as ONE change
`{"tbl": "device_locations", "pk": <new UUIDv7>, "col": "*", "value": row}`; desks attach it to
their own call with `DeviceLocationService.attach_synced`.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..domain import phone
from ..sync import protocol as p

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-AML-Signature"
SENDER_HEADER = "X-SMS-From"
MAX_BODY = 64 * 1024  # an AML message is < 2 KB; a PIDF-LO document a few KB

# Discard reasons (codes in the JSON answer and the counters).
R_TOO_LARGE = "too_large"
R_NOT_TEXT = "not_text"
R_BAD_SIGNATURE = "bad_signature"
R_UNPARSABLE = "unparsable"
R_CALLBACK_FAILED = "callback_failed"
R_INTERNAL = "internal_error"


def _ok(accepted: bool, reason: str | None = None, detail: str = "", **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"accepted": accepted, "reason": reason, "detail": detail[:300], **extra}, status_code=200
    )


def signature(secret: str | bytes, body: bytes) -> str:
    """The hex HMAC-SHA256 a sender puts in X-AML-Signature."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def device_location_row(loc: dict[str, Any]) -> dict[str, Any]:
    """The `device_locations` append row for a location handed to `on_location`."""
    cols = p.APPEND_TABLES["device_locations"]
    row = {c: loc.get(c) for c in cols}
    row["call_id"] = None
    return row


def routes(
    on_location: Callable[[dict[str, Any]], Any],
    parse: Callable[[str], Any],
    *,
    secret: str | bytes | None = None,
    path: str = "/aml",
    counters: dict[str, int] | None = None,
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
) -> list[Route]:
    """`POST {path}`. `parse(text)` returns an object with `to_json()` (or a dict) or raises ValueError."""
    is_async = inspect.iscoroutinefunction(on_location)

    def count(key: str) -> None:
        if counters is not None:
            counters[key] = counters.get(key, 0) + 1

    def discard(reason: str, detail: str) -> JSONResponse:
        count(f"aml_discarded_{reason}")
        log.info("AML discarded (%s): %s", reason, detail[:200])
        return _ok(False, reason, detail)

    async def read_body(request: Request) -> bytes | None:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def intake(request: Request) -> Response:
        try:
            return await handle(request)
        except Exception as exc:  # the contract is "always 2xx"
            log.exception("AML intake failed")
            return discard(R_INTERNAL, f"{type(exc).__name__}")

    async def handle(request: Request) -> Response:
        received_at = now_ms()
        body = await read_body(request)
        if body is None:
            return discard(R_TOO_LARGE, f"body larger than {MAX_BODY} bytes")
        if secret:
            given = (request.headers.get(SIGNATURE_HEADER) or "").strip().lower().removeprefix("sha256=")
            if not given or not hmac.compare_digest(given, signature(secret, body)):
                return discard(R_BAD_SIGNATURE, f"missing or wrong {SIGNATURE_HEADER}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return discard(R_NOT_TEXT, f"body is not UTF-8 ({exc.reason})")
        try:
            parsed = parse(text)
        except ValueError as exc:  # LocationParseError is a ValueError
            return discard(R_UNPARSABLE, str(exc))
        loc = dict(parsed.to_json() if hasattr(parsed, "to_json") else parsed)
        if not loc.get("number"):
            sender = request.headers.get(SENDER_HEADER) or request.query_params.get("from") or ""
            number = phone.normalise(sender[:64]) if sender else None
            if number:
                loc["number"] = number
        loc["received_at"] = received_at
        try:
            if is_async:
                await on_location(loc)
            else:
                await run_in_threadpool(on_location, loc)
        except Exception as exc:  # logged; the sender still gets 2xx
            log.exception("AML on_location callback failed")
            return discard(R_CALLBACK_FAILED, f"{type(exc).__name__}: {exc}")
        count("aml_accepted")
        log.info("AML accepted: number=%s source=%s", loc.get("number"), loc.get("source"))
        return _ok(True, None, "", number=loc.get("number"), warnings=loc.get("warnings", []))

    return [Route(path, intake, methods=["POST"])]
