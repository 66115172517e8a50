"""PostgreSQL storage (psycopg 3) for the upstream tier.

A pull cursor on a sequence could skip a row whose transaction commits after a later-numbered one;
so every ingest takes one transaction-level advisory lock first: numbers are handed out and
committed in the same order, and a reader never sees server_seq N+1 before N.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from .storage import Cursor, Storage

INGEST_LOCK = 112_112  # pg_advisory_xact_lock key serialising ingest

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)""",
    """CREATE TABLE IF NOT EXISTS sites (site_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
        token_hash TEXT NOT NULL, created_at BIGINT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS log (server_seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        site_id TEXT NOT NULL, site_seq BIGINT NOT NULL, hlc TEXT NOT NULL, tbl TEXT NOT NULL, pk TEXT NOT NULL,
        col TEXT NOT NULL, value TEXT, base_hlc TEXT, operator TEXT, source TEXT NOT NULL,
        received_at BIGINT NOT NULL, UNIQUE (site_id, site_seq))""",
    """CREATE TABLE IF NOT EXISTS field_state (tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL,
        hlc TEXT NOT NULL, site_id TEXT NOT NULL, value TEXT, PRIMARY KEY (tbl, pk, col))""",
    """CREATE INDEX IF NOT EXISTS log_tbl ON log(tbl, server_seq)""",
    """CREATE TABLE IF NOT EXISTS audit_tree (site_id TEXT PRIMARY KEY, size BIGINT NOT NULL,
        frontier TEXT NOT NULL, last_seq BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS refused (site_id TEXT NOT NULL, site_seq BIGINT NOT NULL, tbl TEXT NOT NULL,
        pk TEXT NOT NULL, col TEXT NOT NULL, value TEXT, reason TEXT NOT NULL, source TEXT NOT NULL,
        received_at BIGINT NOT NULL, PRIMARY KEY (site_id, site_seq))""",
)


class PostgresStorage(Storage):
    """One connection per thread; `schema` isolates test databases inside one cluster."""

    backend = "postgresql"
    change_json_sql = (
        "json_build_object('server_seq', server_seq, 'site_id', site_id, 'site_seq', site_seq, 'hlc', hlc, "
        "'tbl', tbl, 'pk', pk, 'col', col, 'value', value::json, 'base_hlc', base_hlc, "
        "'operator', operator)::text"
    )
    json_errors = (psycopg.Error,)

    def __init__(self, url: str, schema: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.schema = schema
        self._local = threading.local()
        self._conns: list[psycopg.Connection[Any]] = []
        self._conns_lock = threading.Lock()
        conn = self._conn()
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (INGEST_LOCK,))
            for sql in SCHEMA:
                conn.execute(sql)
        self._migrate()

    def _conn(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = psycopg.connect(self.url, autocommit=True)
            if self.schema:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                conn.execute(f'SET search_path TO "{self.schema}"')
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    def q(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _add_column(self, cur: Cursor, table: str, column: str, decl: str) -> None:
        cur.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {decl}")

    @contextmanager
    def write_tx(self) -> Iterator[Cursor]:
        conn = self._conn()
        with self._write_lock, conn.transaction(), conn.cursor() as cur:
            # Serialise ingest across processes too: commit order == server_seq order.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (INGEST_LOCK,))
            yield cur

    @contextmanager
    def read_tx(self) -> Iterator[Cursor]:
        conn = self._conn()
        with conn.cursor() as cur:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield cur
            finally:
                cur.execute("COMMIT")

    def compact(self) -> None:
        """After redactions (server/retention.py): VACUUM gives the dead row versions that still held
        the redacted values back (outside a transaction: the connection is in autocommit)."""
        conn = self._conn()
        for table in ("log", "field_state", "refused", "redacted"):
            conn.execute(f"VACUUM {table}")

    def drop_schema(self) -> None:
        """Tests: remove this storage's schema."""
        if self.schema:
            self._conn().execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    def close(self) -> None:
        with self._conns_lock:
            for conn in self._conns:
                try:
                    conn.close()
                except psycopg.Error:
                    pass
            self._conns.clear()
