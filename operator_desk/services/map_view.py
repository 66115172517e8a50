"""What the map draws of the store: open incidents and those of the last week, as plain markers."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..store.repositories import IncidentRepository
from ..store.store import Store

RECENT_MS = 7 * 86_400_000


@dataclass(frozen=True)
class IncidentMarker:
    id: str
    number: str
    category: str
    priority: str
    status: str
    lat: float
    lon: float

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "number": self.number, "category": self.category, "priority": self.priority,
                "status": self.status, "lat": self.lat, "lon": self.lon}


class MapIncidents:
    """The map's query object (runs on a worker: the map asks through the task runner)."""

    def __init__(self, store: Store, recent_ms: int = RECENT_MS) -> None:
        self.store = store
        self.recent_ms = recent_ms

    def markers(self) -> list[IncidentMarker]:
        rows = IncidentRepository(self.store.reader()).open_or_since(self.store.now_ms() - self.recent_ms)
        out = []
        for r in rows:
            try:
                loc = json.loads(r["location"] or "{}")
                lat, lon = float(loc["lat"]), float(loc["lon"])
            except (ValueError, TypeError, KeyError):
                continue  # no point (or a value that does not fit): not drawn
            out.append(IncidentMarker(str(r["id"]), str(r["number"] or ""), str(r["category"] or ""),
                                      str(r["priority"] or ""), str(r["status"] or ""), lat, lon))
        return out
