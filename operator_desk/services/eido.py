"""Incidents as NENA EIDO JSON (NENA-STA-021): the interchange form for other PSAPs and agencies.

The document carries the incident, location, call, notes and agency components this desk knows.
Category codes are mapped to EIDO-style incident type text; the local code is kept beside it.
"""

from __future__ import annotations

from typing import Any

from ..domain.errors import NotFound
from ..domain.timeutil import ms_to_iso
from ..store.repositories import IncidentRepository, ReferralRepository
from ..store.store import Store

EIDO_SCHEMA = "https://raw.githubusercontent.com/NENA911/NENA-STA-021/main/schemas/eido.schema.json"
STATUS_TEXT = {
    "new": "Incident.Open.Received",
    "referred": "Incident.Open.Dispatched",
    "on_scene": "Incident.Open.OnScene",
    "resolved": "Incident.Closed.Resolved",
    "closed": "Incident.Closed",
}


def incident_to_eido(store: Store, incident_id: str) -> dict[str, Any]:
    db = store.reader()
    incidents = IncidentRepository(db)
    inc = incidents.require(incident_id)
    loc = inc.location.to_dict()
    loc_id = f"urn:emergency:uid:locid:{inc['id']}"
    location: dict[str, Any] = {
        "componentIdentifier": loc_id,
        "locationTypeDescription": loc.get("source") or "operator",
        "civicAddressText": ", ".join(
            p
            for p in (
                loc.get("address"),
                f"Gg. {loc['gang']}" if loc.get("gang") else None,
                _rt_rw(loc),
                loc.get("landmark"),
                loc.get("desa_name"),
                loc.get("kecamatan_name"),
                loc.get("kabupaten_name"),
            )
            if p
        ),
        "administrativeAreaCodes": {
            "desa": loc.get("desa_code"),
            "kecamatan": loc.get("kecamatan_code"),
            "kabupaten": loc.get("kabupaten_code"),
        },
        # the civic address's parts (the PIDF-LO civic names: A2 kabupaten/kota, A3 kecamatan, A4 desa)
        "civicAddress": {
            "country": "ID",
            "A2": loc.get("kabupaten_name"),
            "A3": loc.get("kecamatan_name"),
            "A4": loc.get("desa_name"),
            "RD": loc.get("address") or None,
            "gang": loc.get("gang") or None,
            "RT": loc.get("rt") or None,
            "RW": loc.get("rw") or None,
            "LMK": loc.get("landmark") or None,
        },
        "outsideJurisdiction": bool(loc.get("outside_region")),
        "confirmedByOperator": bool(loc.get("confirmed")),
    }
    if loc.get("lat") is not None:
        location["locationByValue"] = {
            "type": "Circle" if loc.get("accuracy_m") else "Point",
            "coordinates": [loc["lat"], loc["lon"]],
            "radius": loc.get("accuracy_m"),
            "crs": "urn:ogc:def:crs:EPSG::4326",
        }
    calls = db.execute(
        "SELECT * FROM calls WHERE incident_id=? ORDER BY started_at", (incident_id,)
    ).fetchall()
    notes = incidents.notes(incident_id)
    refs = ReferralRepository(db).board_of_incident(incident_id)
    return {
        "$schema": EIDO_SCHEMA,
        "eidoMessageIdentifier": f"urn:emergency:uid:eidoid:{inc['id']}:{inc['updated_at']}",
        "lastUpdateTimeStamp": ms_to_iso(inc["updated_at"]),
        "sendingSystemIdentifier": f"urn:operator-desk:site:{store.site_id}",
        "incidentComponent": {
            "componentIdentifier": f"urn:emergency:uid:incidentid:{inc['id']}",
            "incidentTrackingIdentifier": inc["number"],
            "incidentCreationTimeStamp": ms_to_iso(inc["created_at"]),
            "lastUpdateTimeStamp": ms_to_iso(inc["updated_at"]),
            "incidentTypeCommonRegistryText": [inc["category"]],
            "incidentStatusCommonRegistryText": [STATUS_TEXT.get(inc["status"], inc["status"])],
            "incidentPriority": inc["priority"],
            "locationReference": loc_id,
            "casualties": inc["casualties"],
            # by condition; null: not known, 0: none
            "casualtiesByCondition": {
                "deceased": inc.victims_dead,
                "seriouslyInjured": inc.victims_severe,
                "slightlyInjured": inc.victims_minor,
                "conditionUnknown": inc.victims_unknown,
            },
            "incidentOccurrenceTimeStamp": ms_to_iso(inc.occurred_at),
            "incidentSourceText": inc.report_source,
            "dispositionText": inc["disposition"],
        },
        "personComponent": [
            {
                "componentIdentifier": f"urn:emergency:uid:personid:{inc['id']}:caller",
                "personRoleRegistryText": [
                    "Caller",
                    *([f"Caller.{inc.caller_relation}"] if inc.caller_relation else []),
                ],
                "personNameText": inc.caller_name,
                "callerNumberURI": f"tel:{inc.caller_number}" if inc.caller_number else None,
                "callbackNumberURI": f"tel:{inc.callback_number}" if inc.callback_number else None,
            }
        ]
        if inc.caller_name or inc.caller_number or inc.callback_number or inc.caller_relation
        else [],
        "locationComponent": [location],
        "callComponent": [
            {
                "componentIdentifier": f"urn:emergency:uid:callid:{c['id']}",
                "callStartTimeStamp": ms_to_iso(c["started_at"]),
                "callAnswerTimeStamp": ms_to_iso(c["answered_at"]),
                "callEndTimeStamp": ms_to_iso(c["ended_at"]),
                "callbackNumberURI": f"tel:{c['caller_number']}" if c["caller_number"] else None,
                "callTakerReference": c["operator"],
            }
            for c in calls
        ],
        "notesComponent": [
            {
                "componentIdentifier": f"urn:emergency:uid:noteid:{n['id']}",
                "noteDateTimeStamp": ms_to_iso(n["at"]),
                "noteText": n["text"],
                "authorReference": n["operator"],
            }
            for n in notes
        ],
        "agencyComponent": [
            {
                "componentIdentifier": f"urn:emergency:uid:referralid:{r['id']}",
                "agencyIdentifier": r["agency_id"],
                "agencyName": r["agency_name"],
                "referralSentTimeStamp": ms_to_iso(r["sent_at"]),
                "referralStatus": r["status"],
            }
            for r in refs
        ],
    }


def _rt_rw(loc: dict[str, Any]) -> str | None:
    parts = [f"RT {loc['rt']}" if loc.get("rt") else "", f"RW {loc['rw']}" if loc.get("rw") else ""]
    return "/".join(p for p in parts if p) or None


def export_eido(store: Store, number: str | None = None) -> list[dict[str, Any]]:
    """All incidents, or the one with this human number."""
    incidents = IncidentRepository(store.reader())
    if number is not None:
        found = incidents.id_of_number(number)
        if found is None:
            raise NotFound("incident", number)
        ids = [found]
    else:
        ids = incidents.ids_by_creation()
    from .eido_notes import extend_eido  # the updates and the referrals' steps and messages (referral12)

    return [extend_eido(store, pk, incident_to_eido(store, pk)) for pk in ids]
