"""PUT/GET /recordings/{call_id}: hash checked, stored atomically, idempotent, never overwritten."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from operator_desk.server import recordings
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.sqlite_backend import SqliteStorage

pytestmark = pytest.mark.anyio
CALL = "0190f1d2-7a1b-7c3d-8e4f-123456789abc"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    storage = SqliteStorage(tmp_path / "hub")
    server = SyncServer(storage, hasher=cheap_hasher())
    token = server.enroll("desk A")["token"]
    folder = tmp_path / "hub" / "recordings"
    app = Starlette(routes=recordings.routes(server.authenticate, folder, max_bytes=1000))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub", headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client, folder
    storage.close()


def sha(data: bytes) -> dict[str, str]:
    return {recordings.SHA256_HEADER: hashlib.sha256(data).hexdigest()}


async def test_put_get_idempotent(hub: Any) -> None:
    client, folder = hub
    data = b"fLaC" + bytes(range(200))
    r = await client.put(f"/recordings/{CALL}", content=data, headers=sha(data))
    assert r.status_code == 201 and r.json()["stored"] is True
    assert (folder / f"{CALL}.flac").read_bytes() == data
    r = await client.put(f"/recordings/{CALL}", content=data, headers=sha(data))
    assert r.status_code == 200 and r.json()["stored"] is False
    r = await client.get(f"/recordings/{CALL}")
    assert r.json() == {"call_id": CALL, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert [p.name for p in folder.iterdir()] == [f"{CALL}.flac"]  # no temp files left


async def test_refusals(hub: Any) -> None:
    client, folder = hub
    data = b"fLaC-one"
    r = await client.put(f"/recordings/{CALL}", content=data, headers=sha(b"other"))
    assert r.status_code == 422 and r.json()["error"] == "sha256_mismatch"
    assert not (folder / f"{CALL}.flac").exists()
    await client.put(f"/recordings/{CALL}", content=data, headers=sha(data))
    r = await client.put(f"/recordings/{CALL}", content=b"fLaC-two", headers=sha(b"fLaC-two"))
    assert r.status_code == 409 and (folder / f"{CALL}.flac").read_bytes() == data  # evidence kept
    r = await client.put("/recordings/..%2Fescape", content=data, headers=sha(data))
    assert r.status_code in (400, 404)
    r = await client.put(f"/recordings/{CALL}x", content=data, headers={recordings.SHA256_HEADER: "abc"})
    assert r.status_code == 400
    big = b"x" * 1001
    r = await client.put("/recordings/big", content=big, headers=sha(big))
    assert r.status_code == 413 and not list(folder.glob("big*"))
    assert (await client.get("/recordings/none")).status_code == 404
    assert sorted(p.name for p in folder.iterdir()) == [f"{CALL}.flac"]


async def test_needs_credential(hub: Any) -> None:
    client, folder = hub
    data = b"fLaC"
    r = await client.put(
        f"/recordings/{CALL}", content=data, headers={**sha(data), "Authorization": "Bearer x.y"}
    )
    assert r.status_code == 401
    r = await client.get(f"/recordings/{CALL}", headers={"Authorization": ""})
    assert r.status_code == 401
    assert not folder.exists() or not list(folder.iterdir())
