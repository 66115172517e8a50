"""PUT/GET /recordings/{call_id}: hash checked, stored atomically, idempotent, never overwritten; the
content is a FLAC that decodes; with the hub's call view only the desk that took the call uploads."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile
from starlette.applications import Starlette

from operator_desk.server import recordings
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.sqlite_backend import SqliteStorage
from operator_desk.store import keys

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


def flac(seconds: float, freq: float = 440.0) -> bytes:
    t = np.arange(int(8000 * seconds)) / 8000
    tone = (np.sin(2 * np.pi * freq * t) * 8000).astype(np.int16)
    buf = io.BytesIO()
    soundfile.write(buf, np.stack([tone, tone], axis=1), 8000, format="FLAC", subtype="PCM_16")
    return buf.getvalue()


def stored(path: Path) -> bytes:
    """A recording as the hub keeps it: sealed at rest (never the FLAC bytes), the FLAC once opened."""
    assert b"fLaC" not in path.read_bytes()
    with keys.open_recording(path, recordings.hub_recording_key(path.parent)) as f:
        return f.read()


def sha(data: bytes) -> dict[str, str]:
    return {recordings.SHA256_HEADER: hashlib.sha256(data).hexdigest()}


async def test_put_get_idempotent(hub: Any) -> None:
    client, folder = hub
    data = flac(0.01)
    assert len(data) < 1000
    r = await client.put(f"/recordings/{CALL}", content=data, headers=sha(data))
    assert r.status_code == 201 and r.json()["stored"] is True
    assert stored(folder / f"{CALL}.flac") == data
    r = await client.put(f"/recordings/{CALL}", content=data, headers=sha(data))
    assert r.status_code == 200 and r.json()["stored"] is False
    r = await client.get(f"/recordings/{CALL}")
    assert r.json() == {"call_id": CALL, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert [p.name for p in folder.iterdir()] == [f"{CALL}.flac"]  # no temp files left


async def test_refusals(hub: Any) -> None:
    client, folder = hub
    data, two = flac(0.01), flac(0.01, 880.0)
    r = await client.put(f"/recordings/{CALL}", content=data, headers=sha(b"other"))
    assert r.status_code == 422 and r.json()["error"] == "sha256_mismatch"
    assert not (folder / f"{CALL}.flac").exists()
    wav = io.BytesIO()
    soundfile.write(wav, np.zeros(100, dtype=np.int16), 8000, format="WAV")
    for fake in (b"fLaC" + bytes(200), b"a" * 900, wav.getvalue()):  # not a FLAC that decodes
        r = await client.put(f"/recordings/{CALL}", content=fake, headers=sha(fake))
        assert r.status_code == 415 and r.json()["error"] == "not_flac"
    assert not list(folder.iterdir())
    assert (await client.put(f"/recordings/{CALL}", content=data, headers=sha(data))).status_code == 201
    r = await client.put(f"/recordings/{CALL}", content=two, headers=sha(two))
    assert r.status_code == 409 and stored(folder / f"{CALL}.flac") == data  # evidence kept
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


async def test_only_the_desk_that_took_the_call(tmp_path: Path) -> None:
    """With the hub's view of its calls: owner, record hash and duration are checked."""
    storage = SqliteStorage(tmp_path / "hub")
    server = SyncServer(storage, hasher=cheap_hasher())
    a, b = server.enroll("desk A"), server.enroll("desk B")
    data = flac(3.0)
    calls = {CALL: {"owner": a["site_id"], "recording_duration_s": 3.0, "recording_sha256": None}}
    app = Starlette(
        routes=recordings.routes(server.gate.authenticate, tmp_path / "rec", call_info=calls.get, max_bytes=10**7)
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:

        async def put(token: str, call: str, body: bytes) -> httpx.Response:
            return await client.put(
                f"/recordings/{call}", content=body, headers={**sha(body), "Authorization": f"Bearer {token}"}
            )

        r = await put(b["token"], CALL, data)
        assert r.status_code == 403 and a["site_id"] in r.json()["detail"]
        assert (await put(a["token"], "0190f1d2-0000-7000-8000-000000000000", data)).status_code == 404
        short = flac(0.5)
        r = await put(a["token"], CALL, short)
        assert r.status_code == 422 and r.json()["error"] == "wrong_duration"
        big = b"a" * (recordings.size_limit(3.0, 10**7) + 1)
        r = await put(a["token"], CALL, big)
        assert r.status_code == 413
        calls[CALL]["recording_sha256"] = hashlib.sha256(short).hexdigest()
        r = await put(a["token"], CALL, data)
        assert r.status_code == 409 and r.json()["error"] == "recording_mismatch"
        calls[CALL]["recording_sha256"] = hashlib.sha256(data).hexdigest()
        assert (await put(a["token"], CALL, data)).status_code == 201
    storage.close()
