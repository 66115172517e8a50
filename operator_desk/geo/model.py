"""Plain data held by a loaded region pack (no Qt, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from shapely.geometry.base import BaseGeometry

# Levels a gazetteer row or boundary feature may carry.
KABUPATEN_LEVELS = frozenset({"kabupaten", "kota", "kabupaten_kota"})
KECAMATAN_LEVELS = frozenset({"kecamatan"})
DESA_LEVELS = frozenset({"desa", "kelurahan"})
GAZETTEER_LEVELS = KABUPATEN_LEVELS | KECAMATAN_LEVELS | DESA_LEVELS
POI_KINDS = frozenset(
    {"hospital", "clinic", "puskesmas", "doctor", "dentist", "midwife", "police", "fire_station", "other"}
)
LINE_KINDS = frozenset({"coast", "river", "road", "other"})


@dataclass(frozen=True, slots=True)
class AreaFeature:
    """One administrative area (kabupaten, kecamatan or desa/kelurahan) with its polygon.

    lat/lon is a label point: the pack's own value when given, else the polygon centroid.
    """

    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: BaseGeometry
    lat: float
    lon: float
    postal_code: str | None = None


@dataclass(frozen=True, slots=True)
class Poi:
    """A point of interest the desk refers callers to or dispatches from (hospital, police, ...)."""

    id: str
    name: str | None
    kind: str
    lat: float
    lon: float
    desa_code: str | None = None
    kecamatan_code: str | None = None


@dataclass(frozen=True, slots=True)
class LineFeature:
    """A drawn line layer item (coast, river); parts are (n, 2) float arrays of lon, lat."""

    kind: str
    parts: tuple[np.ndarray, ...]


@dataclass(frozen=True, slots=True)
class GazetteerRow:
    """One row of gazetteer.csv: a named administrative place and its label point."""

    code: str
    name: str
    level: str
    parent_code: str | None
    lat: float
    lon: float
    postal_code: str | None = None
    kecamatan: str | None = None


@dataclass(frozen=True)
class Region:
    """A validated, loaded region pack: boundaries, gazetteer, POIs and lines of one kabupaten.

    Immutable and Qt-free so it can be built on a worker thread and shared by the map, the gazetteer
    and the reverse geocoder.
    """

    name: str
    code: str
    timezone: str
    bbox: tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat
    site_code_prefix: str
    kabupaten: tuple[AreaFeature, ...]
    kecamatan: tuple[AreaFeature, ...]
    desa: tuple[AreaFeature, ...]
    gazetteer: tuple[GazetteerRow, ...]
    pois: tuple[Poi, ...] = ()
    lines: tuple[LineFeature, ...] = ()
    basemap: Path | None = None
    source: Path | None = None
    _kec_by_code: dict[str, AreaFeature] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._kec_by_code.update({k.code: k for k in self.kecamatan})

    def kecamatan_by_code(self, code: str) -> AreaFeature | None:
        """The kecamatan with this Kemendagri code, or None."""
        return self._kec_by_code.get(code)
