"""Operator-added landmarks ("Masjid Agung Al Karomah", "Pasar Martapura"): saved, synced, listed."""

from __future__ import annotations

import math
from typing import Any

from ..domain.errors import ValidationError
from ..store.store import Store
from ..store.tx import Tx

# Kinds the map's "Add landmark here…" dialog offers; anything else is stored as "other".
LANDMARK_KINDS = frozenset(
    {"mosque", "church", "temple", "school", "market", "office", "bridge", "junction", "shop", "other"}
)
NAME_MAX = 120


def validate_landmark(name: str, kind: str, lat: float, lon: float) -> dict[str, str]:
    """Field -> error code for a landmark about to be saved (empty when valid)."""
    problems: dict[str, str] = {}
    if not isinstance(name, str) or not name.strip():
        problems["name"] = "required"
    elif len(name.strip()) > NAME_MAX:
        problems["name"] = "too_long"
    if not isinstance(kind, str) or not kind.strip():
        problems["kind"] = "required"
    for field, value, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        try:
            v = float(value)
        except (TypeError, ValueError):
            problems[field] = "not_a_number"
            continue
        if not math.isfinite(v) or abs(v) > limit:
            problems[field] = "out_of_range"
    return problems


class LandmarkService:
    """Landmarks known to the operators, kept as a synced record table.

    Why: callers describe where they are by landmarks ("depan masjid ..."); once an operator pins one
    on the map every desk can find it in the gazetteer. The lead feeds `all()` into the Gazetteer.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        name: str,
        kind: str,
        lat: float,
        lon: float,
        desa_code: str | None = None,
        kecamatan_code: str | None = None,
    ) -> str:
        """Validate and save one landmark with its audit row; returns its id.

        Raises ValidationError (codes per field) when the name is empty or the point is not a coordinate.
        """
        problems = validate_landmark(name, kind, lat, lon)
        if problems:
            raise ValidationError(problems)
        kind = kind.strip().lower()
        record: dict[str, Any] = {
            "name": name.strip(),
            "kind": kind if kind in LANDMARK_KINDS else "other",
            "lat": float(lat),
            "lon": float(lon),
            "desa_code": desa_code or None,
            "kecamatan_code": kecamatan_code or None,
        }

        def fn(tx: Tx) -> str:
            record["created_by"] = tx.operator
            record["created_at"] = tx.now_ms()
            pk = tx.insert_record("landmarks", record)
            tx.audit("landmark_create", "landmarks", pk, {"name": record["name"], "kind": record["kind"]})
            return pk

        return self.store.write(fn)

    def all(self) -> list[dict[str, Any]]:
        """Every landmark (local and synced from other desks), by name."""
        rows = self.store.query(
            "SELECT id, name, kind, lat, lon, desa_code, kecamatan_code, created_by, created_at "
            "FROM landmarks ORDER BY name COLLATE NOCASE, id"
        )
        return [dict(r) for r in rows]
