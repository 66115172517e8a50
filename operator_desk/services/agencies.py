"""The agencies the center refers to. Banjar defaults carry names and kinds only, never invented contacts."""

from __future__ import annotations

import json
from typing import Any

from ..domain.enums import AgencyKind, IncidentCategory
from ..store.store import Store
from ..store.tx import Tx

C = IncidentCategory
# Which agency kinds usually take which categories (the form suggests, the operator decides).
KIND_FOR_CATEGORY: dict[str, tuple[str, ...]] = {
    C.FIRE: (AgencyKind.FIRE, AgencyKind.AMBULANCE),
    C.MEDICAL: (AgencyKind.AMBULANCE,),
    C.TRAFFIC_ACCIDENT: (AgencyKind.POLICE, AgencyKind.AMBULANCE),
    C.CRIME_SECURITY: (AgencyKind.POLICE,),
    C.DOMESTIC_VIOLENCE: (AgencyKind.POLICE, AgencyKind.SOCIAL),
    C.DISASTER_FLOOD: (AgencyKind.DISASTER, AgencyKind.RED_CROSS),
    C.DISASTER_LANDSLIDE: (AgencyKind.DISASTER,),
    C.DISASTER_FALLEN_TREE: (AgencyKind.DISASTER, AgencyKind.FIRE),
    C.ANIMAL_SNAKE: (AgencyKind.FIRE,),
    C.ANIMAL_BEES: (AgencyKind.FIRE,),
    C.UTILITY_PLN: (AgencyKind.ELECTRICITY,),
    C.UTILITY_PDAM: (AgencyKind.WATER,),
    C.UTILITY_STREET_LIGHT: (AgencyKind.OTHER,),
    C.MISSING_PERSON: (AgencyKind.POLICE, AgencyKind.DISASTER),
    C.OTHER: (AgencyKind.PUBLIC_ORDER,),
}

# Agencies serving Kabupaten Banjar, by name and kind. Contacts stay empty until the center enters them.
BANJAR_DEFAULTS: tuple[tuple[str, str, int, int], ...] = (
    ("Damkar Kabupaten Banjar", AgencyKind.FIRE, 5, 15),
    ("PSC 119 Kabupaten Banjar", AgencyKind.AMBULANCE, 3, 20),
    ("RSUD Ratu Zalecha Martapura", AgencyKind.AMBULANCE, 5, 25),
    ("Polres Banjar", AgencyKind.POLICE, 5, 20),
    ("BPBD Kabupaten Banjar", AgencyKind.DISASTER, 10, 45),
    ("PMI Kabupaten Banjar", AgencyKind.RED_CROSS, 10, 45),
    ("PLN ULP Martapura", AgencyKind.ELECTRICITY, 15, 60),
    ("PDAM Intan Banjar", AgencyKind.WATER, 15, 60),
    ("Satpol PP Kabupaten Banjar", AgencyKind.PUBLIC_ORDER, 10, 30),
    ("Dinas Sosial Kabupaten Banjar", AgencyKind.SOCIAL, 30, 120),
    ("Dinas Perhubungan Kabupaten Banjar", AgencyKind.OTHER, 30, 120),
)


class AgencyService:
    """Catalogue of agencies and the suggestion of which to refer to."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def ensure_defaults(self) -> int:
        """Insert the Banjar defaults once (when the catalogue is empty). Returns how many were added."""
        if self.store.query("SELECT 1 FROM agencies LIMIT 1"):
            return 0

        def fn(tx: Tx) -> int:
            for name, kind, ack, arrive in BANJAR_DEFAULTS:
                cats = sorted(c for c, kinds in KIND_FOR_CATEGORY.items() if kind in kinds)
                pk = tx.insert_record(
                    "agencies",
                    {"name": name, "kind": str(kind), "phone": None, "radio": None, "whatsapp": None,
                     "categories": cats, "kecamatan_codes": [], "ack_minutes": ack, "arrive_minutes": arrive,
                     "active": 1},
                )
                tx.audit("agency_create", "agencies", pk, {"name": name})
            return len(BANJAR_DEFAULTS)

        return self.store.write(fn)

    def all(self) -> list[dict[str, Any]]:
        out = []
        for r in self.store.query("SELECT * FROM agencies WHERE active=1 ORDER BY name"):
            d = dict(r)
            d["categories"] = json.loads(d["categories"] or "[]")
            d["kecamatan_codes"] = json.loads(d["kecamatan_codes"] or "[]")
            out.append(d)
        return out

    def suggest(self, category: str, kecamatan_code: str | None = None) -> list[dict[str, Any]]:
        """Agencies for the category, those covering the kecamatan (or all of it) first."""
        kinds = KIND_FOR_CATEGORY.get(category, ())
        ranked = []
        for a in self.all():
            if category not in a["categories"] and a["kind"] not in kinds:
                continue
            covers = not a["kecamatan_codes"] or (kecamatan_code in a["kecamatan_codes"])
            kind_rank = kinds.index(a["kind"]) if a["kind"] in kinds else len(kinds)
            ranked.append(((0 if covers else 1), kind_rank, a["name"], a))
        ranked.sort(key=lambda t: t[:3])
        return [t[3] for t in ranked]

    def save(self, agency_id: str | None, fields: dict[str, Any]) -> str:
        def fn(tx: Tx) -> str:
            if agency_id is None:
                pk = tx.insert_record("agencies", fields)
                tx.audit("agency_create", "agencies", pk, {"name": fields.get("name")})
                return pk
            tx.update_record("agencies", agency_id, fields)
            tx.audit("agency_update", "agencies", agency_id, {"fields": sorted(fields)})
            return agency_id

        return self.store.write(fn)
