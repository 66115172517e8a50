"""Translated names of domain codes. The core returns codes; only this module turns them into words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def outcome(code: str | None) -> str:
    names = {
        "emergency": _t("Emergency"),
        "information": _t("Information"),
        "prank": _t("Prank"),
        "ghost": _t("Ghost / silent"),
        "wrong_number": _t("Wrong number"),
        "test": _t("Test"),
        "abandoned": _t("Abandoned"),
    }
    if code is None:
        return _t("In progress")
    return names.get(code, code)


def category(code: str | None) -> str:
    names = {
        "fire": _t("Fire"),
        "medical": _t("Medical"),
        "traffic_accident": _t("Traffic accident"),
        "crime_security": _t("Crime and security"),
        "domestic_violence": _t("Domestic violence"),
        "disaster_flood": _t("Disaster: flood"),
        "disaster_landslide": _t("Disaster: landslide"),
        "disaster_fallen_tree": _t("Disaster: fallen tree"),
        "animal_snake": _t("Animal: snake"),
        "animal_bees": _t("Animal: bees"),
        "utility_pln": _t("Utility: electricity (PLN)"),
        "utility_pdam": _t("Utility: water (PDAM)"),
        "utility_street_light": _t("Utility: street light"),
        "missing_person": _t("Missing person"),
        "other": _t("Other"),
    }
    return names.get(code or "", code or "")


def status(code: str | None) -> str:
    names = {
        "new": _t("New"),
        "referred": _t("Referred"),
        "on_scene": _t("On scene"),
        "resolved": _t("Resolved"),
        "closed": _t("Closed"),
    }
    return names.get(code or "", code or "")


def priority(code: str | None) -> str:
    names = {
        "P1": _t("P1 — life in danger now"),
        "P2": _t("P2 — urgent"),
        "P3": _t("P3 — soon"),
        "P4": _t("P4 — can wait"),
    }
    return names.get(code or "", code or "")


def error(code: str) -> str:
    names = {
        "required": _t("Required"),
        "unknown_category": _t("Unknown category"),
        "unknown_priority": _t("Unknown priority"),
        "out_of_range": _t("Coordinates out of range"),
        "not_a_count": _t("Must be a whole number"),
        "too_long": _t("Too long"),
        "status_backwards": _t("The status cannot move back"),
        "call_ended": _t("The call has already ended"),
        "not_found": _t("Not found"),
    }
    return names.get(code, code)


def level(code: str | None) -> str:
    names = {
        "desa": _t("Village"),
        "kelurahan": _t("Urban village"),
        "kecamatan": _t("District"),
        "kabupaten": _t("Regency"),
        "poi": _t("Place"),
        "landmark": _t("Landmark"),
    }
    return names.get(code or "", code or "")
