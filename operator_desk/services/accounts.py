"""Accounts, log-in and roles: who is at the desk, and what their role lets them do.

An account is a synced record (`accounts`: name, role, an argon2id hash, disabled, must_change), so
any operator can log in at any desk of the center while the WAN is down. Its id is derived from its
name (`account_id`): two admins who add the same name on two desks offline make ONE account, and
the name a change records (the store's `operator`) names exactly one account id.

Every attempt to log in (or unlock, or re-authenticate) is audited, successful or not. Five failures
in a row lock the account at this desk for ten minutes (`login_failures`, local: a failed attempt is
not a synced write). Hashing runs on the caller's thread and takes ~0.15-0.35 s: the UI runs it on
its task runner, never on the GUI thread.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..domain.errors import DomainError, ValidationError
from ..domain.rules import ADMIN, MANAGE_ACCOUNTS, ROLES, SYSTEM_OPERATORS, may
from ..store.store import Store
from ..store.tx import Tx

log = logging.getLogger(__name__)
T = TypeVar("T")

# argon2id, t=2 over 46 MiB in 2 lanes (above OWASP's t=1, 46 MiB, p=1): a log-in check takes
# ~0.3 s median on this 2-core machine under test load (0.6 s with RFC 9106's t=3, 64 MiB: too slow
# here). A hash made with other parameters is re-made at its next successful log-in.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 46 * 1024
ARGON2_PARALLELISM = 2
MAX_FAILURES = 5
LOCK_MS = 10 * 60 * 1000
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 64
IDLE_LOCK_DEFAULT_MIN = 15
IDLE_LOCK_MAX_MIN = 30
_NAMESPACE = uuid.UUID("5b0f3c2e-8d1a-4f6b-9c11-112d35c0a112")


def default_hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM
    )


def normal_name(name: str | None) -> str:
    """The name as stored: trimmed, inner runs of spaces made one."""
    return " ".join((name or "").split())


def account_id(name: str) -> str:
    """The account id of a name, the same on every desk (case and spacing do not make another one)."""
    return str(uuid.uuid5(_NAMESPACE, normal_name(name).casefold()))


@dataclass(frozen=True)
class Account:
    """One log-in. `role` is operator, supervisor or admin."""

    id: str
    name: str
    role: str
    disabled: bool = False
    must_change: bool = False


def _account(row: Any) -> Account:
    return Account(
        id=str(row["id"]),
        name=str(row["name"]),
        role=str(row["role"]),
        disabled=bool(row["disabled"]),
        must_change=bool(row["must_change"]),
    )


def role_of(conn: Any, name: str | None) -> str | None:
    """The role that `name` (the store's operator) acts with: its account's role (None when the account
    is disabled). A name without an account falls back to the roster (`operators`): that is only ever
    the case in headless automation, since a desk's operator is set by logging in to an account."""
    if not name:
        return None
    row = conn.execute(
        "SELECT role, disabled FROM accounts WHERE id=?", (account_id(name),)
    ).fetchone()
    if row is not None:
        return None if row[1] else str(row[0])
    row = conn.execute(
        "SELECT role FROM operators WHERE (id=? OR name=?) AND coalesce(active, 1)=1 "
        "ORDER BY role = 'supervisor' DESC LIMIT 1",
        (name, name),
    ).fetchone()
    return None if row is None else str(row[0])


class PasswordChangeRequired(DomainError):
    """The password was right, but an admin reset it: the account must choose a new one first."""

    def __init__(self, account: Account) -> None:
        super().__init__("password_change_required", "the password was reset: choose a new one", "password")
        self.account = account


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DomainError("password_too_short", f"a password needs at least {MIN_PASSWORD} characters", "password")
    if len(password) > MAX_PASSWORD:
        raise ValidationError({"password": "too_long"})


def _check_name(name: str) -> None:
    if not name:
        raise ValidationError({"name": "required"})
    if len(name) > MAX_NAME or not name.isprintable():
        raise ValidationError({"name": "invalid_value"})
    if name.casefold() in SYSTEM_OPERATORS:  # the programs' own names (the hub tells them apart)
        raise ValidationError({"name": "invalid_value"}, detail=f"{name!r} is reserved for the desk's programs")


class AccountService:
    """Adds and changes accounts (admins) and checks log-ins (everyone), audited.

    `trusted=True` is the command line on the desk PC itself (whoever holds the data dir): it may
    manage accounts without a log-in. Otherwise the store's operator must be an admin — except for the
    very first account of a desk, which must be an admin (no default passwords)."""

    def __init__(
        self,
        store: Store,
        *,
        trusted: bool = False,
        hasher: PasswordHasher | None = None,
        max_failures: int = MAX_FAILURES,
        lock_ms: int = LOCK_MS,
    ) -> None:
        self.store = store
        self.trusted = trusted
        self.hasher = hasher or default_hasher()
        self.max_failures = max_failures
        self.lock_ms = lock_ms

    # -- reading ------------------------------------------------------------------------------------
    def get(self, name: str) -> Account | None:
        rows = self.store.query("SELECT * FROM accounts WHERE id=?", (account_id(name),))
        return _account(rows[0]) if rows else None

    def all(self) -> list[Account]:
        return [_account(r) for r in self.store.query("SELECT * FROM accounts ORDER BY name COLLATE NOCASE")]

    def count(self) -> int:
        return int(self.store.query("SELECT count(*) FROM accounts")[0][0])

    def role(self, name: str | None) -> str | None:
        return role_of(self.store.reader(), name)

    # -- admin actions ------------------------------------------------------------------------------
    def _require_admin(self, tx: Tx) -> None:
        if self.trusted:
            return
        if not may(role_of(tx.conn, tx.operator), MANAGE_ACCOUNTS):
            raise DomainError("admin_required", "only an admin manages accounts", "account")

    def add(self, name: str, role: str, password: str) -> Account:
        """A new account (admins; the first account of a desk must be an admin)."""
        name = normal_name(name)
        _check_name(name)
        if role not in ROLES:
            raise ValidationError({"role": "unknown_role"})
        check_password(password)
        digest = self.hasher.hash(password)  # slow: outside the writer
        pk = account_id(name)

        def fn(tx: Tx) -> Account:
            first = tx.one("SELECT 1 FROM accounts LIMIT 1") is None
            if first and not self.trusted:
                if role != ADMIN:
                    raise DomainError("admin_required", "the first account of a desk is an admin", "role")
            else:
                self._require_admin(tx)
            if tx.one("SELECT 1 FROM accounts WHERE id=?", (pk,)) is not None:
                raise DomainError("account_exists", f"an account named {name!r} exists", "name")
            fields = {"name": name, "role": role, "password_hash": digest, "disabled": False,
                      "must_change": False, "changed_at": tx.now_ms()}
            tx.insert_record("accounts", fields, pk=pk)
            tx.audit("account_add", "accounts", pk, {"name": name, "role": role, "first": first})
            return Account(pk, name, role)

        return self.store.write(fn)

    def _change(self, name: str, fields: dict[str, Any], action: str, detail: dict[str, Any]) -> Account:
        pk = account_id(name)

        def fn(tx: Tx) -> Account:
            self._require_admin(tx)
            if tx.one("SELECT 1 FROM accounts WHERE id=?", (pk,)) is None:
                raise DomainError("not_found", f"no account named {normal_name(name)!r}", "name")
            tx.update_record("accounts", pk, {**fields, "changed_at": tx.now_ms()})
            if action == "account_reset":
                tx.conn.execute("DELETE FROM login_failures WHERE account_id=?", (pk,))
            tx.audit(action, "accounts", pk, detail)
            return _account(tx.one("SELECT * FROM accounts WHERE id=?", (pk,)))

        return self.store.write(fn)

    def disable(self, name: str) -> Account:
        return self._change(name, {"disabled": True}, "account_disable", {})

    def enable(self, name: str) -> Account:
        return self._change(name, {"disabled": False}, "account_enable", {})

    def set_role(self, name: str, role: str) -> Account:
        if role not in ROLES:
            raise ValidationError({"role": "unknown_role"})
        return self._change(name, {"role": role}, "account_role", {"role": role})

    def reset(self, name: str, password: str) -> Account:
        """A new password set by an admin; the account must change it at its next log-in."""
        check_password(password)
        digest = self.hasher.hash(password)
        return self._change(name, {"password_hash": digest, "must_change": True}, "account_reset", {})

    # -- log-in ---------------------------------------------------------------------------------------
    def authenticate(self, name: str, password: str, *, purpose: str = "login") -> Account:
        """The account when `password` is right; DomainError otherwise, every attempt audited.

        `purpose` names the audit action: login, unlock or reauth (a supervisor's credentials typed at
        another operator's desk). Codes: bad_credentials (unknown name or wrong password: never says
        which), account_locked, account_disabled, password_change_required (PasswordChangeRequired)."""
        name = normal_name(name)
        pk = account_id(name)
        rows = self.store.query("SELECT * FROM accounts WHERE id=?", (pk,))
        now = self.store.now_ms()
        if not rows or not name or len(password) > MAX_PASSWORD:
            self._verify_dummy(password)  # same time as a real check: a name's existence does not show
            self._audit_failure(pk, name[:MAX_NAME], purpose, "bad_credentials")
            raise DomainError("bad_credentials", "wrong name or password", "password")
        row = rows[0]
        account = _account(row)
        locked = self.store.query("SELECT locked_until FROM login_failures WHERE account_id=?", (pk,))
        if locked and locked[0][0] is not None and int(locked[0][0]) > now:
            self._audit_failure(pk, account.name, purpose, "account_locked")
            raise DomainError("account_locked", "too many failed log-ins: try again later", "password")
        if account.disabled:
            self._audit_failure(pk, account.name, purpose, "account_disabled")
            raise DomainError("account_disabled", "this account is disabled", "name")
        if not self._verify(str(row["password_hash"] or ""), password):
            if self._count_failure(pk, account.name, purpose):
                raise DomainError("account_locked", "too many failed log-ins: try again later", "password")
            raise DomainError("bad_credentials", "wrong name or password", "password")
        rehash = self._needs_rehash(str(row["password_hash"]))
        digest = self.hasher.hash(password) if rehash else None

        def ok(tx: Tx) -> None:
            tx.conn.execute("DELETE FROM login_failures WHERE account_id=?", (pk,))
            if digest is not None:
                tx.update_record("accounts", pk, {"password_hash": digest})
            tx.audit(purpose, "accounts", pk, {"account": pk, "name": account.name, "role": account.role})

        self.store.write(ok, operator=account.name)
        if account.must_change:
            raise PasswordChangeRequired(account)
        return account

    def change_password(self, name: str, old: str, new: str) -> Account:
        """The account holder's own change (after a reset, or any time): the old password proves it."""
        check_password(new)
        try:
            account = self.authenticate(name, old, purpose="password_check")
        except PasswordChangeRequired as exc:
            account = exc.account
        if new == old:
            raise DomainError("password_change_required", "choose a password other than the old one", "password")
        digest = self.hasher.hash(new)

        def fn(tx: Tx) -> None:
            tx.update_record("accounts", account.id, {"password_hash": digest, "must_change": False,
                                                      "changed_at": tx.now_ms()})
            tx.audit("password_change", "accounts", account.id, {"account": account.id})

        self.store.write(fn, operator=account.name)
        return Account(account.id, account.name, account.role, account.disabled, False)

    def record(self, action: str, account: Account | None, detail: dict[str, Any] | None = None) -> None:
        """An audit row about a session (logout, switch_user, session_lock) by `account`."""
        pk = account.id if account else ""

        def fn(tx: Tx) -> None:
            tx.audit(action, "accounts", pk, {"account": pk, **(detail or {})})

        self.store.write(fn, operator=account.name if account else None)

    # -- acting for another -------------------------------------------------------------------------------
    def on_behalf(self, supervisor: Account, action: str, operator: Account | None) -> Store:
        """A store through which a supervisor's action, authorised by their credentials typed at
        `operator`'s desk, is recorded as the supervisor's (the writes' operator) on behalf of the
        operator (an `on_behalf` audit row in the same transaction). Build the service on it."""
        if not may(supervisor.role, action):
            raise DomainError("supervisor_required", f"{supervisor.role} may not {action}", "account")
        return cast(Store, _OnBehalf(self.store, supervisor, action, operator))

    # -- internals ------------------------------------------------------------------------------------
    def _verify(self, digest: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(digest, password))
        except VerifyMismatchError:
            return False
        except (VerificationError, InvalidHashError):
            log.warning("an account's password hash cannot be checked")
            return False

    def _verify_dummy(self, password: str) -> None:
        if not hasattr(self, "_dummy"):
            self._dummy = self.hasher.hash("not a password of anyone")
        self._verify(self._dummy, password[:MAX_PASSWORD])

    def _needs_rehash(self, digest: str) -> bool:
        try:
            return bool(self.hasher.check_needs_rehash(digest))
        except (InvalidHashError, ValueError):
            return False

    def _audit_failure(self, pk: str, name: str, purpose: str, reason: str) -> None:
        def fn(tx: Tx) -> None:
            tx.audit(f"{purpose}_failed", "accounts", pk, {"name": name, "reason": reason})

        self.store.write(fn)

    def _count_failure(self, pk: str, name: str, purpose: str) -> bool:
        """One more failure; True when it locks the account (then the count starts again)."""

        def fn(tx: Tx) -> bool:
            row = tx.one("SELECT failures FROM login_failures WHERE account_id=?", (pk,))
            failures = (int(row["failures"]) if row else 0) + 1
            locks = failures >= self.max_failures
            until = tx.now_ms() + self.lock_ms if locks else None
            tx.conn.execute(
                "INSERT INTO login_failures (account_id, failures, locked_until) VALUES (?, ?, ?) "
                "ON CONFLICT(account_id) DO UPDATE SET failures=excluded.failures, "
                "locked_until=excluded.locked_until",
                (pk, 0 if locks else failures, until),
            )
            tx.audit(f"{purpose}_failed", "accounts", pk, {"name": name, "reason": "bad_credentials",
                                                           "failures": failures})
            if locks:
                tx.audit("account_locked", "accounts", pk, {"name": name, "until": until,
                                                            "failures": failures})
            return locks

        return bool(self.store.write(fn))


class _OnBehalf:
    """The store, with every write recorded as `supervisor`'s on behalf of `operator` (see on_behalf)."""

    def __init__(self, store: Store, supervisor: Account, action: str, operator: Account | None) -> None:
        self._store, self._supervisor, self._action, self._operator = store, supervisor, action, operator

    def _wrap(self, fn: Callable[[Tx], T]) -> Callable[[Tx], T]:
        sup, op, action = self._supervisor, self._operator, self._action

        def wrapped(tx: Tx) -> T:
            result = fn(tx)
            tx.audit("on_behalf", "accounts", sup.id, {
                "action": action, "supervisor": sup.name, "supervisor_account": sup.id,
                "operator": op.name if op else None, "operator_account": op.id if op else None,
            })
            return result

        return wrapped

    def write(self, fn: Callable[[Tx], T], operator: str | None = None, timeout: float = 30.0, *,
              background: bool = False) -> T:
        return self._store.write(self._wrap(fn), self._supervisor.name, timeout, background=background)

    def write_async(self, fn: Callable[[Tx], T], operator: str | None = None, *,
                    background: bool = False) -> Future[T]:
        return self._store.write_async(self._wrap(fn), self._supervisor.name, background=background)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def idle_lock_minutes(store: Store) -> int:
    """The desk's idle lock (meta `idle_lock_minutes`): default 15, never more than 30, at least 1."""
    raw = store.get_meta("idle_lock_minutes")
    try:
        value = int(raw) if raw is not None else IDLE_LOCK_DEFAULT_MIN
    except ValueError:
        value = IDLE_LOCK_DEFAULT_MIN
    return max(1, min(IDLE_LOCK_MAX_MIN, value))


def set_idle_lock_minutes(store: Store, minutes: int) -> int:
    if not 1 <= minutes <= IDLE_LOCK_MAX_MIN:
        raise DomainError("out_of_range", f"the idle lock is 1 to {IDLE_LOCK_MAX_MIN} minutes", "minutes")
    store.set_meta("idle_lock_minutes", str(minutes))
    return minutes


DEMO_ACCOUNTS = (("Admin", "admin"), ("Rina", "supervisor"), ("Ahmad", "operator"), ("Siti", "operator"),
                 ("Yusuf", "operator"))


def ensure_demo_accounts(store: Store) -> list[dict[str, str | None]]:
    """The demo's accounts, each with a fresh random password (there are no default passwords); an
    account that exists already keeps its password (listed with `password` None)."""
    import secrets

    svc = AccountService(store, trusted=True)
    out: list[dict[str, str | None]] = []
    for name, role in DEMO_ACCOUNTS:
        if svc.get(name) is not None:
            out.append({"name": name, "role": role, "password": None})
            continue
        password = secrets.token_urlsafe(9)
        svc.add(name, role, password)
        out.append({"name": name, "role": role, "password": password})
    return out
