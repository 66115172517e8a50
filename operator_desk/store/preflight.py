"""Before a command writes into a store: refuse an empty or damaged file with one line, never write into it.

SQLite would treat a 0-byte file as a new, empty database and carry on — on a desk whose store was lost that
silently starts over. A damaged page is found by `PRAGMA quick_check` (reads every page once, no index
cross-check: about a second per few hundred MB) before the first write lands next to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..domain.errors import ErrorCode
from .database import StoreError, connect


def refuse_unusable(path: Path) -> None:
    """Raise StoreError (STORE_CORRUPT) when `path` exists but is empty or fails SQLite's quick check."""
    if not path.exists():
        return  # a new desk: the store is made on first open
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a desk store", ErrorCode.STORE_CORRUPT)
    if path.stat().st_size == 0 and not path.with_name(path.name + "-wal").exists():
        raise StoreError(
            f"{path}: the store file is empty (0 bytes) — restore it from a backup, or remove it to start a new desk",
            ErrorCode.STORE_CORRUPT,
        )
    conn = connect(path, readonly=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: the store is damaged ({exc}) — restore it from a backup") from exc
    finally:
        conn.close()
    if rows != ["ok"]:
        raise StoreError(
            f"{path}: the store is damaged ({'; '.join(r.replace(chr(10), ' ') for r in rows)[:200]}) — restore it from a backup",
            ErrorCode.STORE_CORRUPT,
        )
