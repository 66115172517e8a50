"""What the incident form needs, passed in (no global lookups)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from ..services.agencies import AgencyService
from ..services.drafts import DraftService
from ..services.incidents import IncidentService, Jurisdiction, home_kabupaten, jurisdiction, neighbours
from ..services.referrals import ReferralService
from .location_search import GazetteerLike

if TYPE_CHECKING:
    from ..geo.model import Region

# (desa_code, desa_name, kecamatan_code, kecamatan_name) of a point, or None outside the region.
Place = tuple[str | None, str | None, str | None, str | None]
Locate = Callable[[float, float], Place | None]


class RegionLike(Protocol):
    """What the form reads of the desk's region (core.RegionContext); the pack may arrive later."""

    @property
    def gazetteer(self) -> GazetteerLike | None: ...

    def locate(self, lat: float, lon: float) -> Place | None: ...

    @property
    def region(self) -> Region | None: ...


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

    @property
    def zone(self) -> ZoneInfo:
        return self.incidents.zone

    def now_ms(self) -> int:
        return self.incidents.now_ms()

    def _region(self) -> Region | None:
        region: Any = getattr(self.region, "region", None) if self.region is not None else None
        return region  # type: ignore[no-any-return]

    def jurisdiction(self, lat: float, lon: float, desa_code: str | None = None) -> Jurisdiction | None:
        """Inside the region or outside (and in which neighbour); None until the region is loaded."""
        region = self._region()
        return jurisdiction(region, lat, lon, desa_code) if region is not None else None

    def kabupaten_places(self) -> tuple[tuple[str, str] | None, list[tuple[str, str]]] | None:
        """(the region's own kabupaten (code, name), the neighbours the pack knows); None before the region."""
        region = self._region()
        if region is None:
            return None
        home = home_kabupaten(region)
        return ((home[0].code, home[0].name) if home else None), neighbours(region)
