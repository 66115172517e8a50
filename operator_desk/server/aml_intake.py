"""AML intake: `POST /aml` from the mobile network's AML gateway (ETSI TS 103 625 HTTPS transport).

Accepts the HTTPS form body (`application/x-www-form-urlencoded`: v, device_number,
location_latitude, …), a raw AML SMS (`text/plain`, `A"ML=1;lt=…`, as an SMS gateway forwards it)
and, for NG112 test rigs, a PIDF-LO document.

OFF until configured: with neither a shared `secret` nor an `allow` list of gateway addresses,
every POST is refused (403, reason `disabled`); the server says which mode it runs at start.
- `allow` (addresses or networks): only those senders; their messages need no signature.
- `secret`: every message carries `X-AML-Timestamp` (Unix seconds) and `X-AML-Signature`
  = hex HMAC-SHA256(secret, "<timestamp>\n<sender>\n" + raw body) (optionally `sha256=`), where
  <sender> is the `X-SMS-From` header, else the `?from=` parameter, else empty: the number is
  covered by the signature. A timestamp more than `window_s` away from the server clock, or a
  signature seen before within the window (a replay), is refused.
Refusals of unauthenticated messages are plain 4xx JSON answers `{"accepted": false, "reason",
"detail"}` (403 disabled / not_allowed / bad_signature / stale, 409 replay, 413 too_large for a body
that cannot be verified). Once a message is authenticated the answer is ALWAYS 2xx, whatever it
holds: a gateway that gets errors retries or gives up, and neither helps a caller; discarded
messages are logged and answered `{"accepted": false, "reason": CODE, "detail": …}`.

For a raw SMS, which holds no phone number, the gateway names the sender in the header
`X-SMS-From` or the query parameter `?from=`; it becomes the location's `number`.

Mounting (the server may not import telephony, so the parser is passed in)::

    from operator_desk.telephony.location import parse_any
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
import ipaddress
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..domain import phone
from ..sync import protocol as p
from . import limits

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-AML-Signature"
TIMESTAMP_HEADER = "X-AML-Timestamp"
SENDER_HEADER = "X-SMS-From"
MAX_BODY = 64 * 1024  # an AML message is < 2 KB; a PIDF-LO document a few KB
WINDOW_S = 300
MAX_REMEMBERED = 100_000  # signatures remembered against replays
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DIGITS = re.compile(r"[0-9]{1,12}")

# Discard reasons (codes in the JSON answer and the counters).
R_TOO_LARGE = "too_large"
R_NOT_TEXT = "not_text"
R_BAD_SIGNATURE = "bad_signature"
R_UNPARSABLE = "unparsable"
R_CALLBACK_FAILED = "callback_failed"
R_INTERNAL = "internal_error"
R_DISABLED = "disabled"
R_NOT_ALLOWED = "not_allowed"
R_STALE = "stale"
R_REPLAY = "replay"


def _ok(
    accepted: bool, reason: str | None = None, detail: str = "", status: int = 200, **extra: Any
) -> JSONResponse:
    return JSONResponse(
        {"accepted": accepted, "reason": reason, "detail": detail[:300], **extra}, status_code=status
    )


def signature(secret: str | bytes, body: bytes, timestamp: int | str, sender: str = "") -> str:
    """The hex HMAC-SHA256 a sender puts in X-AML-Signature: over the timestamp, the sender number
    (X-SMS-From or ?from=, empty if none) and the raw body."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, f"{timestamp}\n{sender}\n".encode() + body, hashlib.sha256).hexdigest()


def parse_allow(items: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Gateway addresses or networks ("10.1.2.3", "10.1.0.0/16"); ValueError naming a bad one."""
    out = []
    for item in items:
        item = item.strip()
        if item:
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"AML allowlist: {item!r} is not an address or network") from None
    return out


def mode(secret: str | bytes | None, allow: Iterable[str] | None) -> str:
    """One line saying how the intake runs (printed by the server at start)."""
    nets = parse_allow(allow or [])
    if not secret and not nets:
        return "AML intake: off (set OPERATOR_DESK_AML_SECRET or --aml-allow ADDR to turn it on)"
    parts = []
    if secret:
        parts.append("signed messages only (HMAC with timestamp, replays refused)")
    if nets:
        parts.append("from " + ", ".join(str(n) for n in nets) + " only")
    return "AML intake: on, " + "; ".join(parts)


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
    allow: Iterable[str] | None = None,
    path: str = "/aml",
    counters: dict[str, int] | None = None,
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    window_s: int = WINDOW_S,
) -> list[Route]:
    """`POST {path}`. `parse(text)` returns an object with `to_json()` (or a dict) or raises ValueError."""
    is_async = inspect.iscoroutinefunction(on_location)
    nets = parse_allow(allow or [])
    seen: OrderedDict[str, float] = OrderedDict()  # signature -> when it stops mattering (ms)

    def count(key: str) -> None:
        if counters is not None:
            counters[key] = counters.get(key, 0) + 1

    def discard(reason: str, detail: str, status: int = 200) -> JSONResponse:
        count(f"aml_discarded_{reason}")
        log.info("AML discarded (%s): %s", reason, detail[:200])
        return _ok(False, reason, detail, status)

    def allowed(request: Request) -> bool:
        host = request.client.host if request.client else ""
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(addr in n for n in nets)

    def check_signature(request: Request, body: bytes, sender: str, now: int) -> JSONResponse | None:
        assert secret
        given = (request.headers.get(SIGNATURE_HEADER) or "").strip().lower().removeprefix("sha256=")
        stamp = (request.headers.get(TIMESTAMP_HEADER) or "").strip()
        if _HEX64.fullmatch(given) is None or _DIGITS.fullmatch(stamp) is None:
            return discard(
                R_BAD_SIGNATURE, f"{SIGNATURE_HEADER} (64 hex digits) and {TIMESTAMP_HEADER} are required", 403
            )
        if not hmac.compare_digest(given, signature(secret, body, stamp, sender)):
            return discard(R_BAD_SIGNATURE, f"wrong {SIGNATURE_HEADER}", 403)
        if abs(now - int(stamp) * 1000) > window_s * 1000:
            return discard(R_STALE, f"{TIMESTAMP_HEADER} is more than {window_s} s from the server clock", 403)
        while seen and next(iter(seen.values())) < now:
            seen.popitem(last=False)
        if given in seen:
            return discard(R_REPLAY, "this signed message was received before", 409)
        if len(seen) >= MAX_REMEMBERED:
            seen.popitem(last=False)
        seen[given] = now + 2 * window_s * 1000
        return None

    async def read_body(request: Request) -> bytes | None:
        try:
            return await limits.read_body(request, MAX_BODY)
        except limits.LimitError as exc:
            if exc.status == 413:
                return None
            raise

    async def intake(request: Request) -> Response:
        try:
            return await handle(request)
        except Exception as exc:  # the contract is "always 2xx"
            log.exception("AML intake failed")
            return discard(R_INTERNAL, f"{type(exc).__name__}")

    async def handle(request: Request) -> Response:
        received_at = now_ms()
        if not secret and not nets:
            return discard(R_DISABLED, "AML intake is off on this server (no secret, no gateway allowlist)", 403)
        if nets and not allowed(request):
            return discard(R_NOT_ALLOWED, "this address is not an allowed AML gateway", 403)
        try:
            body = await read_body(request)
        except limits.LimitError as exc:
            return discard(R_UNPARSABLE, str(exc), exc.status)
        if body is None:
            return discard(R_TOO_LARGE, f"body larger than {MAX_BODY} bytes", 413 if secret else 200)
        sender = request.headers.get(SENDER_HEADER) or request.query_params.get("from") or ""
        if secret:
            refused = check_signature(request, body, sender, received_at)
            if refused is not None:
                return refused
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
