"""Credentials: one token per enrolled site, stored only as an argon2 hash.

A token is ``<site_id>.<secret>``; the site id picks the hash to verify against. Verified tokens are
cached by their SHA-256 so a long-polling desk does not pay argon2's cost on every request; a cached
credential is checked against the database again after `RECHECK_S`, so a revocation made by
`operator-desk-server revoke` (another process) is honoured within a second, without a restart.

Failed authentication must stay cheap (`AuthGate`): a malformed token or an unknown site costs one
lookup; failures are counted per site and per client address and, past a small budget, answered
429 without any argon2 work; at most `ARGON2_SLOTS` verification runs at a time (each takes 64 MiB)
and a request that would queue behind too many others gets 503.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.concurrency import run_in_threadpool

from ..domain.ids import new_id
from ..sync.protocol import E_FORBIDDEN, E_UNAUTHORIZED, ProtocolError, token_digest
from .records import Site
from .storage import Storage

KINDS = ("desk", "hub", "admin", "wall")
RECHECK_S = 1.0  # a cached credential is looked up again after this (revocation without restart)
TOUCH_S = 30.0  # last_seen is written at most this often per site
ARGON2_SLOTS = 1  # one verification at a time: its lanes may take both cores of a small hub
ARGON2_QUEUE = 4  # verifications allowed to wait for a slot; past that: 503
E_RATE_LIMITED = "rate_limited"
E_BUSY = "busy"
_SITE_ID = re.compile(r"[0-9A-Za-z-]{8,64}")
MAX_TOKEN = 256


class AuthError(ProtocolError):
    """No credential, an unknown or revoked one, or one not allowed to do this."""


@dataclass
class _Cached:
    site: Site
    checked: float


class Bucket:
    """Token buckets by key (failures allowed per key): `capacity` at once, refilled `rate` per second."""

    def __init__(self, capacity: float, rate: float, max_keys: int = 10_000) -> None:
        self.capacity, self.rate, self.max_keys = capacity, rate, max_keys
        self._b: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        level, at = self._b.get(key, (self.capacity, now))
        return min(self.capacity, level + (now - at) * self.rate)

    def allowed(self, key: str, now: float | None = None) -> float:
        """0.0 when `key` may try now, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            level = self._level(key, now)
        return 0.0 if level >= 1.0 else (1.0 - level) / self.rate

    def level(self, key: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            return self._level(key, now)

    def spend(self, key: str, n: float = 1.0, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._b) >= self.max_keys:
                self._b = {k: v for k, v in self._b.items() if self._level(k, now) < self.capacity}
                if len(self._b) >= self.max_keys:
                    self._b.clear()
            self._b[key] = (max(0.0, self._level(key, now) - n), now)


def parse_bearer(authorization: str | None) -> tuple[str, str]:
    """(token, site id) of an `Authorization: Bearer <site_id>.<secret>` header, or AuthError (cheap)."""
    if not authorization or not authorization[:7].lower() == "bearer ":
        raise AuthError("missing bearer token", E_UNAUTHORIZED)
    token = authorization[7:].strip()
    site_id, sep, secret = token.partition(".")
    if len(token) > MAX_TOKEN or not sep or not secret or _SITE_ID.fullmatch(site_id) is None:
        raise AuthError("malformed token (expected '<site_id>.<secret>')", E_UNAUTHORIZED)
    return token, site_id


class Authenticator:
    """Enrols sites and maps a bearer token to its Site."""

    def __init__(
        self,
        storage: Storage,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.storage = storage
        self._hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory profile
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._wall_ms = wall_ms
        self._seen: dict[str, int] = {}
        self._touched: dict[str, float] = {}

    def enroll(self, name: str, kind: str, now_ms: int, supervisor: bool = False) -> tuple[Site, str]:
        site, token = self.new_site(name, kind, supervisor)
        self.storage.add_site(site, now_ms)
        return site, token

    def new_site(self, name: str, kind: str, supervisor: bool = False) -> tuple[Site, str]:
        """A checked new site and its token, not yet stored (`enroll` stores it; a successor's
        enrolment stores it together with the revocation of the site it replaces)."""
        if kind not in KINDS:
            raise ProtocolError(f"kind: expected one of {KINDS}, got {kind!r}")
        name = name.strip()
        if not name or len(name) > 100 or not name.isprintable():
            raise ProtocolError("site: a printable name of 1 to 100 characters is required")
        site_id = new_id()
        token = f"{site_id}.{secrets.token_urlsafe(32)}"
        site = Site(site_id, name, kind, self._hasher.hash(token), supervisor=supervisor and kind == "desk")
        return site, token

    # -- the cheap part ------------------------------------------------------------------------------
    def cached(self, token: str) -> Site | None:
        """The site of a token verified before and looked up again within RECHECK_S; None otherwise.

        Runs on the event loop: no database work."""
        with self._lock:
            hit = self._cache.get(token_digest(token))
        if hit is None or self._clock() - hit.checked > RECHECK_S:
            return None
        self._seen[hit.site.site_id] = self._wall_ms()
        return hit.site

    def known(self, token: str) -> bool:
        """Was this token verified before (fresh or not)? On the event loop: no database work."""
        with self._lock:
            return token_digest(token) in self._cache

    def recheck(self, token: str) -> Site | None:
        """A token verified before whose RECHECK_S ran out: its site as the database has it now (one
        lookup, no argon2), or AuthError when it was revoked. None: never verified."""
        digest = token_digest(token)
        with self._lock:
            hit = self._cache.get(digest)
        if hit is None:
            return None
        site = self.storage.get_site(hit.site.site_id)
        if site is None or site.revoked or site.token_hash != hit.site.token_hash:
            self.forget(hit.site.site_id)
            raise AuthError("revoked credential", E_UNAUTHORIZED)
        with self._lock:
            self._cache[digest] = _Cached(site, self._clock())
        self._seen[site.site_id] = self._wall_ms()
        self._flush_seen(site.site_id)
        return site

    def lookup(self, site_id: str) -> Site:
        """The enrolled, unrevoked site a token names, or AuthError (one lookup, no argon2)."""
        site = self.storage.get_site(site_id)
        if site is None or site.revoked:
            raise AuthError("unknown or revoked credential", E_UNAUTHORIZED)
        return site

    # -- the expensive part --------------------------------------------------------------------------
    def check_secret(self, site: Site, token: str) -> Site:
        """argon2 verification of `token` against the site's hash; caches a success."""
        try:
            self._hasher.verify(site.token_hash, token)
        except (VerificationError, InvalidHashError):
            raise AuthError("wrong token", E_UNAUTHORIZED) from None
        with self._lock:
            self._cache[token_digest(token)] = _Cached(site, self._clock())
        self._seen[site.site_id] = self._wall_ms()
        self._flush_seen(site.site_id)
        return site

    def verify(self, authorization: str | None) -> Site:
        """The site of an `Authorization: Bearer …` header, or AuthError (blocking; the HTTP app uses
        AuthGate, which bounds the cost of failures)."""
        token, site_id = parse_bearer(authorization)
        site = self.cached(token) or self.recheck(token)
        if site is not None:
            return site
        return self.check_secret(self.lookup(site_id), token)

    # -- revocation and last seen ---------------------------------------------------------------------
    def forget(self, site_id: str) -> None:
        """Drop every cached verification of a site (after a revocation in this process)."""
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if v.site.site_id != site_id}

    def _flush_seen(self, site_id: str) -> None:
        now = self._clock()
        if now - self._touched.get(site_id, -TOUCH_S) < TOUCH_S:
            return
        self._touched[site_id] = now
        ms = self._seen.get(site_id)
        if ms is not None:
            self.storage.touch_sites({site_id: ms})

    def flush_all_seen(self) -> None:
        self.storage.touch_sites(dict(self._seen))


class AuthGate:
    """The HTTP side of authentication: cache first, then a failure limiter, then a bounded argon2.

    Per client address: 5 failures at once, then one per 5 s; per site id: 10, then one per 2 s
    (an attempt counts before its argon2 check and is given back when it succeeds).
    A site's valid, cached credential keeps working while someone floods wrong ones for its id."""

    def __init__(self, auth: Authenticator, counters: dict[str, int] | None = None) -> None:
        self.auth = auth
        self.by_addr = Bucket(5, 0.2)
        self.by_site = Bucket(10, 0.5)
        self.counters = counters if counters is not None else {}
        self._slots: asyncio.Semaphore | None = None
        self._waiting = 0

    def _count(self, key: str) -> None:
        self.counters[key] = self.counters.get(key, 0) + 1

    def _fail(self, site_id: str | None, addr: str) -> None:
        self._count("auth_failures")
        self.by_addr.spend(addr)
        if site_id is not None:
            self.by_site.spend(site_id)

    def _refund(self, site_id: str, addr: str) -> None:
        self.by_addr.spend(addr, -1.0)
        self.by_site.spend(site_id, -1.0)

    async def authenticate(self, authorization: str | None, addr: str) -> Site:
        try:
            token, site_id = parse_bearer(authorization)
        except AuthError:
            self._fail(None, addr)
            raise
        site = self.auth.cached(token)
        if site is not None:
            return site
        if self.auth.known(token):  # verified before, RECHECK_S ran out: one lookup, no argon2
            site = await run_in_threadpool(self.auth.recheck, token)
            if site is not None:
                return site
        wait = max(self.by_addr.allowed(addr), self.by_site.allowed(site_id))
        if wait > 0:
            self._count("auth_rate_limited")
            raise RateLimited(
                f"too many failed log-ins from {addr} or for this site; retry in {wait:.0f} s", wait
            )
        try:
            row = await run_in_threadpool(self.auth.lookup, site_id)
        except AuthError:
            self._fail(site_id, addr)
            raise
        if self._slots is None:
            self._slots = asyncio.Semaphore(ARGON2_SLOTS)
        if self._slots.locked() and self._waiting >= ARGON2_QUEUE:
            self._count("auth_busy")
            raise AuthError("too many log-ins at once; retry shortly", E_BUSY)
        self._fail(site_id, addr)  # counted before the expensive check, refunded on success
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        try:
            site = await run_in_threadpool(self.auth.check_secret, row, token)
        finally:
            self._slots.release()
        self._refund(site_id, addr)
        self.counters["auth_failures"] -= 1
        return site


class RateLimited(AuthError):
    """Too many failures: answered 429 with Retry-After."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, E_RATE_LIMITED)
        self.retry_after = retry_after


def require_kind(site: Site, *kinds: str) -> None:
    if site.kind not in kinds:
        raise AuthError(f"a {site.kind} credential may not do this (needs {' or '.join(kinds)})", E_FORBIDDEN)


def cheap_hasher() -> PasswordHasher:
    """Fast argon2id parameters for tests and benchmarks only (hashes stay verifiable by the default)."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
