"""`operator-desk-server enroll --replaces OLD_SITE --as ADMIN` against a real hub process (issue 13):
a restored desk's new site succeeds the old one — the old token is refused from that moment, the
successor may write the old site's calls and only those, and every wrong use is one clear line."""

from __future__ import annotations

import json
import time

import httpx
from hubproc import Hub, auth, change

CALL_A = "01a0c0de-0000-7000-8000-0000000000a1"
CALL_B = "01a0c0de-0000-7000-8000-0000000000b1"


def ch(seq: int, pk: str, col: str, value: object) -> dict[str, object]:
    return change(seq, pk, col, value, ms=int(time.time() * 1000))


def push(c: httpx.Client, token: str, *changes: dict[str, object]) -> httpx.Response:
    return c.post("/v1/push", json={"changes": list(changes)}, headers=auth(token))


def successor(hub: Hub, name: str, *replaces: str, admin: str | None = "Admin Banjar") -> dict[str, object]:
    args = [x for old in replaces for x in ("--replaces", old)]
    out = hub.cli("enroll", "--site", name, *args, *(["--as", admin] if admin else []))
    return dict(json.loads(out.stdout))


def test_a_successor_writes_its_predecessors_calls_and_only_those(hub: Hub) -> None:
    a, b = hub.enroll("desk A"), hub.enroll("desk B")
    c = httpx.Client(base_url=hub.url, timeout=5)
    try:
        assert push(c, a["token"], ch(1, CALL_A, "outcome", "emergency")).status_code == 200
        assert push(c, b["token"], ch(1, CALL_B, "outcome", "emergency")).status_code == 200
        plain = hub.enroll("desk A restored, no successor")
        r = push(c, plain["token"], ch(1, CALL_A, "outcome", "prank"))
        assert r.status_code == 403 and CALL_A in r.json()["detail"]  # without --replaces: refused

        a2 = successor(hub, "desk A2", "desk A")
        assert a2["replaces"] == [a["site_id"]]
        r = push(c, a2["token"], ch(1, CALL_A, "outcome", "prank"))
        assert r.status_code == 200, r.text  # the old site's call
        head = int(c.get("/health").json()["head"])
        r = push(c, a2["token"], ch(2, CALL_B, "outcome", "ghost"))
        assert r.status_code == 403 and CALL_B in r.json()["detail"]  # another site's call: never
        assert int(c.get("/health").json()["head"]) == head
        assert push(c, b["token"], ch(2, CALL_B, "outcome", "ghost")).status_code == 200  # B still may

        # the old credential is refused from the moment of the enrolment (a running hub, no restart)
        for _ in range(30):
            if c.get("/v1/status", headers=auth(a["token"])).status_code == 401:
                break
            time.sleep(0.1)
        assert c.get("/v1/status", headers=auth(a["token"])).status_code == 401
        assert push(c, a["token"], ch(2, CALL_A, "outcome", "ghost")).status_code == 401

        sites = {s["site_id"]: s for s in json.loads(hub.cli("sites").stdout)}
        assert sites[a["site_id"]]["revoked"] is True and sites[a["site_id"]]["replaced_by"] == a2["site_id"]
        rec = sites[str(a2["site_id"])]
        assert rec["replaces"] == [a["site_id"]] and rec["replaced_by_admin"] == "Admin Banjar"
        assert abs(int(rec["replaced_at"]) - time.time() * 1000) < 120_000
        assert "replaces" not in sites[b["site_id"]] and sites[b["site_id"]]["revoked"] is False

        # a chain: a successor of the successor writes the first site's calls too
        a3 = successor(hub, "desk A3", "desk A2")
        assert push(c, a3["token"], ch(1, CALL_A, "outcome", "information")).status_code == 200
        assert push(c, a3["token"], ch(2, CALL_B, "outcome", "prank")).status_code == 403
    finally:
        c.close()


def test_replaces_refuses_what_is_not_a_replacement(hub: Hub) -> None:
    hub.enroll("desk A")
    hub.enroll("hub 2", kind="hub")

    def refused(*args: str) -> str:
        out = hub.cli("enroll", "--site", "desk new", *args, check=False)
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert out.stdout == ""  # no credential printed
        return out.stderr

    assert "no site named 'desk Z'" in refused("--replaces", "desk Z", "--as", "Admin")
    assert "needs --as ADMIN" in refused("--replaces", "desk A")
    assert "not a desk" in refused("--replaces", "hub 2", "--as", "Admin")
    assert "only a desk can succeed" in refused("--replaces", "desk A", "--kind", "admin", "--as", "Admin")
    names = [s["name"] for s in json.loads(hub.cli("sites").stdout)]
    assert "desk new" not in names  # nothing was enrolled by a refused command
    assert not any(s["revoked"] for s in json.loads(hub.cli("sites").stdout))
    successor(hub, "desk A2", "desk A")
    assert "already replaced by site" in refused("--replaces", "desk A", "--as", "Admin")
