"""What the incident form needs, passed in (no global lookups)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..services.agencies import AgencyService
from ..services.drafts import DraftService
from ..services.incidents import IncidentService
from ..services.referrals import ReferralService
from .location_search import GazetteerLike

# (desa_code, desa_name, kecamatan_code, kecamatan_name) of a point, or None outside the region.
Locate = Callable[[float, float], tuple[str | None, str | None, str | None, str | None] | None]


@dataclass
class FormServices:
    incidents: IncidentService
    referrals: ReferralService
    agencies: AgencyService
    drafts: DraftService
    gazetteer: GazetteerLike | None = None
    locate: Locate | None = None
