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
    OTHER = "other"


class CallSourceKind(StrEnum):
    """Where a call came from."""

    MANUAL = "manual"
    SIMULATOR = "simulator"
    SIP = "sip"
