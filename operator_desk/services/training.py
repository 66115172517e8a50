"""The training desk: its own store beside the real one, never synced, never in the real reports.

`operator-desk --training --data-dir D` opens the desk on `D/training/` (its own store, drafts, logs and
recordings) with the call simulator and a permanent LATIHAN banner. The store is marked (`meta.training`)
so that nothing can join it to a hub or sync it: the mark is checked by `join`, by `sync` and by the desk's
sync start, whatever the settings say. The trainee logs in with their real account: the accounts (argon2
hashes only) are copied from the real store at every start of the training desk, read-only on the real
side; nothing ever flows back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .. import paths
from ..store.store import Store

TRAINING_DIR = "training"
TRAINING_META = "training"
_ACCOUNT_COLS = ("id", "name", "role", "password_hash", "disabled", "must_change", "changed_at")


class TrainingStoreError(Exception):
    """A training store was about to be joined to a hub or synced."""


def training_dir(data: Path) -> Path:
    """Where the training desk of the desk whose data dir is `data` lives."""
    return data / TRAINING_DIR


def is_training_store(store: Store) -> bool:
    return store.get_meta(TRAINING_META) == "1"


def refuse_sync(store: Store) -> None:
    """Raise TrainingStoreError when `store` is a training store: it never talks to a hub."""
    if is_training_store(store):
        raise TrainingStoreError(f"{store.path}: a training store is never joined to a hub nor synced")


def prepare(data: Path) -> Path:
    """Make (or refresh) the training store of the desk at `data`; returns the training data dir.

    The real store is only read (its accounts); a real store that does not exist yet is left alone."""
    tdir = training_dir(data)
    tdir.mkdir(parents=True, exist_ok=True)
    paths.make_private_dir(tdir)
    accounts = _real_accounts(paths.store_path(data))
    store = Store(paths.store_path(tdir))
    try:
        store.set_meta(TRAINING_META, "1")
        store.set_meta("sync_server", None)
        store.set_meta("sync_token", None)
        if accounts:

            def copy(conn: sqlite3.Connection) -> None:
                conn.executemany(
                    f"INSERT OR REPLACE INTO accounts ({', '.join(_ACCOUNT_COLS)}) "
                    f"VALUES ({', '.join('?' * len(_ACCOUNT_COLS))})",
                    accounts,
                )

            store.raw_write(copy)
    finally:
        store.close()
    return tdir


def _real_accounts(path: Path) -> list[tuple[object, ...]]:
    if not path.exists():
        return []
    real = Store(path)
    try:
        return [tuple(r) for r in real.query(f"SELECT {', '.join(_ACCOUNT_COLS)} FROM accounts")]
    finally:
        real.close()
