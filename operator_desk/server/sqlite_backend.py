"""SQLite storage for the center hub: one file, WAL, one serialised writer, readers per thread.

The file is encrypted with SQLCipher (store/keys.py): its key is `<data dir>/keys/sync-server.sqlite.key`
unless `--key-file` names another (removable media, another partition); made with a new hub, and a
plaintext hub database from before is encrypted on its first open. `connect_hub()` opens it keyed
(tests, tools)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..store import keys
from .storage import Cursor, Storage

DB_FILE = "sync-server.sqlite"


class HubKeyError(ValueError):
    """The hub database's key is missing or wrong (the message names the key file)."""


def hub_db_path(path: Path | str) -> Path:
    p = Path(path)
    return p / DB_FILE if p.is_dir() or not p.suffix else p


def hub_key(db: Path, key_file: Path | str | None = None) -> bytes:
    """The key of the hub database `db` (made for a new or plaintext one), under the key lock."""
    kf = Path(key_file) if key_file else keys.key_file_for(db)
    try:
        key = keys.read_key(kf)
        if key is not None and not keys.is_plaintext(db):
            return key
        if key is None and keys.looks_encrypted(db):
            keys.store_key(db, kf, may_create=False)  # raises: encrypted, key missing
        with keys.key_lock(db):
            key = keys.store_key(db, kf, may_create=True)
            if keys.is_plaintext(db):
                keys.encrypt_in_place(db, key)
                _seal_old_recordings(db.parent / "recordings", key)
            return key
    except keys.StoreKeyError as exc:
        raise HubKeyError(f"{exc} [{exc.code}]") from None


def _seal_old_recordings(folder: Path, key: bytes) -> None:
    if folder.is_dir():
        master = keys.derive(key, keys.PURPOSE_RECORDINGS)
        for f in sorted(folder.glob("*.flac")):
            keys.seal_file_in_place(f, master)


def connect_hub(
    path: Path | str, key_file: Path | str | None = None, *, timeout: float = 30.0
) -> sqlite3.Connection:
    """A keyed connection to a hub database (a folder or the file), autocommit, WAL."""
    db = hub_db_path(path)
    try:
        conn = keys.open_sqlcipher(db, hub_key(db, key_file), timeout=timeout)
    except keys.StoreKeyError as exc:
        raise HubKeyError(f"{exc} [{exc.code}]") from None
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
    return conn


SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)""",
    """CREATE TABLE IF NOT EXISTS sites (site_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
        token_hash TEXT NOT NULL, created_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS log (server_seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL,
        site_seq INTEGER NOT NULL, hlc TEXT NOT NULL, tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL,
        value TEXT, base_hlc TEXT, operator TEXT, source TEXT NOT NULL, received_at INTEGER NOT NULL,
        UNIQUE (site_id, site_seq))""",
    """CREATE TABLE IF NOT EXISTS field_state (tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL,
        hlc TEXT NOT NULL, site_id TEXT NOT NULL, value TEXT, PRIMARY KEY (tbl, pk, col)) WITHOUT ROWID""",
    """CREATE INDEX IF NOT EXISTS log_tbl ON log(tbl, server_seq)""",
    """CREATE TABLE IF NOT EXISTS audit_tree (site_id TEXT PRIMARY KEY, size INTEGER NOT NULL,
        frontier TEXT NOT NULL, last_seq INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS refused (site_id TEXT NOT NULL, site_seq INTEGER NOT NULL, tbl TEXT NOT NULL,
        pk TEXT NOT NULL, col TEXT NOT NULL, value TEXT, reason TEXT NOT NULL, source TEXT NOT NULL,
        received_at INTEGER NOT NULL, PRIMARY KEY (site_id, site_seq))""",
)


class SqliteStorage(Storage):
    """The default backend. Durable before the ack: WAL with synchronous=FULL."""

    backend = "sqlite"
    json_errors = (sqlite3.Error,)

    def __init__(self, path: Path | str, key_file: Path | str | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        if self.path.is_dir() or not self.path.suffix:
            self.path.mkdir(parents=True, exist_ok=True)
            self.path = self.path / DB_FILE
        self.key_file = Path(key_file) if key_file else keys.key_file_for(self.path)
        self._key = hub_key(self.path, self.key_file)
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        conn = self._conn()
        for sql in SCHEMA:
            conn.execute(sql)
        self._migrate()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = keys.open_sqlcipher(self.path, self._key, timeout=30)
            except keys.StoreKeyError as exc:
                raise HubKeyError(f"{exc} [{exc.code}]") from None
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    def recording_key(self) -> bytes:
        """The key the hub seals recordings with (derived from this database's key)."""
        return keys.derive(self._key, keys.PURPOSE_RECORDINGS)

    def q(self, sql: str) -> str:
        return sql

    def _add_column(self, cur: Cursor, table: str, column: str, decl: str) -> None:
        cur.execute(f"PRAGMA table_info({table})")
        if column not in {r[1] for r in cur.fetchall()}:
            cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    @contextmanager
    def write_tx(self) -> Iterator[Cursor]:
        with self._write_lock:
            conn = self._conn()
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def read_tx(self) -> Iterator[Cursor]:
        conn = self._conn()
        cur = conn.cursor()
        cur.execute("BEGIN")
        try:
            yield cur
        finally:
            conn.execute("COMMIT")

    def compact(self) -> None:
        """After redactions (server/retention.py): old page images leave the WAL."""
        self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._conns_lock:
            for conn in self._conns:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass
            self._conns.clear()
