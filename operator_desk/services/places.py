"""Demo places from a region pack: every desa with its kecamatan and a point inside it."""

from __future__ import annotations

import csv
from pathlib import Path

from .demo import Place


def places_from_region(region: Path | None) -> list[Place] | None:
    """Read desa rows of the pack's gazetteer (pack format or the Banjar source layout)."""
    if region is None:
        return None
    candidates = [region / "gazetteer.csv", *sorted(region.glob("*_gazetteer.csv"))]
    path = next((c for c in candidates if c.exists()), None)
    if path is None:
        return None
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    kec = {r["code"]: r["name"] for r in rows if r["level"] == "kecamatan"}
    out = [
        Place(
            r["code"],
            r["name"],
            r["parent_code"],
            kec.get(r["parent_code"], r.get("kecamatan", "")),
            float(r["lat"]),
            float(r["lon"]),
        )
        for r in rows
        if r["level"] in ("desa", "kelurahan") and r.get("lat") and r.get("lon")
    ]
    return out or None
