"""The HTTP side of the protocol for a desk or a relaying hub (httpx, synchronous).

Errors are typed by what the caller must do: OfflineError (retry with backoff: also a 503 "busy"),
SyncRejected with the server's code (`unauthorized`, `forbidden`, `clock_skew`, `rate_limited` with
`retry_after`, …). A push the hub finds too large (413) is sent again in halves, in order.
"""

from __future__ import annotations

import json as _json
import ssl
from typing import Any, Protocol

import httpx

from . import protocol as p


class SyncClientError(Exception):
    """Base of client errors; `code` is what the desk status shows."""

    code = "error"


class OfflineError(SyncClientError):
    """The server cannot be reached (network down, server stopped, timeout)."""

    code = "offline"


class TlsError(SyncClientError):
    """The hub's certificate is refused: not signed by the pinned CA (`join --ca-file`), expired, or
    issued for another host name. Not retried quickly: someone must fix the certificate or the pin."""

    code = "tls_untrusted"


def tls_context(ca_pem: str) -> ssl.SSLContext:
    """Verification against one pinned CA only (not the system's): certificate chain and host name."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=ca_pem)
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def _transport_error(base_url: str, exc: httpx.TransportError) -> SyncClientError:
    """A refused certificate is a TlsError with the reason; everything else is offline (retry)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            why = cause.verify_message or str(cause)
            return TlsError(f"{base_url}: the hub's certificate is not trusted ({why})")
        cause = cause.__cause__ or cause.__context__
    if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "certificate verify failed" in str(exc):
        return TlsError(f"{base_url}: the hub's certificate is not trusted ({exc})")
    return OfflineError(f"{base_url}: {type(exc).__name__}: {exc}")


class SyncRejected(SyncClientError):
    """The server answered with an error body {"error": code, "detail": text}."""

    def __init__(self, code: str, detail: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.code = code
        self.status = status
        self.retry_after = retry_after  # seconds, from a 429's Retry-After


class SyncTransport(Protocol):
    """What the engine and the relay need; HttpSyncClient is the real one, tests may call in-process."""

    def push(self, changes: list[dict[str, Any]]) -> dict[str, Any]: ...

    def pull(self, after: int, limit: int, wait: float) -> dict[str, Any]: ...

    def snapshot(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class HttpSyncClient:
    """One server, one credential. `transport` lets tests run the ASGI app in-process."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        verify: bool | str | ssl.SSLContext = True,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        headers = {"Authorization": f"Bearer {token}"}
        if client is not None:
            client.headers.update(headers)
            self._http = client
        else:
            self._http = httpx.Client(
                base_url=self.base_url, headers=headers, timeout=timeout, verify=verify, transport=transport
            )

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        try:
            resp = self._http.request(
                method,
                path,
                json=json,
                content=content,
                headers={"Content-Type": "application/json"} if content is not None else None,
                params=params,
                timeout=timeout if timeout is not None else self.timeout,
            )
        except httpx.TransportError as exc:
            raise _transport_error(self.base_url, exc) from exc
        if resp.status_code >= 500:
            raise OfflineError(f"{self.base_url}{path}: server error {resp.status_code}")
        try:
            body = _decode_body(resp.content)
        except ValueError:
            kind = resp.headers.get("content-type", "?").split(";")[0]
            raise SyncRejected(  # a web page, a proxy's login, another service: one line, never its body
                "not_our_hub",
                f"{self.base_url}{path}: not an Operator Desk hub (HTTP {resp.status_code}, {kind})",
                resp.status_code,
            ) from None
        if resp.status_code >= 400:
            if not isinstance(body, dict):
                body = {}
            retry = resp.headers.get("retry-after")
            raise SyncRejected(
                str(body.get("error", "error")),
                str(body.get("detail", "")),
                resp.status_code,
                float(retry) if retry and retry.isdigit() else None,
            )
        return dict(body)

    def push(self, changes: list[dict[str, Any]]) -> dict[str, Any]:
        try:
            return self._call("POST", f"{p.API_PREFIX}/push", json={"changes": changes})
        except SyncRejected as exc:
            if exc.status != 413 or len(changes) < 2:
                raise
        half = len(changes) // 2  # the hub's body limit: the same changes, in order, in two pushes
        return _merged(self.push(changes[:half]), self.push(changes[half:]))

    def push_encoded(self, body: bytes) -> dict[str, Any]:
        """Push a body already encoded as JSON ({"changes": [...]}, see protocol.encode_changes)."""
        try:
            return self._call("POST", f"{p.API_PREFIX}/push", content=body)
        except SyncRejected as exc:
            if exc.status != 413:
                raise
        return self.push(_json.loads(body)["changes"])

    def pull(self, after: int, limit: int = p.DEFAULT_PULL_LIMIT, wait: float = 0.0) -> dict[str, Any]:
        return self._call(
            "GET",
            f"{p.API_PREFIX}/pull",
            params={"after": after, "limit": limit, "wait": wait},
            timeout=self.timeout + wait,
        )

    def snapshot(self) -> dict[str, Any]:
        """The hub's merged state (tens of MB on a first sync): streamed and decoded in slices as it
        arrives, so neither joining nor decoding the whole body holds the GIL for long."""
        path, timeout = f"{p.API_PREFIX}/snapshot", max(self.timeout, 120.0)
        try:
            with self._http.stream("GET", path, timeout=timeout) as resp:
                if resp.status_code == 200:
                    decoder = SliceDecoder()
                    for chunk in resp.iter_bytes():
                        decoder.feed(chunk)
                    return dict(decoder.finish())
        except httpx.TransportError as exc:
            raise _transport_error(self.base_url, exc) from exc
        except ValueError as exc:
            raise SyncRejected(p.E_BAD_REQUEST, f"not JSON: {exc}", 200) from None
        return self._call("GET", path, timeout=timeout)  # an error answer: read and raised as usual

    def status(self) -> dict[str, Any]:
        return self._call("GET", f"{p.API_PREFIX}/status")

    def conflicts(self, open_only: bool = False) -> list[dict[str, Any]]:
        return list(
            self._call("GET", f"{p.API_PREFIX}/conflicts", params={"open": int(open_only)})["conflicts"]
        )

    def resolve(
        self, conflict_id: str, resolution: str, resolved_by: str | None = None, **value: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"resolution": resolution, "resolved_by": resolved_by, **value}
        return self._call("POST", f"{p.API_PREFIX}/conflicts/{conflict_id}/resolve", json=body)

    def close(self) -> None:
        self._http.close()


STEPWISE_BYTES = 1 << 20  # bodies larger than this are decoded in slices
SLICE_CHARS = 1 << 18  # about 1,000 changes: a few milliseconds of json.loads each
_HEAD = '{"changes":['
_HEAD_BYTES = _HEAD.encode()
_WS = " \t\r\n"


def _decode_body(content: bytes) -> Any:
    """JSON of a response. A big page or snapshot ({"changes": [...], ...}, tens of MB on a first
    sync) is decoded in slices of about SLICE_CHARS: one json.loads of it would hold the GIL for a
    second and freeze the desk's window meanwhile; between two slices other threads run."""
    if len(content) <= STEPWISE_BYTES or not content.startswith(_HEAD.encode()):
        return _json.loads(content)
    text = content.decode("utf-8")
    changes, i = _decode_changes(text, len(_HEAD))
    return _with_tail(changes, text, i)


def _with_tail(changes: list[Any], text: str, i: int) -> dict[str, Any]:
    """{"changes": changes, ...the fields after the array, which ends just before text[i]}."""
    rest = text[i:].strip()
    if rest == "}":
        return {"changes": changes}
    if not rest.startswith(","):
        raise ValueError(f"body: expected ',' or '}}' after the changes at offset {i}")
    tail = _json.loads("{" + rest[1:])
    if not isinstance(tail, dict):
        raise ValueError("body: expected an object")
    return {"changes": changes, **tail}


class SliceDecoder:
    """`_decode_body` for a body that arrives in pieces (a streamed response): whole slices of
    changes are decoded as soon as they are in, and only the undecoded rest is kept."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pos = 0
        self._changes: list[Any] = []
        self._head: bool | None = None  # None: not known yet; False: not a page, decoded at the end
        self._slicing = True

    def feed(self, chunk: bytes) -> None:
        self._buf += chunk
        if self._head is None:
            if len(self._buf) < len(_HEAD_BYTES):
                return
            self._head = self._buf.startswith(_HEAD_BYTES)
            self._pos = len(_HEAD_BYTES)
        if not (self._head and self._slicing):
            return
        while (cut := self._buf.find(b"},{", self._pos + SLICE_CHARS)) != -1:
            try:
                self._changes.extend(_json.loads(b"[" + self._buf[self._pos : cut + 1] + b"]"))
            except ValueError:  # a cut inside a string: the rest is decoded by finish()
                self._slicing = False
                return
            self._pos = cut + 2
        if self._pos > SLICE_CHARS * 8:
            del self._buf[: self._pos]
            self._pos = 0

    def finish(self) -> Any:
        if not self._head:
            return _json.loads(bytes(self._buf))
        text = bytes(self._buf[self._pos :]).decode("utf-8")
        rest, i = _decode_changes(text, 0)
        self._changes.extend(rest)
        return _with_tail(self._changes, text, i)


def _decode_changes(text: str, i: int) -> tuple[list[Any], int]:
    """The array whose first element starts at `i` (just after its '['); returns it and the offset
    after its ']'. A slice is cut at a '},{' past SLICE_CHARS: a cut inside a string or a nested
    value leaves a slice that is not valid JSON (an open string or bracket), so it fails to parse;
    then the next SLICE_CHARS are decoded one element at a time (linear whatever the values hold)."""
    decode = _json.JSONDecoder().raw_decode
    out: list[Any] = []
    end = len(text)
    while i < end and text[i] in _WS:
        i += 1
    if i < end and text[i] == "]":
        return out, i + 1
    while True:
        cut = text.find("},{", i + SLICE_CHARS)
        if cut == -1:  # the last slice: up to the array's closing bracket
            rest, n = decode("[" + text[i:])
            out.extend(rest)
            return out, i + n - 1
        try:
            out.extend(_json.loads("[" + text[i : cut + 1] + "]"))
            i = cut + 2
            continue
        except ValueError:
            pass
        stop = i + SLICE_CHARS
        while i < stop:
            obj, i = decode(text, i)
            out.append(obj)
            while i < end and text[i] in _WS:
                i += 1
            if text[i : i + 1] == "]":
                return out, i + 1
            if text[i : i + 1] != ",":
                raise ValueError(f"changes: expected ',' or ']' at offset {i}")
            i += 1


def _merged(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One push answer for two consecutive pushes."""
    out = dict(b)
    for key in ("accepted", "duplicates"):
        out[key] = int(a.get(key, 0)) + int(b.get(key, 0))
    for key in ("conflicts", "refused"):
        out[key] = [*a.get(key, []), *b.get(key, [])]
    return out
