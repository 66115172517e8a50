"""Reverse geocoding: which desa and kecamatan a lat/lon lies in."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from .model import AreaFeature, Region

_M_PER_DEG = 111_320.0  # metres per degree of latitude; near the equator also per degree of longitude


@dataclass(frozen=True, slots=True)
class Place:
    """Result of reverse geocoding: the desa/kelurahan and its kecamatan.

    `distance_m` is 0 when the point lies inside the desa polygon, else the distance to the desa
    chosen by the gap fallback (source polygons leave slivers between neighbours).
    """

    desa_code: str
    desa_name: str
    desa_level: str
    kecamatan_code: str | None
    kecamatan_name: str | None
    distance_m: float = 0.0

    @property
    def exact(self) -> bool:
        return self.distance_m == 0.0


class ReverseGeocoder:
    """Point-in-polygon lookup over the desa layer with a STRtree of prepared polygons.

    Rules, in order: (1) the desa whose polygon contains the point; where simplified neighbours overlap,
    the one in which the point lies deepest (farthest from its boundary); (2) the nearest desa within
    `gap_m` (200 m) - slivers between desa polygons and the edge of the region; (3) inside the
    kabupaten polygon, the nearest desa within `inside_m` (a few gaps are ~270 m wide); else None.
    Distances use an equirectangular approximation (error < 0.2 % at Banjar's latitude).
    """

    def __init__(self, region: Region, gap_m: float = 200.0, inside_m: float = 1000.0) -> None:
        self._desa: tuple[AreaFeature, ...] = region.desa
        geoms = np.array([d.geometry for d in region.desa], dtype=object)
        shapely.prepare(geoms)
        self._geoms = geoms
        self._boundaries = shapely.boundary(geoms)
        self._tree = shapely.STRtree(geoms)
        # the region's own kabupaten/kota; neighbours drawn for context (region build) are not the region
        own = [k.geometry for k in region.kabupaten if k.code == region.code] or [k.geometry for k in region.kabupaten]
        kab = shapely.union_all(own)
        shapely.prepare(kab)
        self._kab = kab
        self._gap_deg = gap_m / _M_PER_DEG
        # Cheap reject for the nearest-desa search: the desa area grown by the gap (2.5 % slack for the
        # buffer's polygonal arcs; query_nearest's max_distance stays the exact test).
        near = shapely.buffer(shapely.union_all(geoms), self._gap_deg * 1.025, quad_segs=4)
        shapely.prepare(near)
        self._near = near
        self._inside_deg = inside_m / _M_PER_DEG
        self._exact: list[Place] = []
        for d in region.desa:
            kec = region.kecamatan_by_code(d.parent_code or "")
            self._exact.append(Place(d.code, d.name, d.level, d.parent_code, kec.name if kec else None))

    def locate(self, lat: float, lon: float) -> Place | None:
        """The desa/kecamatan at one point, or None outside the region."""
        idx, dist = self.locate_indices([lat], [lon])
        return self._place(int(idx[0]), float(dist[0]))

    def locate_many(self, lats: ArrayLike, lons: ArrayLike) -> list[Place | None]:
        """Vectorised `locate` for many points."""
        idx, dist = self.locate_indices(lats, lons)
        return [self._place(int(i), float(d)) for i, d in zip(idx, dist, strict=True)]

    def _place(self, i: int, dist_m: float) -> Place | None:
        if i < 0:
            return None
        p = self._exact[i]
        if dist_m == 0.0:
            return p
        return Place(p.desa_code, p.desa_name, p.desa_level, p.kecamatan_code, p.kecamatan_name, dist_m)

    @property
    def desa(self) -> tuple[AreaFeature, ...]:
        return self._desa

    def locate_indices(
        self, lats: ArrayLike, lons: ArrayLike
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Index into `region.desa` per point (-1 = outside) and distance in metres (0 = inside)."""
        lat = np.asarray(lats, dtype=float).ravel()
        lon = np.asarray(lons, dtype=float).ravel()
        if lat.shape != lon.shape:
            raise ValueError("lats and lons differ in length")
        n = lat.size
        out = np.full(n, -1, dtype=np.int64)
        dist = np.zeros(n, dtype=float)
        finite = np.isfinite(lat) & np.isfinite(lon)
        pts = shapely.points(np.where(finite, lon, 0.0), np.where(finite, lat, 0.0))
        pi, gi = self._tree.query(pts[finite], predicate="intersects")
        pi = np.flatnonzero(finite)[pi]
        if pi.size:
            self._assign_hits(pts, pi, gi, out)
        todo = np.flatnonzero((out < 0) & finite)
        if todo.size:
            self._fallback(pts, lat, lon, todo, out, dist)
        return out, dist

    def _assign_hits(
        self, pts: NDArray[np.object_], pi: NDArray[np.intp], gi: NDArray[np.intp], out: NDArray[np.int64]
    ) -> None:
        counts = np.bincount(pi, minlength=out.size)
        single = counts[pi] == 1
        out[pi[single]] = gi[single]
        if not single.all():  # overlapping neighbours: the deepest containing polygon wins
            mp, mg = pi[~single], gi[~single]
            depth = shapely.distance(self._boundaries[mg], pts[mp])
            order = np.lexsort((-depth, mp))
            mp, mg = mp[order], mg[order]
            first = np.r_[True, mp[1:] != mp[:-1]]
            out[mp[first]] = mg[first]

    def _fallback(
        self,
        pts: NDArray[np.object_],
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
        todo: NDArray[np.intp],
        out: NDArray[np.int64],
        dist: NDArray[np.float64],
    ) -> None:
        inside = shapely.contains_xy(self._kab, lon[todo], lat[todo])
        near = todo[~inside]
        near = near[shapely.contains_xy(self._near, lon[near], lat[near])]
        for sel, max_deg in ((near, self._gap_deg), (todo[inside], self._inside_deg)):
            if not sel.size:
                continue
            (qi, gi), d = self._tree.query_nearest(
                pts[sel], max_distance=max_deg, return_distance=True, all_matches=False
            )
            out[sel[qi]] = gi
            dist[sel[qi]] = np.maximum(d * _M_PER_DEG, math.ulp(1.0))


__all__ = ["Place", "ReverseGeocoder"]
