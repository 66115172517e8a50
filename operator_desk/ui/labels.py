"""Translated names of domain codes. The core returns codes; only this module turns them into words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def outcome(code: str | None) -> str:
    names = {
        "emergency": QCoreApplication.translate("Labels", "Emergency"),
        "information": QCoreApplication.translate("Labels", "Information"),
        "prank": QCoreApplication.translate("Labels", "Prank"),
        "ghost": QCoreApplication.translate("Labels", "Ghost / silent"),
        "wrong_number": QCoreApplication.translate("Labels", "Wrong number"),
        "test": QCoreApplication.translate("Labels", "Test"),
        "abandoned": QCoreApplication.translate("Labels", "Abandoned"),
    }
    if code is None:
        return QCoreApplication.translate("Labels", "In progress")
    return names.get(code, code)


def category(code: str | None) -> str:
    names = {
        "fire": QCoreApplication.translate("Labels", "Fire"),
        "medical": QCoreApplication.translate("Labels", "Medical"),
        "traffic_accident": QCoreApplication.translate("Labels", "Traffic accident"),
        "crime_security": QCoreApplication.translate("Labels", "Crime and security"),
        "domestic_violence": QCoreApplication.translate("Labels", "Domestic violence"),
        "disaster_flood": QCoreApplication.translate("Labels", "Disaster: flood"),
        "disaster_landslide": QCoreApplication.translate("Labels", "Disaster: landslide"),
        "disaster_fallen_tree": QCoreApplication.translate("Labels", "Disaster: fallen tree"),
        "animal_snake": QCoreApplication.translate("Labels", "Animal: snake"),
        "animal_bees": QCoreApplication.translate("Labels", "Animal: bees"),
        "utility_pln": QCoreApplication.translate("Labels", "Utility: electricity (PLN)"),
        "utility_pdam": QCoreApplication.translate("Labels", "Utility: water (PDAM)"),
        "utility_street_light": QCoreApplication.translate("Labels", "Utility: street light"),
        "missing_person": QCoreApplication.translate("Labels", "Missing person"),
        "social_neglect": QCoreApplication.translate("Labels", "Mentally ill / neglected person (ODGJ)"),
        "public_disturbance": QCoreApplication.translate("Labels", "Public order disturbance"),
        "drowning_sar": QCoreApplication.translate("Labels", "Drowning / search and rescue"),
        "road_damage": QCoreApplication.translate("Labels", "Road damage"),
        "body_found": QCoreApplication.translate("Labels", "Body found"),
        "other": QCoreApplication.translate("Labels", "Other"),
    }
    return names.get(code or "", code or "")


def status(code: str | None) -> str:
    names = {
        "new": QCoreApplication.translate("Labels", "New"),
        "referred": QCoreApplication.translate("Labels", "Referred"),
        "on_scene": QCoreApplication.translate("Labels", "On scene"),
        "resolved": QCoreApplication.translate("Labels", "Resolved"),
        "closed": QCoreApplication.translate("Labels", "Closed"),
    }
    return names.get(code or "", code or "")


def priority(code: str | None) -> str:
    names = {
        "P1": QCoreApplication.translate("Labels", "P1 — life in danger now"),
        "P2": QCoreApplication.translate("Labels", "P2 — urgent"),
        "P3": QCoreApplication.translate("Labels", "P3 — soon"),
        "P4": QCoreApplication.translate("Labels", "P4 — can wait"),
    }
    return names.get(code or "", code or "")


def level(code: str | None) -> str:
    names = {
        "desa": QCoreApplication.translate("Labels", "Village"),
        "kelurahan": QCoreApplication.translate("Labels", "Urban village"),
        "kecamatan": QCoreApplication.translate("Labels", "District"),
        "kabupaten": QCoreApplication.translate("Labels", "Regency"),
        "poi": QCoreApplication.translate("Labels", "Place"),
        "landmark": QCoreApplication.translate("Labels", "Landmark"),
    }
    return names.get(code or "", code or "")


def agency_kind(code: str | None) -> str:
    """The kind of a responding agency, with the Indonesian agency it usually is."""
    names = {
        "fire": QCoreApplication.translate("Labels", "Fire brigade (Damkar)"),
        "ambulance": QCoreApplication.translate("Labels", "Ambulance / health (PSC 119)"),
        "police": QCoreApplication.translate("Labels", "Police (Polres / Polsek)"),
        "disaster": QCoreApplication.translate("Labels", "Disaster management (BPBD)"),
        "red_cross": QCoreApplication.translate("Labels", "Red Cross (PMI)"),
        "electricity": QCoreApplication.translate("Labels", "Electricity (PLN)"),
        "water": QCoreApplication.translate("Labels", "Water (PDAM)"),
        "public_order": QCoreApplication.translate("Labels", "Public order (Satpol PP)"),
        "social": QCoreApplication.translate("Labels", "Social services (Dinsos)"),
        "sar": QCoreApplication.translate("Labels", "Search and rescue (Basarnas)"),
        "transport": QCoreApplication.translate("Labels", "Transport (Dishub)"),
        "public_works": QCoreApplication.translate("Labels", "Public works (PUPR)"),
        "other": QCoreApplication.translate("Labels", "Other"),
    }
    return names.get(code or "", code or "")


def call_state(outcome_code: str | None, answered: bool, ended: bool) -> str:
    """A call of the log: its outcome once closed; before that, ringing (not answered) or in progress."""
    if outcome_code is not None:
        return outcome(outcome_code)
    if not answered and not ended:
        return QCoreApplication.translate("Labels", "Ringing")
    return QCoreApplication.translate("Labels", "In progress")


# -- the incident form's fields (form16) ---------------------------------------------------------------
def relation(code: str | None) -> str:
    """Who the caller is to the event."""
    names = {
        "victim": QCoreApplication.translate("Labels", "Victim"),
        "family": QCoreApplication.translate("Labels", "Family"),
        "witness": QCoreApplication.translate("Labels", "Witness"),
        "other": QCoreApplication.translate("Labels", "Other"),
    }
    return names.get(code or "", code or "")


def report_source(code: str | None) -> str:
    """How the report reached the center."""
    names = {
        "phone_112": QCoreApplication.translate("Labels", "112 call"),
        "whatsapp": QCoreApplication.translate("Labels", "WhatsApp"),
        "social_media": QCoreApplication.translate("Labels", "Social media"),
        "walk_in": QCoreApplication.translate("Labels", "Came in person"),
        "other": QCoreApplication.translate("Labels", "Other"),
    }
    return names.get(code or "", code or "")


def victim_condition(code: str | None) -> str:
    """A victims count's condition (meninggal / luka berat / luka ringan / belum diketahui)."""
    names = {
        "dead": QCoreApplication.translate("Labels", "Dead"),
        "severe": QCoreApplication.translate("Labels", "Seriously injured"),
        "minor": QCoreApplication.translate("Labels", "Slightly injured"),
        "unknown": QCoreApplication.translate("Labels", "Condition not known"),
    }
    return names.get(code or "", code or "")
