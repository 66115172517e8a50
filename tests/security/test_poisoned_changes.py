"""Poisoned changes (issue 10, attack 1, 2 and 6): a value of the wrong type, an integer above 2^63,
a time that is text, an unknown table or column, an oversized narrative, a bad code, a lone
surrogate. The hub refuses each with 400 naming the change and the field and stores nothing; other
desks keep syncing. A bad change that reaches a desk anyway (an older or broken hub) is quarantined,
the rest of its page applied, and `operator-desk check` lists it.

Two hubs: the real ASGI app in-process (Starlette TestClient) for the matrix, and a real
`operator-desk-server` process with desks run through the real `operator-desk` command line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

with warnings.catch_warnings():  # starlette asks for httpx2 for its TestClient; httpx is what we ship
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from hubproc import auth
from hubproc import change as pushed_change

from operator_desk.server.app import create_app
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.sqlite_backend import DB_FILE, SqliteStorage, connect_hub
from operator_desk.store.database import connect
from operator_desk.store.store import Store
from operator_desk.sync import apply as ap

SERVER = [sys.executable, "-m", "operator_desk.server.cli"]
DESK = [sys.executable, "-m", "operator_desk.cli"]
NOW = int(time.time() * 1000)


def ch(seq: int, pk: str, col: str, value: Any, tbl: str = "calls", ms: int = NOW) -> dict[str, Any]:
    return pushed_change(seq, pk, col, value, tbl, ms, operator="Ahmad")


NOTE = {"incident_id": "i1", "at": NOW, "operator": "Ahmad", "text": "api padam"}

# (change, what the 400 must name)
POISONED: list[tuple[str, dict[str, Any], str]] = [
    ("dict in calls.notes", ch(1, "c1", "notes", {"evil": 1}), "calls.notes: expected text, got an object"),
    ("list in calls.notes", ch(1, "c1", "notes", [1, 2, 3]), "calls.notes: expected text, got a list"),
    (
        "int above 2^63",
        ch(1, "c1", "answered_at", 2**63 + 5),
        "calls.answered_at: 9223372036854775813 is outside",
    ),
    ("int above 2^63 in a real", ch(1, "c1", "recording_duration_s", 2**70), "calls.recording_duration_s"),
    (
        "started_at 'x'",
        ch(1, "c1", "started_at", "x"),
        "calls.started_at: expected a time (epoch ms), got text",
    ),
    ("started_at 1970", ch(1, "c1", "started_at", 5), "calls.started_at: 5 is outside"),
    ("unknown table", ch(1, "c1", "notes", "x", tbl="mallory"), "change.tbl: mallory is not a synced table"),
    ("local table", ch(1, "c1", "payload", "x", tbl="drafts"), "change.tbl: drafts is not a synced table"),
    ("unknown column", ch(1, "c1", "is_admin", True), "change.col: calls has no synced field 'is_admin'"),
    (
        "40 KB narrative",
        ch(1, "i1", "narrative", "a" * 40_000, tbl="incidents"),
        "incidents.narrative: text of",
    ),
    (
        "bad enum value",
        ch(1, "i1", "priority", "P0", tbl="incidents"),
        "incidents.priority: 'P0' is not an allowed",
    ),
    ("bad outcome", ch(1, "c1", "outcome", "eaten"), "calls.outcome: 'eaten' is not an allowed value"),
    ("lone surrogate", ch(1, "c1", "notes", "\ud800"), "calls.notes: text is not valid Unicode"),
    (
        "location not an object",
        ch(1, "i1", "location", "Martapura", tbl="incidents"),
        "incidents.location: expected an object",
    ),
    (
        "location lat as dict",
        ch(1, "i1", "location", {"lat": {"x": 1}}, tbl="incidents"),
        "incidents.location: lat: expected a number",
    ),
    (
        "deep JSON",
        ch(1, "c1", "device_location", {"a": [[[[[[[[1]]]]]]]]}),
        "calls.device_location: nested deeper",
    ),
    (
        "note text as dict",
        ch(1, "n1", "*", {**NOTE, "text": {"x": 1}}, tbl="incident_notes"),
        "incident_notes.text: expected text, got an object",
    ),
    (
        "note with an extra column",
        ch(1, "n1", "*", {**NOTE, "evil": 1}, tbl="incident_notes"),
        "incident_notes has no synced column 'evil'",
    ),
]


@pytest.fixture
def hub(
    tmp_path: Path,
) -> Iterator[tuple[SyncServer, TestClient, dict[str, Any], dict[str, Any], dict[str, Any]]]:
    server = SyncServer(SqliteStorage(tmp_path / "hub"), hasher=cheap_hasher())
    a, b = server.enroll("desk A"), server.enroll("desk B")
    admin = server.enroll("admin", "admin")
    with TestClient(create_app(server)) as client:
        yield server, client, a, b, admin
    server.storage.close()


def post(client: Any, path: str, body: Any, token: str) -> httpx.Response:
    """JSON with ASCII escapes, so a lone surrogate travels as the attacker would send it."""
    headers = {**auth(token), "Content-Type": "application/json"}
    return client.post(path, content=json.dumps(body).encode(), headers=headers)  # type: ignore[no-any-return]


def pull_all(client: TestClient, token: str) -> list[dict[str, Any]]:
    r = client.get("/v1/pull", params={"after": 0}, headers=auth(token))
    assert r.status_code == 200, r.text
    return list(r.json()["changes"])


@pytest.mark.parametrize(("name", "change", "named"), POISONED, ids=[p[0] for p in POISONED])
def test_hub_refuses_a_poisoned_change_naming_the_field(
    hub: Any, name: str, change: dict[str, Any], named: str
) -> None:
    server, client, a, b, _ = hub
    good = ch(1, "c9", "started_at", NOW)
    r = post(client, "/v1/push", {"changes": [good, {**change, "site_seq": 2}]}, a["token"])
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error"] == "bad_request"
    assert named in body["detail"] and "changes[1]" in body["detail"], body["detail"]
    assert "/2: " in body["detail"]  # the change's own site_seq
    assert server.storage.head() == 0  # nothing stored, not even the good change of the batch
    # other desks keep syncing
    r = client.post("/v1/push", json={"changes": [ch(1, "b1", "started_at", NOW)]}, headers=auth(b["token"]))
    assert r.status_code == 200 and r.json()["accepted"] == 1
    assert [(c["tbl"], c["pk"], c["value"]) for c in pull_all(client, a["token"])] == [("calls", "b1", NOW)]


def test_hub_refuses_a_50_mb_narrative(hub: Any) -> None:
    server, client, a, _, _ = hub
    big = ch(1, "i1", "narrative", "a" * (50 * 1024 * 1024), tbl="incidents")
    r = client.post("/v1/push", json={"changes": [big]}, headers=auth(a["token"]))
    assert r.status_code in (400, 413), r.text  # 413 when the body limit answers first
    if r.status_code == 400:
        assert "incidents.narrative: text of 52428800 characters is over the limit" in r.json()["detail"]
    assert server.storage.head() == 0


def test_a_narrative_at_the_limit_is_accepted(hub: Any) -> None:
    server, client, a, b, _ = hub
    ok = ch(1, "i1", "narrative", "a" * 32 * 1024, tbl="incidents")
    r = client.post("/v1/push", json={"changes": [ok]}, headers=auth(a["token"]))
    assert r.status_code == 200, r.text
    assert len(pull_all(client, b["token"])[0]["value"]) == 32 * 1024


def test_conflict_resolution_value_is_validated(hub: Any) -> None:
    server, client, a, b, admin = hub
    base = f"{NOW:013d}-00000"
    client.post(
        "/v1/push", json={"changes": [ch(1, "p1", "name", "Asli", tbl="callers")]}, headers=auth(a["token"])
    )
    client.post(
        "/v1/push",
        json={"changes": [{**ch(2, "p1", "name", "Budi", tbl="callers", ms=NOW + 5), "base_hlc": base}]},
        headers=auth(a["token"]),
    )
    r = client.post(
        "/v1/push",
        json={"changes": [{**ch(1, "p1", "name", "Badu", tbl="callers", ms=NOW + 3), "base_hlc": base}]},
        headers=auth(b["token"]),
    )
    [cid] = r.json()["conflicts"]
    head = server.storage.head()
    for value, named in (
        ({"evil": 1}, "callers.name: expected text, got an object"),
        ([1], "callers.name: expected text, got a list"),
        (2**64, "callers.name: expected text, got an integer"),
    ):
        r = client.post(
            f"/v1/conflicts/{cid}/resolve",
            json={"resolution": "took B", "value": value},
            headers=auth(admin["token"]),
        )
        assert r.status_code == 400 and named in r.json()["detail"], r.text
    r = client.post(
        f"/v1/conflicts/{cid}/resolve", json={"resolution": {"x": 1}}, headers=auth(admin["token"])
    )
    assert r.status_code == 400
    r = client.post(
        f"/v1/conflicts/{cid}/resolve",
        json={"resolution": "took B", "resolved_by": {"x": 1}},
        headers=auth(admin["token"]),
    )
    assert r.status_code == 400 and "conflicts.resolved_by" in r.json()["detail"]
    assert server.storage.head() == head  # nothing written
    assert server.storage.materialize()["callers"]["p1"]["name"] == "Budi"
    r = client.post(
        f"/v1/conflicts/{cid}/resolve",
        json={"resolution": "took B", "value": "Badu"},
        headers=auth(admin["token"]),
    )
    assert r.status_code == 200, r.text
    assert server.storage.materialize()["callers"]["p1"]["name"] == "Badu"


# -- a real hub process and real desks through the command line ---------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DESK, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def hub_process(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port, data = free_port(), tmp_path / "hub"
    proc = subprocess.Popen(
        [*SERVER, "--data-dir", str(data), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("hub did not start")
        yield url, data
    finally:
        proc.terminate()
        proc.wait(10)
        assert proc.returncode is not None
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        assert "Traceback" not in stderr, stderr


def enrol(hub_dir: Path, name: str) -> str:
    out = subprocess.run(
        [*SERVER, "enroll", "--data-dir", str(hub_dir), "--site", name],
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(out.stdout)["token"])


def join(desk: Path, url: str, token: str) -> None:
    res = run("join", "--data-dir", str(desk), "--server", url, "--token", token)
    assert res.returncode == 0, res.stderr


def sync_once(desk: Path) -> dict[str, Any]:
    res = run("sync", "--data-dir", str(desk), "--once", "--wait", "0")
    assert res.returncode == 0, res.stderr
    return dict(json.loads(res.stdout.splitlines()[-1]))


def write_call(desk: Path, number: str) -> str:
    from operator_desk.services.calls import CallService

    store = Store(desk / "desk.sqlite")
    try:
        return CallService(store).ring(number)
    finally:
        store.close()


def calls_of(desk: Path) -> dict[str, Any]:
    conn = connect(desk / "desk.sqlite", readonly=True)  # keyed (store/keys.py)
    try:
        return {r[0]: r[1] for r in conn.execute("SELECT id, caller_number FROM calls")}
    finally:
        conn.close()


def test_real_hub_refuses_poison_and_desks_keep_syncing(
    hub_process: tuple[str, Path], tmp_path: Path
) -> None:
    url, hub_dir = hub_process
    token_a, token_b = enrol(hub_dir, "desk A"), enrol(hub_dir, "desk B")
    attacker = enrol(hub_dir, "desk M")
    a, b = tmp_path / "a", tmp_path / "b"
    join(a, url, token_a)
    join(b, url, token_b)
    for name, change, named in POISONED:
        with httpx.Client(base_url=url, timeout=10) as http:
            r = post(http, "/v1/push", {"changes": [change]}, attacker)
        assert r.status_code == 400 and named in r.json()["detail"], (name, r.text)
    health = httpx.get(f"{url}/health", timeout=5).json()
    assert health["head"] == 0  # nothing stored
    first = write_call(a, "+6281234567890")
    assert sync_once(a)["pushed"] > 0
    sync_once(b)
    assert calls_of(b) == {first: "+6281234567890"}
    second = write_call(b, "+6281298765432")
    sync_once(b)
    sync_once(a)
    assert calls_of(a) == {first: "+6281234567890", second: "+6281298765432"}


def test_a_bad_change_from_a_broken_hub_is_quarantined_and_check_lists_it(
    hub_process: tuple[str, Path], tmp_path: Path
) -> None:
    """An older hub that did not validate: its log holds a call with started_at "x" and a dict in
    notes. Desk B pulls the page, quarantines the two, applies the rest, and sync goes on."""
    url, hub_dir = hub_process
    a, b = tmp_path / "a", tmp_path / "b"
    join(a, url, enrol(hub_dir, "desk A"))
    join(b, url, enrol(hub_dir, "desk B"))
    first = write_call(a, "+6281234567890")
    sync_once(a)
    sync_once(b)  # B bootstraps, then pulls the log
    assert first in calls_of(b)
    # the broken hub: rows in its log that no current hub would accept (WAL: written beside the process)
    hub_db = connect_hub(hub_dir / DB_FILE, timeout=10)
    with hub_db:
        for seq, (col, value) in enumerate((("started_at", '"x"'), ("notes", '{"evil": 1}')), start=1):
            hub_db.execute(
                "INSERT INTO log (site_id, site_seq, hlc, tbl, pk, col, value, base_hlc, operator, source, "
                "received_at) VALUES ('OLDHUB', ?, ?, 'calls', 'bad1', ?, ?, NULL, 'x', 'OLDHUB', ?)",
                (seq, f"{NOW:013d}-0000{seq}", col, value, NOW),
            )
    hub_db.close()
    second = write_call(a, "+6281298765432")  # a good change after the bad ones
    sync_once(a)
    out = sync_once(b)
    assert out["pulled"] >= 3
    assert set(calls_of(b)) == {first, second}  # the rest applied; the bad call not
    res = run("check", "--data-dir", str(b))
    assert res.returncode != 0
    report = json.loads(res.stdout)
    assert report["checks"]["quarantine"]["count"] == 2
    assert "quarantine: refused at apply: change OLDHUB/1: calls.started_at: expected a time" in res.stdout
    assert "change OLDHUB/2: calls.notes: expected text, got an object" in res.stdout
    # and sync goes on: a later call still arrives, nothing is quarantined twice
    third = write_call(a, "+6281211112222")
    sync_once(a)
    sync_once(b)
    assert third in calls_of(b)
    store = Store(b / "desk.sqlite")
    try:
        assert ap.quarantined_count(store.reader()) == 2
    finally:
        store.close()
