"""ConflictService: open conflicts labelled by incident number; a supervisor decides (both sides)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from operator_desk.domain.errors import DomainError
from operator_desk.domain.location import Location
from operator_desk.services.conflicts import KEEP_NEWER, TAKE_OLDER, ConflictService
from operator_desk.services.incidents import IncidentService
from operator_desk.store.store import Store


def conflict(store: Store, pk: str, col: str, older: Any, newer: Any) -> str:
    return str(
        store.write(
            lambda tx: tx.insert_record(
                "conflicts",
                {
                    "tbl": "incidents",
                    "pk": pk,
                    "col": col,
                    "local_value": json.dumps(older),
                    "remote_value": json.dumps(newer),
                    "detected_at": tx.now_ms(),
                },
            )
        )
    )


def test_open_conflicts_and_a_supervisor_decision(store: Store) -> None:
    inc = IncidentService(store).create(
        {
            "category": "fire",
            "priority": "P2",
            "narrative": "baru",
            "location": Location(address="x", confirmed=True),
        }
    )
    cid = conflict(store, inc, "narrative", "lama", "baru")
    svc = ConflictService(store)
    (c,) = svc.open()
    assert (c["label"], c["older"], c["newer"]) == (IncidentService(store).get(inc).number, "lama", "baru")
    with pytest.raises(DomainError) as not_sup:
        svc.resolve(cid, TAKE_OLDER)
    assert not_sup.value.code == "supervisor_required"
    with pytest.raises(DomainError) as unknown:
        svc.resolve(cid, "coin_flip")
    assert unknown.value.code == "unknown_resolution"
    store.write(
        lambda tx: tx.insert_record("operators", {"name": "tester", "role": "supervisor", "active": 1})
    )
    svc.resolve(cid, TAKE_OLDER)
    assert IncidentService(store).get(inc).narrative == "lama" and svc.count_open() == 0
    with pytest.raises(DomainError) as again:
        svc.resolve(cid, KEEP_NEWER)
    assert again.value.code == "conflict_resolved"
    with pytest.raises(DomainError) as missing:
        svc.resolve("nope", KEEP_NEWER)
    assert missing.value.code == "not_found"
