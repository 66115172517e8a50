"""A location is ONE value: coordinates, words, administrative codes, source and confidence."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from .enums import LocationSource


@dataclass(frozen=True)
class Location:
    """Where an incident is. Merged as one field so its parts never disagree after sync.

    The address line is how callers give it (GLOSSARY-id.md): `address` (jalan, no. rumah), `gang`, `rt`
    and `rw` apart, so that they can be searched and printed. `kabupaten_code`/`kabupaten_name` name the
    kabupaten/kota of the place when known; `outside_region` marks a place outside the desk's region (the
    call is passed on to that kabupaten's 112, see `jurisdiction_hint`).
    """

    lat: float | None = None
    lon: float | None = None
    address: str = ""
    landmark: str = ""
    desa_code: str | None = None
    desa_name: str | None = None
    kecamatan_code: str | None = None
    kecamatan_name: str | None = None
    source: str = LocationSource.OPERATOR
    accuracy_m: float | None = None
    confirmed: bool = False
    gang: str = ""
    rt: str = ""
    rw: str = ""
    kabupaten_code: str | None = None
    kabupaten_name: str | None = None
    outside_region: bool = False

    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def is_empty(self) -> bool:
        return (
            not self.has_point()
            and not self.address
            and not self.landmark
            and not self.desa_code
            and not self.gang
            and not (self.outside_region and self.kabupaten_name)
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any] | None) -> Location:
        if not data:
            return Location()
        known = {k: data[k] for k in Location.__dataclass_fields__ if k in data}
        return Location(**known)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def is_kelurahan(code: str | None) -> bool:
    """Kemendagri village codes: the fourth part starts with 1 for a kelurahan, 2 for a desa
    (63.03.02.1001 is Kelurahan Jawa in Martapura; 63.03.01.2001 a desa of Aluh-Aluh)."""
    parts = (code or "").split(".")
    return len(parts) == 4 and parts[3][:1] == "1"


MAX_RT_RW = 3  # RT / RW numbers: "003", "12"


def clean_rt_rw(text: str | None) -> str | None:
    """An RT or RW number as typed ("3", "003", "RT 03") to its digits ("003" -> "003"), "" when empty,
    None when it is not a number of at most three digits."""
    raw = (text or "").strip().upper().removeprefix("RT").removeprefix("RW").strip(" .:")
    if not raw:
        return ""
    if not raw.isdigit() or len(raw) > MAX_RT_RW:
        return None
    return raw
