"""SQLite storage for the center hub: one file, WAL, one serialised writer, readers per thread."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .storage import Cursor, Storage

DB_FILE = "sync-server.sqlite"

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

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)
        if self.path.is_dir() or not self.path.suffix:
            self.path.mkdir(parents=True, exist_ok=True)
            self.path = self.path / DB_FILE
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
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

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

    def close(self) -> None:
        with self._conns_lock:
            for conn in self._conns:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass
            self._conns.clear()
