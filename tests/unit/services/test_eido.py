"""EIDO export reads the incident, its calls, notes and referrals through the repository."""

from __future__ import annotations

from typing import Any

import pytest

from operator_desk.domain.errors import DomainError
from operator_desk.domain.location import Location
from operator_desk.services.agencies import AgencyService
from operator_desk.services.calls import CallService
from operator_desk.services.eido import export_eido
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referrals import ReferralService
from operator_desk.store.store import Store


def test_one_incident_as_eido(store: Store, clock: Any) -> None:
    AgencyService(store).ensure_defaults()
    svc = IncidentService(store)
    loc = Location(
        lat=-3.41, lon=114.85, address="Pasar", kecamatan_name="Martapura", accuracy_m=20, confirmed=True
    )
    call = CallService(store).ring("081234567890")
    pk = svc.create({"category": "fire", "priority": "P1", "location": loc}, call_id=call)
    first = svc.create({"category": "medical", "priority": "P3", "location": loc})
    svc.add_note(pk, "Api membesar")
    damkar = next(a for a in AgencyService(store).all() if a["kind"] == "fire")
    ReferralService(store).refer(pk, damkar["id"])
    number = svc.get(pk).number
    assert number is not None
    (doc,) = export_eido(store, number)
    comp = doc["incidentComponent"]
    assert comp["incidentTrackingIdentifier"] == number
    assert comp["incidentStatusCommonRegistryText"] == ["Incident.Open.Dispatched"]  # referred
    (where,) = doc["locationComponent"]
    assert (
        where["locationByValue"]["coordinates"] == [-3.41, 114.85]
        and where["locationByValue"]["type"] == "Circle"
    )
    assert where["civicAddressText"] == "Pasar, Martapura" and where["confirmedByOperator"] is True
    assert [c["callbackNumberURI"] for c in doc["callComponent"]] == ["tel:+6281234567890"]
    assert [n["noteText"] for n in doc["notesComponent"] if n["noteType"] == "note"] == ["Api membesar"]
    # the updates travel as notes too (services/eido_notes.py): here the status moves new -> referred
    assert [n["noteText"] for n in doc["notesComponent"] if n["noteType"] == "update"] == [
        "status: - -> new", "status: new -> referred"]
    assert [(a["agencyName"], a["referralStatus"]) for a in doc["agencyComponent"]] == [
        (damkar["name"], "sent")
    ]
    everything = export_eido(store)
    assert {d["incidentComponent"]["componentIdentifier"].rsplit(":", 1)[1] for d in everything} == {
        pk,
        first,
    }
    with pytest.raises(DomainError) as missing:
        export_eido(store, "BJR-XX-00000000-9999")
    assert missing.value.code == "not_found"
