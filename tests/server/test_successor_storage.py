"""The successor rule (`enroll --replaces`, issue 13) on both storage backends, in process: the
record, the revocation in the same transaction, the call authority with and without it."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from operator_desk.server.auth import AuthError, cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.storage import Storage
from operator_desk.sync import protocol as p


def _ch(seq: int, pk: str, value: str) -> dict[str, object]:
    ms = int(time.time() * 1000)
    return {
        "site_id": None,
        "site_seq": seq,
        "hlc": f"{ms:013d}-{seq:05d}",
        "tbl": "calls",
        "pk": pk,
        "col": "outcome",
        "value": value,
        "base_hlc": None,
        "operator": "Rina",
    }


def test_successor_enrolment_on_each_backend(make_storage: Callable[[str], Storage]) -> None:
    server = SyncServer(make_storage("hub"), hasher=cheap_hasher())
    a, b = server.enroll("desk A"), server.enroll("desk B")
    site = server.authenticate
    server.push(site(f"Bearer {a['token']}"), {"changes": [_ch(1, "call-a", "emergency")]})
    server.push(site(f"Bearer {b['token']}"), {"changes": [_ch(1, "call-b", "emergency")]})

    with pytest.raises(p.ProtocolError, match="needs --as ADMIN"):
        server.enroll("desk A2", replaces=["desk A"])
    with pytest.raises(p.ProtocolError, match="no site named 'nope'"):
        server.enroll("desk A2", replaces=["nope"], by="Admin")
    assert [s["name"] for s in server.sites()] == ["desk A", "desk B"]  # nothing half-made

    a2 = server.enroll("desk A2", replaces=[a["site_id"]], by="Admin")
    with pytest.raises(AuthError):
        site(f"Bearer {a['token']}")  # revoked at once (in this process: no cache left)
    heir = site(f"Bearer {a2['token']}")
    server.push(heir, {"changes": [_ch(1, "call-a", "prank")]})  # the old site's call
    with pytest.raises(AuthError, match="belongs to site"):
        server.push(heir, {"changes": [_ch(2, "call-b", "prank")]})  # B's call: never
    by_id = {s["site_id"]: s for s in server.sites()}
    assert (
        by_id[a2["site_id"]]["replaces"] == [a["site_id"]]
        and by_id[a2["site_id"]]["replaced_by_admin"] == "Admin"
    )
    assert by_id[a["site_id"]]["revoked"] and by_id[a["site_id"]]["replaced_by"] == a2["site_id"]
    with pytest.raises(p.ProtocolError, match="already replaced"):
        server.enroll("desk A3", replaces=["desk A"], by="Admin")
