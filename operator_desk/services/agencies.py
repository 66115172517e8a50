"""The agencies the center refers to. Banjar defaults carry names and kinds only, never invented contacts.

The catalogue is edited by a supervisor (checked here: the logged-in account's role, rules.POLICY); contacts are
normalised (phone and WhatsApp to E.164) and the expected acknowledge / arrival minutes drive the
referral board's timers.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Mapping
from typing import Any

from ..domain import phone as phones
from ..domain.enums import AgencyKind, IncidentCategory
from ..domain.errors import DomainError, NotFound, ValidationError
from ..domain.rules import EDIT_AGENCIES, may
from ..store.schema import RECORD_TABLES
from ..store.store import Store
from ..store.tx import Tx, encode_value
from .accounts import role_of

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
    # form16: categories whose agencies the center already lists
    C.SOCIAL_NEGLECT: (AgencyKind.SOCIAL, AgencyKind.PUBLIC_ORDER),  # ODGJ / orang terlantar: Dinsos
    C.PUBLIC_DISTURBANCE: (AgencyKind.PUBLIC_ORDER, AgencyKind.POLICE),  # gangguan ketertiban: Satpol PP
    C.DROWNING_SAR: (AgencyKind.SAR, AgencyKind.DISASTER),  # tenggelam / SAR: Basarnas, BPBD
    # jalan rusak: Dishub, PUPR (a catalogue made before these kinds holds Dishub as "other")
    C.ROAD_DAMAGE: (AgencyKind.TRANSPORT, AgencyKind.PUBLIC_WORKS, AgencyKind.OTHER),
    C.BODY_FOUND: (AgencyKind.POLICE, AgencyKind.AMBULANCE),  # penemuan mayat: Polres
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
    ("Basarnas (Kantor SAR Banjarmasin)", AgencyKind.SAR, 15, 90),
    ("Dinas PUPR Kabupaten Banjar", AgencyKind.PUBLIC_WORKS, 60, 240),
)


# Center catalogue records have ids every desk computes alike (a fixed namespace, never change it).
AGENCY_NAMESPACE = uuid.UUID("6f1c2a0e-3b7d-5e55-9a11-0112c0de0112")


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def agency_id(name: str) -> str:
    """The id of the catalogue agency `name`, the same on every desk (UUIDv5 of the normalised name)."""
    return str(uuid.uuid5(AGENCY_NAMESPACE, "agency:" + _name_key(name)))


SUPERVISOR_ROLE = "supervisor"
MAX_MINUTES = 24 * 60


def roster_role(conn: sqlite3.Connection, operator: str | None) -> str | None:
    """The role `operator` acts with: its account's role (accounts.role_of; the roster only for a name
    without an account, i.e. headless automation). Kept under this name for the lifecycle's callers."""
    return role_of(conn, operator)


def is_supervisor(conn: sqlite3.Connection, operator: str | None) -> bool:
    """True when the operator may do a supervisor's work (a supervisor or an admin account)."""
    return may(role_of(conn, operator), EDIT_AGENCIES)


def _minutes(value: Any) -> int | None | str:
    """Minutes as int, None when empty, or a problem code."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return "not_minutes"
    return value if 0 < value <= MAX_MINUTES else "out_of_range"


def clean_agency(fields: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
    """Validate and normalise agency fields; ValidationError maps each bad field to a code."""
    problems: dict[str, str] = {}
    out: dict[str, Any] = {}
    unknown = set(fields) - set(RECORD_TABLES["agencies"])
    for f in sorted(unknown):
        problems[f] = "unknown_field"
    if "name" in fields or not partial:
        name = " ".join(str(fields.get("name") or "").split())
        if not name:
            problems["name"] = "required"
        out["name"] = name
    if "kind" in fields or not partial:
        kind = fields.get("kind")
        if kind not in AgencyKind.__members__.values():
            problems["kind"] = "required" if not kind else "unknown_kind"
        out["kind"] = str(kind) if kind else kind
    for col in ("phone", "whatsapp"):
        if col in fields:
            raw = (fields.get(col) or "").strip()
            norm = phones.normalise(raw) if raw else None
            if raw and norm is None:
                problems[col] = "invalid_phone"
            out[col] = norm
    if "radio" in fields:
        out["radio"] = (fields.get("radio") or "").strip() or None
    if "categories" in fields:
        cats = sorted(set(fields.get("categories") or []))
        if any(c not in IncidentCategory.__members__.values() for c in cats):
            problems["categories"] = "unknown_category"
        out["categories"] = cats
    if "kecamatan_codes" in fields:
        out["kecamatan_codes"] = sorted({str(c) for c in fields.get("kecamatan_codes") or []})
    for col in ("ack_minutes", "arrive_minutes"):
        if col in fields:
            m = _minutes(fields.get(col))
            if isinstance(m, str):
                problems[col] = m
            else:
                out[col] = m
    if "active" in fields:
        out["active"] = 1 if fields.get("active") else 0
    if problems:
        raise ValidationError(problems)
    return out


class AgencyService:
    """Catalogue of agencies and the suggestion of which to refer to."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def ensure_defaults(self) -> int:
        """The default catalogue, once (when it is empty). Returns how many were added.

        The defaults are center records with ids every desk computes alike (`agency_id`): three desks that
        seed offline make the same three-times-the-same records, and sync keeps one per name. A desk that
        is joined to a hub seeds only its local copy (no outbox rows): the hub's catalogue, edited by the
        center's supervisors, arrives over sync and replaces it field by field (a local seed has no clock,
        so it never overwrites a phone number the center entered). A standalone desk is its own center:
        its seed is an ordinary change that reaches a hub once it joins one."""
        if self.store.query("SELECT 1 FROM agencies LIMIT 1"):
            return 0
        rows = [
            (
                agency_id(name),
                {
                    "name": name,
                    "kind": str(kind),
                    "phone": None,
                    "radio": None,
                    "whatsapp": None,
                    "categories": sorted(c for c, kinds in KIND_FOR_CATEGORY.items() if kind in kinds),
                    "kecamatan_codes": [],
                    "ack_minutes": ack,
                    "arrive_minutes": arrive,
                    "active": 1,
                },
            )
            for name, kind, ack, arrive in BANJAR_DEFAULTS
        ]
        if self.store.get_meta("sync_server"):

            def local(conn: sqlite3.Connection) -> int:
                for pk, fields in rows:
                    cols = ["id", *fields]
                    conn.execute(
                        f"INSERT OR IGNORE INTO agencies ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        (pk, *(encode_value("agencies", c, v) for c, v in fields.items())),
                    )
                return len(rows)

            return self.store.raw_write(local)

        def fn(tx: Tx) -> int:
            for pk, fields in rows:
                tx.insert_record("agencies", fields, pk=pk)
                tx.audit("agency_create", "agencies", pk, {"name": fields["name"]})
            return len(rows)

        return self.store.write(fn)

    def merge_duplicates(self) -> int:
        """One active agency per name: older desks seeded the catalogue with random ids, so a center of
        three desks held every default three times. Every desk makes the same choice — the record with the
        name's own id (`agency_id`), else the smallest id — and deactivates the others (synced changes,
        audited; referrals keep pointing at the record they named). Returns how many were deactivated."""
        rows = self.store.query("SELECT id, name FROM agencies WHERE active=1 ORDER BY id")
        by_name: dict[str, list[str]] = {}
        for r in rows:
            by_name.setdefault(_name_key(r["name"] or ""), []).append(r["id"])
        extra: list[tuple[str, str]] = []
        for key, ids in by_name.items():
            if len(ids) < 2 or not key:
                continue
            own = [i for i in ids if i == str(uuid.uuid5(AGENCY_NAMESPACE, "agency:" + key))]
            keep = own[0] if own else min(ids)
            extra += [(i, keep) for i in ids if i != keep]
        if not extra:
            return 0

        def fn(tx: Tx) -> int:
            for pk, keep in extra:
                tx.update_record("agencies", pk, {"active": 0})
                tx.audit("agency_merge_duplicate", "agencies", pk, {"kept": keep})
            return len(extra)

        return self.store.write(fn, background=True)

    @staticmethod
    def _decode(r: sqlite3.Row) -> dict[str, Any]:
        d = dict(r)
        d["categories"] = json.loads(d["categories"] or "[]")
        d["kecamatan_codes"] = json.loads(d["kecamatan_codes"] or "[]")
        return d

    def all(self) -> list[dict[str, Any]]:
        return [
            self._decode(r) for r in self.store.query("SELECT * FROM agencies WHERE active=1 ORDER BY name")
        ]

    def catalogue(self) -> list[dict[str, Any]]:
        """Every agency, inactive ones too (the supervisor's editor)."""
        return [
            self._decode(r) for r in self.store.query("SELECT * FROM agencies ORDER BY active DESC, name")
        ]

    def get(self, agency_id: str) -> dict[str, Any]:
        rows = self.store.query("SELECT * FROM agencies WHERE id=?", (agency_id,))
        if not rows:
            raise NotFound("agency", agency_id)
        return self._decode(rows[0])

    def can_edit(self) -> bool:
        """Whether the operator on duty may edit the catalogue (the UI greys the editor otherwise)."""
        return may(role_of(self.store.reader(), self.store.operator), EDIT_AGENCIES)

    def suggest(self, category: str, kecamatan_code: str | None = None) -> list[dict[str, Any]]:
        """Agencies for the category, those covering the kecamatan (or all of it) first."""
        kinds = KIND_FOR_CATEGORY.get(category, ())
        ranked = []
        for a in self.all():
            if category not in a["categories"] and a["kind"] not in kinds:
                continue
            specific = kecamatan_code is not None and kecamatan_code in a["kecamatan_codes"]
            covers = specific or not a["kecamatan_codes"]
            kind_rank = kinds.index(a["kind"]) if a["kind"] in kinds else len(kinds)
            # Covering the place first, then the usual kind, then a local unit before a kabupaten-wide one.
            ranked.append(((0 if covers else 1), kind_rank, (0 if specific else 1), a["name"], a))
        ranked.sort(key=lambda t: t[:4])
        return [t[4] for t in ranked]

    def save(self, agency_id: str | None, fields: dict[str, Any]) -> str:
        """Create (agency_id None) or edit an agency. Supervisors only (`supervisor_required`);
        invalid fields raise ValidationError (codes per field)."""
        data = clean_agency(fields, partial=agency_id is not None)

        def fn(tx: Tx) -> str:
            if not may(role_of(tx.conn, tx.operator), EDIT_AGENCIES):
                raise DomainError(
                    "supervisor_required", f"operator {tx.operator!r} may not edit the agencies", "agency"
                )
            if agency_id is None:
                data.setdefault("active", 1)
                pk = tx.insert_record("agencies", data)
                tx.audit("agency_create", "agencies", pk, {"name": data.get("name")})
                return pk
            if tx.one("SELECT 1 FROM agencies WHERE id=?", (agency_id,)) is None:
                raise NotFound("agency", agency_id)
            changed = tx.update_record("agencies", agency_id, data)
            if changed:
                tx.audit("agency_update", "agencies", agency_id, {"fields": sorted(changed)})
            return agency_id

        return self.store.write(fn)

    def set_active(self, agency_id: str, active: bool) -> None:
        """Retire or restore an agency (no hard deletes: old referrals keep pointing at it)."""
        self.save(agency_id, {"active": active})
