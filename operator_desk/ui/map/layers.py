"""Map layers built once from plain data: region outlines as QPainterPaths, labels, POIs, incidents.

All geometry is kept in "local" Mercator metres (minus an origin near the region) so paths stay
small numbers; the renderer maps local metres to pixels with one QTransform per frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath, QPolygonF
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from ...geo import Region
from .projection import lonlat_to_merc, lonlat_to_merc_array, resolution_for_zoom
from .sprites import incident_style, poi_symbol


@dataclass
class Label:
    """A place name anchored at a Mercator point; larger areas are placed first."""

    text: str
    x: float  # local Mercator metres
    y: float
    level: str  # "kecamatan" | "desa" | "poi"
    rank: float  # higher wins a collision


def _polygon(coords: np.ndarray) -> QPolygonF:
    return QPolygonF([QPointF(a, b) for a, b in coords.tolist()])


def _to_local(geom: BaseGeometry, ox: float, oy: float) -> BaseGeometry:
    """Project a lon/lat geometry to local Mercator metres (vectorised)."""

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = lonlat_to_merc_array(xy[:, 0], xy[:, 1])
        return np.column_stack((x - ox, y - oy))

    return shapely.transform(geom, fn)


def geometry_path(geom: BaseGeometry) -> QPainterPath:
    """A QPainterPath of a (local metres) Polygon/MultiPolygon's rings."""
    path = QPainterPath()
    polys = (
        list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom] if isinstance(geom, Polygon) else []
    )
    for poly in polys:
        for ring in (poly.exterior, *poly.interiors):
            coords = shapely.get_coordinates(ring)
            if len(coords) >= 3:
                path.addPolygon(_polygon(coords))
                path.closeSubpath()
    return path


def lod_bucket(zoom: float) -> int:
    """Level-of-detail bucket for a zoom: outlines are simplified to half a pixel of that bucket."""
    return int(max(LOD_MIN, min(LOD_FULL, math.floor(zoom))))


LOD_MIN, LOD_FULL = 7, 15  # below 7 the region is a dot; from 15 on the full detail is drawn


@dataclass
class RegionLayers:
    """Everything static the map draws for one region, pre-projected to local Mercator metres.

    Boundary paths are built per level of detail on first use (one bucket per zoom level): drawing
    17,000 desa vertices at region zoom costs several ms for nothing a half-pixel simplification keeps.
    """

    ox: float = 0.0  # origin of local metres (Mercator)
    oy: float = 0.0
    areas: dict[str, list[BaseGeometry]] = field(default_factory=dict)
    coast: QPainterPath = field(default_factory=QPainterPath)
    rivers: QPainterPath = field(default_factory=QPainterPath)
    kecamatan_labels: list[Label] = field(default_factory=list)
    desa_labels: list[Label] = field(default_factory=list)
    poi_x: np.ndarray = field(default_factory=lambda: np.empty(0))
    poi_y: np.ndarray = field(default_factory=lambda: np.empty(0))
    poi_symbol: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    poi_major: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    poi_labels: list[Label] = field(default_factory=list)
    _paths: dict[tuple[str, int], QPainterPath] = field(default_factory=dict)

    def path(self, level: str, zoom: float) -> QPainterPath:
        """Outlines of one level ("kabupaten", "neighbour", "kecamatan", "desa") simplified for this zoom."""
        bucket = lod_bucket(zoom)
        key = (level, bucket)
        path = self._paths.get(key)
        if path is None:
            tol = 0.0 if bucket >= LOD_FULL else 0.5 * resolution_for_zoom(bucket + 1)
            path = QPainterPath()
            for g in self.areas.get(level, ()):
                path.addPath(geometry_path(shapely.simplify(g, tol, preserve_topology=True) if tol else g))
            self._paths[key] = path
        return path

    def bounds(self) -> tuple[float, float, float, float] | None:
        """Local-metre bounds of the kabupaten outline(s), or None without one."""
        geoms = self.areas.get("kabupaten") or []
        if not geoms:
            return None
        b = shapely.total_bounds(geoms)
        return float(b[0]), float(b[1]), float(b[2]), float(b[3])

    @classmethod
    def build(cls, region: Region) -> RegionLayers:
        minlon, minlat, maxlon, maxlat = region.bbox
        ox, oy = lonlat_to_merc((minlon + maxlon) / 2, (minlat + maxlat) / 2)
        out = cls(ox=ox, oy=oy)
        own = [k for k in region.kabupaten if k.code == region.code] or list(region.kabupaten[:1])
        for level, feats in (
            ("kabupaten", own),  # the region itself: land fill, bold outline, the Home fit
            ("neighbour", [k for k in region.kabupaten if k not in own]),  # context only: a thin grey line
            ("kecamatan", region.kecamatan),
            ("desa", region.desa),
        ):
            out.areas[level] = [_to_local(f.geometry, ox, oy) for f in feats]
        for line in region.lines:
            target = out.coast if line.kind == "coast" else out.rivers
            for part in line.parts:
                if len(part) >= 2:
                    x, y = lonlat_to_merc_array(part[:, 0], part[:, 1])
                    target.addPolygon(_polygon(np.column_stack((x - ox, y - oy))))  # open polyline
        # Kecamatan rank by how many desa/kelurahan they hold, then the smaller area: the dense towns
        # (Martapura) are where most calls come from, and the big rural ones find room anyway.
        desa_count: dict[str, int] = {}
        for f in region.desa:
            desa_count[str(f.parent_code)] = desa_count.get(str(f.parent_code), 0) + 1
        for level, feats, labels in (
            ("kecamatan", region.kecamatan, out.kecamatan_labels),
            ("desa", region.desa, out.desa_labels),
        ):
            for f in feats:
                x, y = lonlat_to_merc(f.lon, f.lat)
                area = float(f.geometry.area)
                # (count, then the smaller area first: the denser town); areas are < 1e6 km2
                rank = desa_count.get(str(f.code), 0) * 1e6 - area / 1e6 if level == "kecamatan" else area
                labels.append(Label(f.name, x - ox, y - oy, level, rank))
            labels.sort(key=lambda lb: -lb.rank)
        if region.pois:
            lon = np.array([p.lon for p in region.pois])
            lat = np.array([p.lat for p in region.pois])
            x, y = lonlat_to_merc_array(lon, lat)
            out.poi_x, out.poi_y = x - ox, y - oy
            out.poi_symbol = np.array([poi_symbol(p.kind) for p in region.pois], dtype=np.int64)
            out.poi_major = np.array([p.kind in ("hospital", "police", "fire_station") for p in region.pois])
            poi_rank = {"hospital": 3.0, "fire_station": 3.0, "police": 3.0, "puskesmas": 2.0}
            out.poi_labels = [
                Label(p.name, float(out.poi_x[i]), float(out.poi_y[i]), "poi", poi_rank.get(p.kind, 1.0))
                for i, p in enumerate(region.pois)
                if p.name
            ]
            out.poi_labels.sort(key=lambda lb: -lb.rank)
        return out


def _as_float(value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return math.nan
    return v


class IncidentLayer:
    """Incident rows as arrays for bulk drawing, in paint order (closed first, then P4 ... P1 on top)."""

    def __init__(self, ox: float = 0.0, oy: float = 0.0) -> None:
        self.ox, self.oy = ox, oy
        self.set_rows([])

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Keep rows with a finite lat/lon; rows without a location are simply not drawn."""
        kept = []
        for r in rows:
            lat, lon = _as_float(r.get("lat")), _as_float(r.get("lon"))
            if math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180:
                kept.append((r, lat, lon, incident_style(r.get("priority"), r.get("status"))))
        # Paint order: closed under open, low priority under high.
        kept.sort(key=lambda t: (-(t[3] % 2), -(t[3] // 2)))
        self.ids: list[str] = [str(t[0].get("id")) for t in kept]
        self.rows: list[dict[str, Any]] = [t[0] for t in kept]
        lat = np.array([t[1] for t in kept], dtype=np.float64)
        lon = np.array([t[2] for t in kept], dtype=np.float64)
        x, y = lonlat_to_merc_array(lon, lat)
        self.x, self.y = x - self.ox, y - self.oy
        self.style = np.array([t[3] for t in kept], dtype=np.int64)
        self.index = {pk: i for i, pk in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, incident_id: str) -> tuple[float, float] | None:
        """Local Mercator metres of an incident, or None when it is not on the map."""
        i = self.index.get(str(incident_id))
        return None if i is None else (float(self.x[i]), float(self.y[i]))
