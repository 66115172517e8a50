"""Credentials: one token per enrolled site, stored only as an argon2 hash.

A token is ``<site_id>.<secret>``; the site id picks the hash to verify against. Verified tokens are
cached by their SHA-256 so a long-polling desk does not pay argon2's cost on every request.
"""

from __future__ import annotations

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..domain.ids import new_id
from ..sync.protocol import E_FORBIDDEN, E_UNAUTHORIZED, ProtocolError, split_token, token_digest
from .storage import Site, Storage

KINDS = ("desk", "hub", "admin")


class AuthError(ProtocolError):
    """No credential, an unknown or revoked one, or one not allowed to do this."""


class Authenticator:
    """Enrols sites and maps a bearer token to its Site."""

    def __init__(self, storage: Storage, hasher: PasswordHasher | None = None) -> None:
        self.storage = storage
        self._hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory profile
        self._cache: dict[str, Site] = {}
        self._lock = threading.Lock()

    def enroll(self, name: str, kind: str, now_ms: int) -> tuple[Site, str]:
        if kind not in KINDS:
            raise ProtocolError(f"kind: expected one of {KINDS}, got {kind!r}")
        if not name.strip():
            raise ProtocolError("site: a name is required")
        site_id = new_id()
        token = f"{site_id}.{secrets.token_urlsafe(32)}"
        site = Site(site_id, name.strip(), kind, self._hasher.hash(token))
        self.storage.add_site(site, now_ms)
        return site, token

    def verify(self, authorization: str | None) -> Site:
        """The site of an `Authorization: Bearer …` header, or AuthError."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise AuthError("missing bearer token", E_UNAUTHORIZED)
        token = authorization[7:].strip()
        digest = token_digest(token)
        with self._lock:
            cached = self._cache.get(digest)
        if cached is not None:
            return cached
        site_id, _ = split_token(token)
        site = self.storage.get_site(site_id)
        if site is None or site.revoked:
            raise AuthError("unknown or revoked credential", E_UNAUTHORIZED)
        try:
            self._hasher.verify(site.token_hash, token)
        except (VerificationError, InvalidHashError):
            raise AuthError("wrong token", E_UNAUTHORIZED) from None
        with self._lock:
            self._cache[digest] = site
        return site


def require_kind(site: Site, *kinds: str) -> None:
    if site.kind not in kinds:
        raise AuthError(f"a {site.kind} credential may not do this (needs {' or '.join(kinds)})", E_FORBIDDEN)


def cheap_hasher() -> PasswordHasher:
    """Fast argon2id parameters for tests and benchmarks only (hashes stay verifiable by the default)."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
