"""Codes of the domain. The UI maps each code to translated text; the core never shows text."""

from __future__ import annotations

from enum import StrEnum


class CallOutcome(StrEnum):
    """How a call ended. Most 112 calls are ghost or prank; those must cost two keys."""

    EMERGENCY = "emergency"
    INFORMATION = "information"
    PRANK = "prank"
    GHOST = "ghost"
    WRONG_NUMBER = "wrong_number"
    TEST = "test"
    ABANDONED = "abandoned"


class IncidentCategory(StrEnum):
    """Incident categories that fit Indonesian 112 work."""

    FIRE = "fire"
    MEDICAL = "medical"
    TRAFFIC_ACCIDENT = "traffic_accident"
    CRIME_SECURITY = "crime_security"
    DOMESTIC_VIOLENCE = "domestic_violence"
    DISASTER_FLOOD = "disaster_flood"
    DISASTER_LANDSLIDE = "disaster_landslide"
    DISASTER_FALLEN_TREE = "disaster_fallen_tree"
    ANIMAL_SNAKE = "animal_snake"
    ANIMAL_BEES = "animal_bees"
    UTILITY_PLN = "utility_pln"
    UTILITY_PDAM = "utility_pdam"
    UTILITY_STREET_LIGHT = "utility_street_light"
    MISSING_PERSON = "missing_person"
    SOCIAL_NEGLECT = "social_neglect"  # ODGJ / orang terlantar: Dinsos
    PUBLIC_DISTURBANCE = "public_disturbance"  # gangguan ketertiban: Satpol PP
    DROWNING_SAR = "drowning_sar"  # tenggelam / pencarian dan pertolongan: Basarnas, BPBD
    ROAD_DAMAGE = "road_damage"  # jalan rusak: Dishub, PUPR
    BODY_FOUND = "body_found"  # penemuan mayat: Polres
    OTHER = "other"


class Priority(StrEnum):
    """P1 is life-threatening now; P4 can wait."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class IncidentStatus(StrEnum):
    """Statuses only move forward (see `rules.can_advance`)."""

    NEW = "new"
    REFERRED = "referred"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def rank(self) -> int:
        return STATUS_ORDER.index(self)


STATUS_ORDER: tuple[IncidentStatus, ...] = (
    IncidentStatus.NEW,
    IncidentStatus.REFERRED,
    IncidentStatus.ON_SCENE,
    IncidentStatus.RESOLVED,
    IncidentStatus.CLOSED,
)

OPEN_STATUSES: frozenset[str] = frozenset(
    {IncidentStatus.NEW, IncidentStatus.REFERRED, IncidentStatus.ON_SCENE}
)


class LocationSource(StrEnum):
    """Where a location came from. Device sources never overwrite a confirmed location."""

    OPERATOR = "operator"
    MAP = "map"
    GAZETTEER = "gazetteer"
    AML = "aml"
    PIDF = "pidf"


class AgencyKind(StrEnum):
    """Kinds of responding agencies the center refers to."""

    FIRE = "fire"  # Damkar
    AMBULANCE = "ambulance"  # PSC 119, hospitals
    POLICE = "police"  # Polres / Polsek
    DISASTER = "disaster"  # BPBD
    RED_CROSS = "red_cross"  # PMI
    ELECTRICITY = "electricity"  # PLN
    WATER = "water"  # PDAM
    PUBLIC_ORDER = "public_order"  # Satpol PP
    SOCIAL = "social"  # Dinsos
    SAR = "sar"  # Basarnas (Kantor SAR)
    TRANSPORT = "transport"  # Dishub
    PUBLIC_WORKS = "public_works"  # Dinas PUPR
    OTHER = "other"


class CallSourceKind(StrEnum):
    """Where a call came from."""

    MANUAL = "manual"
    SIMULATOR = "simulator"
    SIP = "sip"


class CallerRelation(StrEnum):
    """Who the caller is to the event (pelapor: korban / keluarga / saksi / lainnya)."""

    VICTIM = "victim"
    FAMILY = "family"
    WITNESS = "witness"
    OTHER = "other"


class ReportSource(StrEnum):
    """How the report reached the center (112 / WhatsApp / media sosial / datang langsung / lainnya)."""

    PHONE_112 = "phone_112"
    WHATSAPP = "whatsapp"
    SOCIAL_MEDIA = "social_media"
    WALK_IN = "walk_in"
    OTHER = "other"


class VictimCondition(StrEnum):
    """Victims counted by condition; each count is None while unknown (0 means none, never unknown)."""

    DEAD = "dead"  # meninggal
    SEVERE = "severe"  # luka berat
    MINOR = "minor"  # luka ringan
    UNKNOWN = "unknown"  # kondisi belum diketahui


# The incident column of each victims count (domain/tables.py declares them).
VICTIM_COLUMNS: dict[str, str] = {
    VictimCondition.DEAD: "victims_dead",
    VictimCondition.SEVERE: "victims_severe",
    VictimCondition.MINOR: "victims_minor",
    VictimCondition.UNKNOWN: "victims_unknown",
}
