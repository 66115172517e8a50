"""What a credential may do on the hub (issue 10, attacks 3, 5, 7), against a real hub process:
AML intake off by default, signed and not replayable; recordings only from the desk that took the
call and only as a FLAC that decodes; a call record belongs to its desk; operators and agencies only
from an admin; conflict resolution only by a supervisor desk or an admin; a conflict flood limited."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile
from hubproc import Hub, auth, change

from operator_desk.server import aml_intake

NOW = int(time.time() * 1000)
SECRET = "gateway-shared-secret"
FORM = (
    "v=3&device_number=%2B6281234567890&location_latitude=-3.41230&location_longitude=114.84560"
    "&location_time=1795000000000&location_accuracy=15&location_source=GPS&location_confidence=0.68"
)
SMS = 'A"ML=1;lt=-03.41230;lg=+114.84560;rd=14;top=20261204171748;lc=68;pm=G;si=510101000000000;ml=124'
FORM_CT = {"Content-Type": "application/x-www-form-urlencoded"}


def ch(
    seq: int, pk: str, col: str, value: Any, tbl: str = "calls", ms: int = NOW, base: str | None = None
) -> dict[str, Any]:
    return change(seq, pk, col, value, tbl, ms, base=base)



def log_head(hub: Hub) -> int:
    return int(httpx.get(f"{hub.url}/health", timeout=5).json()["head"])


@pytest.fixture
def signed_hub(tmp_path: Path) -> Iterator[Hub]:
    h = Hub(tmp_path, env={"OPERATOR_DESK_AML_SECRET": SECRET}).start()
    yield h
    h.stop()


def sign(body: str, sender: str = "", ts: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    return {"X-AML-Timestamp": str(ts), "X-AML-Signature": aml_intake.signature(SECRET, body.encode(), ts, sender)}


def test_aml_is_off_by_default(hub: Hub) -> None:
    r = httpx.post(f"{hub.url}/aml", content=FORM, headers=FORM_CT, timeout=5)
    assert r.status_code == 403 and r.json()["reason"] == "disabled"
    assert log_head(hub) == 0  # a forged location reaches no desk
    assert "AML intake: off" in hub.output()


def test_aml_signed_once_number_inside_the_signature(signed_hub: Hub) -> None:
    hub = signed_hub
    assert "AML intake: on, signed messages only" in hub.output()
    url = f"{hub.url}/aml"
    headers = {**FORM_CT, **sign(FORM)}
    r = httpx.post(url, content=FORM, headers=headers, timeout=5)
    assert r.status_code == 200 and r.json()["accepted"] is True
    assert log_head(hub) == 1
    r = httpx.post(url, content=FORM, headers=headers, timeout=5)  # the same signed message again
    assert r.status_code == 409 and r.json()["reason"] == "replay"
    # an SMS signed for one sender, replayed with another number outside the body
    sms = {"Content-Type": "text/plain", **sign(SMS, sender="081234567890"), "X-SMS-From": "081234567890"}
    forged = {**sms, "X-SMS-From": "081299999999"}
    assert httpx.post(url, content=SMS, headers=forged, timeout=5).status_code == 403
    no_header = {k: v for k, v in sms.items() if k != "X-SMS-From"}
    assert httpx.post(f"{url}?from=081299999999", content=SMS, headers=no_header, timeout=5).status_code == 403
    r = httpx.post(url, content=SMS, headers=sms, timeout=5)
    assert r.status_code == 200 and r.json()["number"] == "+6281234567890"
    old = {**FORM_CT, **sign(FORM.replace("15", "16"), ts=int(time.time()) - 3600)}
    r = httpx.post(url, content=FORM.replace("15", "16"), headers=old, timeout=5)
    assert r.status_code == 403 and r.json()["reason"] == "stale"
    bad = {**FORM_CT, "X-AML-Timestamp": str(int(time.time())), "X-AML-Signature": ("ü" * 64).encode()}
    r = httpx.post(url, content=FORM, headers=bad, timeout=5)
    assert r.status_code == 403 and r.json() == {
        "accepted": False,
        "reason": "bad_signature",
        "detail": r.json()["detail"],
    }
    assert "Traceback" not in hub.output()
    assert log_head(hub) == 2


def flac(seconds: float) -> bytes:
    t = np.arange(int(8000 * seconds)) / 8000
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    buf = io.BytesIO()
    soundfile.write(buf, np.stack([tone, tone], axis=1), 8000, format="FLAC", subtype="PCM_16")
    return buf.getvalue()


def put(hub: Hub, token: str, call_id: str, data: bytes) -> httpx.Response:
    headers = {**auth(token), "X-Content-SHA256": hashlib.sha256(data).hexdigest(), "Content-Type": "audio/flac"}
    return httpx.put(f"{hub.url}/recordings/{call_id}", content=data, headers=headers, timeout=10)


def test_recordings_only_from_the_desk_that_took_the_call(hub: Hub) -> None:
    a, b = hub.enroll("desk A"), hub.enroll("desk B")
    data = flac(2.0)
    call, fresh = "01a0c0de-0000-7000-8000-00000000000a", "01a0c0de-0000-7000-8000-00000000000b"
    changes = [
        ch(1, call, "started_at", NOW - 5000),
        ch(2, call, "ended_at", NOW - 2000),
        ch(3, call, "recording_duration_s", 2.0),
        ch(4, call, "recording_sha256", hashlib.sha256(data).hexdigest()),
        ch(5, fresh, "started_at", NOW - 5000),
        ch(6, fresh, "ended_at", NOW - 2000),
    ]
    r = httpx.post(f"{hub.url}/v1/push", json={"changes": changes}, headers=auth(a["token"]), timeout=5)
    assert r.status_code == 200, r.text
    r = put(hub, b["token"], call, data)  # desk B under desk A's call id
    assert r.status_code == 403 and a["site_id"] in r.json()["detail"]
    assert put(hub, a["token"], fresh, b"a" * 4096).status_code == 415  # not a FLAC
    r = put(hub, a["token"], fresh, flac(9.0))  # longer than the call (no duration in its record yet)
    assert r.status_code == 422 and r.json()["error"] == "wrong_duration"
    assert put(hub, a["token"], fresh, flac(0.2) + b"junk" * 10).status_code in (201, 415)
    assert put(hub, a["token"], call, flac(1.0)).status_code == 409  # not the hash in the call record
    assert put(hub, a["token"], "01a0c0de-0000-7000-8000-0000000000ff", data).status_code == 404  # unknown
    r = put(hub, a["token"], call, data)
    assert r.status_code == 201 and r.json()["stored"] is True
    assert put(hub, b["token"], call, data).status_code == 403  # still not B's
    got = httpx.get(f"{hub.url}/recordings/{call}", headers=auth(b["token"]), timeout=5)
    assert got.status_code == 200 and got.json()["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_call_belongs_to_the_desk_that_took_it(hub: Hub) -> None:
    a, b = hub.enroll("desk A"), hub.enroll("desk B")
    c = httpx.Client(base_url=hub.url, timeout=5)
    call = "01a0c0de-0000-7000-8000-0000000000c1"
    assert c.post("/v1/push", json={"changes": [ch(1, call, "outcome", "emergency")]},
                  headers=auth(a["token"])).status_code == 200
    head = log_head(hub)
    r = c.post("/v1/push", json={"changes": [ch(1, "b-own", "outcome", "ghost"), ch(2, call, "outcome", "prank")]},
               headers=auth(b["token"]))
    assert r.status_code == 403 and call in r.json()["detail"] and "calls.outcome" in r.json()["detail"]
    assert log_head(hub) == head  # the whole batch refused
    assert c.post("/v1/push", json={"changes": [ch(3, call, "outcome", "information")]},
                  headers=auth(a["token"])).status_code == 200  # the owner may
    c.close()


def test_roster_agencies_and_resolutions_need_authority(hub: Hub) -> None:
    a, b = hub.enroll("desk A"), hub.enroll("desk B", supervisor=True)
    admin = hub.enroll("admin", "admin")
    c = httpx.Client(base_url=hub.url, timeout=5)
    mallory = [ch(1, "op-m", "name", "Mallory", tbl="operators"), ch(2, "op-m", "role", "supervisor", tbl="operators"),
               ch(3, "ag-x", "name", "Damkar Palsu", tbl="agencies"), ch(4, "i1", "narrative", "api", tbl="incidents"),
               ch(5, "cf1", "resolution", "took_older", tbl="conflicts")]
    r = c.post("/v1/push", json={"changes": mallory}, headers=auth(a["token"]))
    assert r.status_code == 200 and r.json()["accepted"] == 1
    assert {(x["tbl"], x["reason"]) for x in r.json()["refused"]} == {
        ("operators", "operators_needs_admin"),
        ("agencies", "agencies_needs_admin"),
        ("conflicts", "conflicts_need_supervisor"),
    }
    pulled = c.get("/v1/pull", params={"after": 0}, headers=auth(b["token"])).json()["changes"]
    assert [(x["tbl"], x["col"]) for x in pulled] == [("incidents", "narrative")]  # Mallory reaches no roster
    sites = {s["name"]: s for s in c.get("/v1/status", headers=auth(admin["token"])).json()["sites"]}
    assert sites["desk A"]["refused"] == 4
    # an admin credential may write the roster; a supervisor desk may resolve
    r = c.post("/v1/push", json={"changes": [ch(1, "op-r", "name", "Rina", tbl="operators")]},
               headers=auth(admin["token"]))
    assert r.status_code == 200 and r.json()["accepted"] == 1 and r.json()["refused"] == []
    r = c.post("/v1/push", json={"changes": [ch(1, "cf1", "resolution", "took_older", tbl="conflicts")]},
               headers=auth(b["token"]))
    assert r.status_code == 200 and r.json()["accepted"] == 1
    r = c.post("/v1/conflicts/cf1/resolve", json={"resolution": "x"}, headers=auth(a["token"]))
    assert r.status_code == 403 and "supervisor" in r.json()["detail"]
    c.close()


def test_a_flood_of_conflicting_writes_is_limited_and_visible(hub: Hub) -> None:
    a, b, admin = hub.enroll("desk A"), hub.enroll("desk B"), hub.enroll("admin", "admin")
    c = httpx.Client(base_url=hub.url, timeout=30)
    n = 300
    first = [ch(i + 1, f"inc{i}", "narrative", f"asli {i}", tbl="incidents") for i in range(n)]
    assert c.post("/v1/push", json={"changes": first}, headers=auth(a["token"])).status_code == 200
    # B copies nothing it saw: every write conflicts
    flood = [ch(i + 1, f"inc{i}", "narrative", f"palsu {i}", tbl="incidents", ms=NOW + 60_000) for i in range(n)]
    r = c.post("/v1/push", json={"changes": flood}, headers=auth(b["token"]))
    assert r.status_code == 200 and r.json()["accepted"] == n
    assert len(r.json()["conflicts"]) == 100  # CONFLICT_BURST records, then counted only
    status = c.get("/v1/status", headers=auth(admin["token"])).json()
    assert status["conflict_floods"] == {b["site_id"]: n - 100}
    assert status["open_conflicts"] == 100
    assert "conflicting writes past the limit" in hub.output()
    # another desk is not limited by B's flood
    again = [ch(n + i + 1, f"inc{i}", "narrative", f"A lagi {i}", tbl="incidents", ms=NOW + 1000) for i in range(3)]
    r = c.post("/v1/push", json={"changes": again}, headers=auth(a["token"]))
    assert len(r.json()["conflicts"]) == 3
    c.close()


# -- accounts, retention and redactions by POLICY (domain/rules.py), and who a change names ----------
def refused_of(c: httpx.Client, admin: str, name: str) -> int:
    return int({s["name"]: s for s in c.get("/v1/status", headers=auth(admin)).json()["sites"]}[name]["refused"])


def account(seq: int, name: str, role: str, operator: str | None) -> list[dict[str, Any]]:
    from operator_desk.services.accounts import account_id

    pk = account_id(name)
    out = [change(seq, pk, "name", name, "accounts", operator=operator or ""),
           change(seq + 1, pk, "role", role, "accounts", operator=operator or ""),
           change(seq + 2, pk, "password_hash", "$argon2id$v=19$m=47104,t=2,p=2$x$y", "accounts",
                  operator=operator or "")]
    for c in out:
        c["operator"] = operator
    return out


def test_the_hub_applies_policy_to_accounts_retention_and_redactions(hub: Hub) -> None:
    from operator_desk.services.accounts import account_id

    a, b, admin = hub.enroll("desk A"), hub.enroll("desk B"), hub.enroll("admin", "admin")
    c = httpx.Client(base_url=hub.url, timeout=10)

    def push(token: str, changes: list[dict[str, Any]]) -> dict[str, Any]:
        r = c.post("/v1/push", json={"changes": changes}, headers=auth(token))
        assert r.status_code == 200, r.text
        return dict(r.json())

    # a hub that knows no account yet: the center's first admin arrives from its first desk (trusted CLI)
    assert push(a["token"], account(1, "Admin", "admin", "admin-cli"))["accepted"] == 3
    assert push(a["token"], account(4, "Ahmad", "operator", "Admin"))["accepted"] == 3  # an admin's change
    assert refused_of(c, admin["token"], "desk A") == 0
    # an operator may not make an admin, nor change another account, nor its own role ...
    mallory = account(1, "Mallory", "admin", "Ahmad")
    push(b["token"], mallory)
    push(b["token"], [change(4, account_id("Admin"), "disabled", True, "accounts", operator="Ahmad"),
                      change(5, account_id("Ahmad"), "role", "admin", "accounts", operator="Ahmad")])
    assert refused_of(c, admin["token"], "desk B") == 5
    # ... but may change its own password; the trusted CLI of a desk is no admin once the hub knows one
    before = refused_of(c, admin["token"], "desk A")
    push(a["token"], [change(7, account_id("Ahmad"), "password_hash", "$argon2id$new", "accounts", operator="Ahmad"),
                      change(8, account_id("Ahmad"), "must_change", False, "accounts", operator="Ahmad")])
    push(a["token"], account(9, "Eve", "admin", "admin-cli"))
    assert refused_of(c, admin["token"], "desk A") == before + 3
    # a change must name an account the hub knows (or null, or a program's name)
    push(b["token"], [change(6, "inc-1", "narrative", "siapa?", "incidents", operator="Ghost"),
                      change(7, "inc-2", "narrative", "sistem", "incidents", operator="demo")])
    nobody = change(8, "inc-3", "narrative", "tanpa nama", "incidents")
    nobody["operator"] = None
    push(b["token"], [nobody])
    assert refused_of(c, admin["token"], "desk B") == 6  # only Ghost's
    # retention settings and redactions: admins only; a redaction only of the columns a rule names
    push(b["token"], [change(9, "center", "calls_days", 1, "retention_policy", operator="Ahmad")])
    assert refused_of(c, admin["token"], "desk B") == 7
    push(a["token"], [change(11, "center", "calls_days", 30, "retention_policy", operator="Admin")])
    bad = change(12, "r1", "*", {"tbl": "incidents", "pk": "inc-2", "fields": {"category": None}, "reason": "x",
                                 "at": NOW, "redacted_by": "Admin"}, "redactions", operator="Admin")
    push(a["token"], [bad])
    assert refused_of(c, admin["token"], "desk A") == before + 4
    reader = hub.enroll("reader")
    pulled = c.get("/v1/pull", params={"after": 0, "limit": 1000}, headers=auth(reader["token"])).json()["changes"]
    got = {(x["tbl"], x["pk"], x["col"]): x["value"] for x in pulled}
    assert got[("accounts", account_id("Ahmad"), "password_hash")] == "$argon2id$new"
    assert got[("accounts", account_id("Ahmad"), "role")] == "operator"
    assert ("accounts", account_id("Mallory"), "role") not in got and ("accounts", account_id("Eve"), "name") not in got
    assert ("accounts", account_id("Admin"), "disabled") not in got
    assert got[("retention_policy", "center", "calls_days")] == 30
    assert ("incidents", "inc-1", "narrative") not in got and got[("incidents", "inc-2", "narrative")] == "sistem"
    assert ("redactions", "r1", "*") not in got
    assert "unknown_operator" in hub.output() or "set aside" in hub.output()
    c.close()
