"""Opening the SQLite file: WAL, synchronous=FULL, a busy timeout, migrations applied once."""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

from ..domain.errors import DeskError, ErrorCode
from . import keys

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# False only for bench/bench_encryption.py's floor and tests that make a store as it was before
# encryption at rest: connect() then opens and makes plaintext stores (no key, no migration).
ENCRYPT = True
PLAINTEXT: set[str] = set()  # the same, for these store paths only (str(path)): the bench's floor


class StoreError(DeskError):
    """The store cannot be opened or written (wrong file, full disk, read-only folder).

    `code` says which (an ErrorCode.STORE_*): given by the raiser, else read from the SQLite error
    behind it (`raise StoreError(...) from exc`: its `sqlite_errorname`) or from the message. The
    message keeps SQLite's own text for the log and the command line; the UI shows only the code.
    """

    def __init__(self, message: str, code: ErrorCode | None = None) -> None:
        Exception.__init__(self, message)
        self.detail = message
        self._code = code

    @property
    def code(self) -> str:
        return self._code or self._classify()

    @code.setter
    def code(self, value: str) -> None:
        self._code = ErrorCode(value)

    def _classify(self) -> ErrorCode:
        cause = self.__cause__ or self.__context__
        name = str(getattr(cause, "sqlite_errorname", "") or "")
        text = f"{self.detail} {cause or ''}".lower()
        if isinstance(cause, keys.StoreKeyError):
            return ErrorCode(cause.code)
        if self.detail.endswith("the store is closed"):
            return ErrorCode.STORE_CLOSED
        if "no store here" in self.detail or "no desk store" in self.detail:
            return ErrorCode.STORE_MISSING
        if name == "SQLITE_FULL" or "disk is full" in text:
            return ErrorCode.STORE_FULL
        if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
            return ErrorCode.STORE_READ_ONLY
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or any(
            t in text for t in ("not a database", "malformed", "not an operator desk store")
        ):
            return ErrorCode.STORE_CORRUPT
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
            return ErrorCode.STORE_BUSY
        return ErrorCode.STORE_NOT_WRITABLE


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """One keyed SQLCipher connection with the house pragmas. Autocommit mode: transactions are explicit.

    The key comes from the store's key file (store/keys.py): made with a new store, and a plaintext
    store from before encryption at rest is encrypted in place on its first (writable) open. A missing
    or wrong key is a StoreError with code STORE_KEY_MISSING / STORE_KEY_WRONG. The connection is a
    sqlcipher3 one (its exceptions are also the stdlib sqlite3 ones); the SQLite backup API works
    between two connections of this function (both keyed)."""
    path = Path(path)
    try:
        if not readonly:
            _private_files(path)
        key = _key_for(path, readonly)
        conn = keys.open_sqlcipher(path, key, readonly=readonly)
        if not readonly:
            _private_files(path)
        conn.row_factory = keys.sqlcipher().Row
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{path}: cannot switch to WAL journal (got {mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn
    except keys.StoreKeyError as exc:
        raise StoreError(str(exc), ErrorCode(exc.code)) from exc
    except sqlite3.DatabaseError as exc:
        import os

        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise StoreError(f"{path}: the desk's folder or store is read-only ({exc})", ErrorCode.STORE_READ_ONLY) from exc
        raise StoreError(f"{path}: not an Operator Desk store or unreadable ({exc})") from exc
    except OSError as exc:  # the key lock or key file cannot be made (missing or read-only folder)
        raise StoreError(f"{path}: cannot open the store ({exc})") from exc


def _key_for(path: Path, readonly: bool) -> bytes | None:
    """The store's key; None for a plaintext store opened read-only (it is encrypted when next opened
    for writing). Makes the key of a new store, and encrypts a plaintext one, under the key lock."""
    if not ENCRYPT or str(path) in PLAINTEXT:
        return None
    kf = keys.key_file_for(path)
    existing = keys.read_key(kf)
    plain = keys.is_plaintext(path)
    if readonly:
        if plain:
            return None
        if existing is not None:
            return existing
        if keys.looks_encrypted(path):
            keys.store_key(path, kf, may_create=False)  # raises: encrypted, key missing
        return None  # empty or not a store: SQLite names the problem
    if existing is not None and not plain:
        return existing
    if existing is None and keys.looks_encrypted(path):
        keys.store_key(path, kf, may_create=False)  # raises: encrypted, key missing
    if existing is None and not plain and path.exists() and path.stat().st_size:
        raise StoreError(
            f"{path}: not an Operator Desk store (neither SQLite nor an encrypted store)",
            ErrorCode.STORE_CORRUPT,
        )
    with keys.key_lock(path):
        key = keys.store_key(path, kf, may_create=True)
        if keys.is_plaintext(path):
            log.warning("%s: encrypting the plaintext store (once)", path.name)
            keys.encrypt_in_place(path, key)
            _seal_old_recordings(path, key)
        return key


def _seal_old_recordings(path: Path, key: bytes) -> None:
    """With a desk store made before encryption at rest, its recordings are sealed too (once)."""
    from .. import paths

    folder = path.parent / "recordings"
    if path.name != paths.STORE_FILE or not folder.is_dir():
        return
    master = keys.derive(key, keys.PURPOSE_RECORDINGS)
    for f in sorted(folder.glob("*.flac")):
        try:
            keys.seal_file_in_place(f, master)
        except OSError as exc:
            log.error("%s: could not seal this older recording (%s)", f.name, exc)


def _private_files(path: Path) -> None:
    """The store, its WAL and shared-memory files 0600 and its folder 0700 (they hold personal data).

    The umask makes new files private (SQLite gives the WAL and SHM the store file's mode); the chmod
    covers a store made before, or by a process that never set the umask. Only files of this user."""
    from .. import paths

    paths.private_umask()
    if path.name == paths.STORE_FILE and path.parent.is_dir():  # a desk's data dir, with its logs
        paths.private_data_dir(path.parent)
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if f.exists():
            paths.make_private(f, paths.PRIVATE_FILE)


def _declared_migrations() -> set[str] | None:
    """Names of the migration functions, read from migrations.py without importing sqlite-utils.

    Importing sqlite-utils costs ~170 ms at every start; it is only needed when something is pending.
    None when the source is not readable (frozen build): then the full check runs.
    """
    try:
        text = (Path(__file__).parent / "migrations.py").read_text(encoding="utf-8")
    except OSError:
        return None
    return set(re.findall(r"^@migrations\(\)\ndef (\w+)\(", text, flags=re.MULTILINE))


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply pending migrations; a foreign SQLite file is refused with its name in the message."""
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if names and "_sqlite_migrations" not in names:
            raise StoreError(
                f"{path}: a SQLite file that is not an Operator Desk store (tables: {sorted(names)[:5]})"
            )
        declared = _declared_migrations()
        if names and declared:
            applied = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set='operator_desk'"
                )
            }
            if declared <= applied:
                return
        from sqlite_utils import Database

        from .migrations import migrations

        migrations.apply(Database(conn))
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot migrate the store ({exc})") from exc
