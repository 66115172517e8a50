"""The real ASGI app in-process (httpx.ASGITransport) on each storage backend."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from operator_desk.server.app import create_app
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.storage import Storage

pytestmark = pytest.mark.anyio

NOW = int(time.time() * 1000)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def ch(
    seq: int,
    pk: str,
    col: str,
    value: Any,
    ms: int = NOW,
    base: str | None = None,
    tbl: str = "callers",
    site_id: str | None = None,
) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "site_seq": seq,
        "hlc": f"{ms:013d}-00000",
        "tbl": tbl,
        "pk": pk,
        "col": col,
        "value": value,
        "base_hlc": base,
        "operator": "op",
    }


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def setup(
    make_storage: Callable[[str], Storage],
) -> tuple[SyncServer, httpx.AsyncClient, dict[str, str], dict[str, str]]:
    server = SyncServer(make_storage("hub"), hasher=cheap_hasher())
    a, b = server.enroll("desk A"), server.enroll("desk B")
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(server)), base_url="http://hub")
    return server, client, a, b


async def test_health_openapi_metrics(setup: Any) -> None:
    server, client, a, _ = setup
    health = (await client.get("/health")).json()
    assert health["ok"] is True and health["head"] == 0 and health["server_id"] == server.site_id
    spec = (await client.get("/openapi.json")).json()
    assert {"/v1/push", "/v1/pull", "/v1/snapshot", "/v1/conflicts", "/v1/enroll"} <= set(spec["paths"])
    assert "operator_desk_sync_head 0" in (await client.get("/metrics")).text


async def test_credentials_are_required_and_per_site(setup: Any) -> None:
    server, client, a, b = setup
    body = {"changes": [ch(1, "p1", "name", "X")]}
    r = await client.post("/v1/push", json=body)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    r = await client.post("/v1/push", json=body, headers=auth(a["token"] + "x"))
    assert r.status_code == 401
    r = await client.post("/v1/push", json=body, headers=auth(a["site_id"] + ".forged"))
    assert r.status_code == 401
    # B's credential cannot push a change claiming A as its origin.
    r = await client.post(
        "/v1/push",
        json={"changes": [ch(1, "p1", "name", "X", site_id=a["site_id"])]},
        headers=auth(b["token"]),
    )
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    # A desk cannot enrol others; an admin can.
    r = await client.post("/v1/enroll", json={"name": "x"}, headers=auth(a["token"]))
    assert r.status_code == 403
    admin = server.enroll("admin", "admin")
    r = await client.post("/v1/enroll", json={"name": "desk C"}, headers=auth(admin["token"]))
    assert r.status_code == 201 and r.json()["token"].startswith(r.json()["site_id"] + ".")
    assert server.storage.head() == 0


async def test_origin_comes_from_the_credential(setup: Any) -> None:
    server, client, a, b = setup
    r = await client.post("/v1/push", json={"changes": [ch(1, "p1", "name", "X")]}, headers=auth(a["token"]))
    assert r.status_code == 200 and r.json()["accepted"] == 1
    page = (await client.get("/v1/pull", params={"after": 0}, headers=auth(b["token"]))).json()
    assert [(c["site_id"], c["site_seq"], c["value"]) for c in page["changes"]] == [(a["site_id"], 1, "X")]


async def test_push_is_idempotent_and_pull_leaves_out_own_changes(setup: Any) -> None:
    server, client, a, b = setup
    body = {"changes": [ch(1, "p1", "number", "+62811"), ch(2, "p1", "name", "Budi")]}
    first = (await client.post("/v1/push", json=body, headers=auth(a["token"]))).json()
    again = (await client.post("/v1/push", json=body, headers=auth(a["token"]))).json()
    assert (first["accepted"], first["duplicates"]) == (2, 0)
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    own = (await client.get("/v1/pull", params={"after": 0}, headers=auth(a["token"]))).json()
    assert own["changes"] == [] and own["cursor"] == 2
    other = (await client.get("/v1/pull", params={"after": 0, "limit": 1}, headers=auth(b["token"]))).json()
    assert [c["col"] for c in other["changes"]] == ["number"] and other["more"] is True
    rest = (await client.get("/v1/pull", params={"after": other["cursor"]}, headers=auth(b["token"]))).json()
    assert [c["col"] for c in rest["changes"]] == ["name"] and rest["more"] is False


async def test_long_poll_wakes_on_another_desks_push(setup: Any) -> None:
    server, client, a, b = setup
    got: dict[str, Any] = {}

    async def poll() -> None:
        t0 = time.monotonic()
        r = await client.get("/v1/pull", params={"after": 0, "wait": 10}, headers=auth(b["token"]))
        got["page"], got["s"] = r.json(), time.monotonic() - t0

    async with anyio.create_task_group() as tg:
        tg.start_soon(poll)
        await anyio.sleep(0.3)
        await client.post("/v1/push", json={"changes": [ch(1, "p1", "name", "X")]}, headers=auth(a["token"]))
    assert [c["value"] for c in got["page"]["changes"]] == ["X"]
    assert 0.2 < got["s"] < 5.0


async def test_clock_skew_is_refused_with_a_code(setup: Any) -> None:
    server, client, a, _ = setup
    now = int(time.time() * 1000)  # not the module's NOW: collection may have been minutes ago
    ahead = now + 6 * 60 * 1000
    r = await client.post(
        "/v1/push", json={"changes": [ch(1, "p1", "name", "X", ms=ahead)]}, headers=auth(a["token"])
    )
    assert r.status_code == 409 and r.json()["error"] == "clock_skew"
    assert server.storage.head() == 0
    ok = await client.post(
        "/v1/push",
        json={"changes": [ch(1, "p1", "name", "X", ms=now + 4 * 60 * 1000)]},
        headers=auth(a["token"]),
    )
    assert ok.status_code == 200


async def test_malformed_changes_are_refused(setup: Any) -> None:
    _, client, a, _ = setup
    for bad in (
        ch(1, "p1", "nope", "X"),
        ch(0, "p1", "name", "X"),
        {**ch(1, "p1", "name", "X"), "hlc": "yesterday"},
        ch(1, "p1", "name", "X", tbl="drafts"),
        ch(1, "n1", "text", "x", tbl="incident_notes"),
    ):
        r = await client.post("/v1/push", json={"changes": [bad]}, headers=auth(a["token"]))
        assert r.status_code == 400 and r.json()["error"] == "bad_request", bad
    r = await client.post("/v1/push", content=b"{not json", headers=auth(a["token"]))
    assert r.status_code == 400


async def test_concurrent_edit_becomes_a_conflict_that_resolves_and_syncs(setup: Any) -> None:
    server, client, a, b = setup
    await client.post(
        "/v1/push", json={"changes": [ch(1, "p1", "name", "Asli", ms=NOW)]}, headers=auth(a["token"])
    )
    base = f"{NOW:013d}-00000"
    await client.post(
        "/v1/push",
        json={"changes": [ch(2, "p1", "name", "Budi", ms=NOW + 5, base=base)]},
        headers=auth(a["token"]),
    )
    r = await client.post(
        "/v1/push",
        json={"changes": [ch(1, "p1", "name", "Badu", ms=NOW + 3, base=base)]},
        headers=auth(b["token"]),
    )
    assert len(r.json()["conflicts"]) == 1
    listed = (await client.get("/v1/conflicts", params={"open": 1}, headers=auth(a["token"]))).json()[
        "conflicts"
    ]
    assert len(listed) == 1
    c = listed[0]
    assert (c["tbl"], c["pk"], c["col"]) == ("callers", "p1", "name")
    assert {c["local_value"], c["remote_value"]} == {'"Budi"', '"Badu"'}
    assert server.storage.materialize()["callers"]["p1"]["name"] == "Budi"  # LWW: the later clock
    # only a desk the hub flags supervisor (or an admin credential) may decide
    r = await client.post(
        f"/v1/conflicts/{c['id']}/resolve",
        json={"resolution": "took B", "value": "Badu"},
        headers=auth(a["token"]),
    )
    assert r.status_code == 403 and "supervisor" in r.json()["detail"]
    server.set_flag("desk A", "supervisor", True)
    r = await client.post(
        f"/v1/conflicts/{c['id']}/resolve",
        json={"resolution": "took B", "value": "Badu"},
        headers=auth(a["token"]),
    )
    assert r.status_code == 200
    assert (await client.get("/v1/conflicts", params={"open": 1}, headers=auth(a["token"]))).json()[
        "conflicts"
    ] == []
    page = (await client.get("/v1/pull", params={"after": 0}, headers=auth(b["token"]))).json()
    resolved = {x["col"]: x["value"] for x in page["changes"] if x["tbl"] == "conflicts"}
    assert resolved["resolution"] == "took B" and resolved["resolved_at"]
    assert server.storage.materialize()["callers"]["p1"]["name"] == "Badu"
    r = await client.post("/v1/conflicts/nope/resolve", json={"resolution": "x"}, headers=auth(a["token"]))
    assert r.status_code == 404


async def test_snapshot_is_the_merged_state_with_a_cursor(setup: Any) -> None:
    server, client, a, b = setup
    note = {"incident_id": "i1", "at": NOW, "operator": "op", "text": "api padam"}
    await client.post(
        "/v1/push",
        json={
            "changes": [
                ch(1, "p1", "name", "X"),
                ch(2, "p1", "name", "Y", ms=NOW + 1, base=f"{NOW:013d}-00000"),
                ch(3, "n1", "*", note, tbl="incident_notes"),
            ]
        },
        headers=auth(a["token"]),
    )
    snap = (await client.get("/v1/snapshot", headers=auth(b["token"]))).json()
    assert snap["cursor"] == 3
    assert sorted((c["tbl"], c["col"], str(c["value"])) for c in snap["changes"]) == [
        ("callers", "name", "Y"),
        ("incident_notes", "*", str(note)),
    ]
    status = (await client.get("/v1/status", headers=auth(a["token"]))).json()
    assert status["head"] == 3 and {s["name"] for s in status["sites"]} == {"desk A", "desk B"}
