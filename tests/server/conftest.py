"""Server fixtures: every storage test runs on SQLite and, with OPERATOR_DESK_PG_URL set, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from operator_desk.server.storage import Storage

PG_URL = os.environ.get("OPERATOR_DESK_PG_URL")

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="OPERATOR_DESK_PG_URL not set")],
    ),
]


@pytest.fixture(params=BACKENDS)
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Storage]]:
    """make_storage(name) -> a fresh, empty Storage of the parametrized backend."""
    made: list[Storage] = []

    def make(name: str = "hub") -> Storage:
        if request.param == "sqlite":
            from operator_desk.server.sqlite_backend import SqliteStorage

            storage: Storage = SqliteStorage(tmp_path / name)
        else:
            from operator_desk.server.postgres_backend import PostgresStorage

            assert PG_URL
            storage = PostgresStorage(PG_URL, schema=f"t_{name}_{uuid.uuid4().hex[:12]}")
        made.append(storage)
        return storage

    yield make
    for storage in made:
        drop = getattr(storage, "drop_schema", None)
        if drop is not None:
            drop()
        storage.close()
