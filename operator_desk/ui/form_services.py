"""What the incident form needs, passed in (no global lookups)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..services.agencies import AgencyService
from ..services.drafts import DraftService
from ..services.incidents import IncidentService
from ..services.referrals import ReferralService
from .location_search import GazetteerLike

# (desa_code, desa_name, kecamatan_code, kecamatan_name) of a point, or None outside the region.
Place = tuple[str | None, str | None, str | None, str | None]
Locate = Callable[[float, float], Place | None]


class RegionLike(Protocol):
    """What the form reads of the desk's region (core.RegionContext); the pack may arrive later."""

    @property
    def gazetteer(self) -> GazetteerLike | None: ...

    def locate(self, lat: float, lon: float) -> Place | None: ...


@dataclass
class FormServices:
    incidents: IncidentService
    referrals: ReferralService
    agencies: AgencyService
    drafts: DraftService
    region: RegionLike | None = None

    @property
    def gazetteer(self) -> GazetteerLike | None:
        return self.region.gazetteer if self.region is not None else None

    @property
    def locate(self) -> Locate | None:
        return self.region.locate if self.region is not None else None
