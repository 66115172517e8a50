"""Ties the map panel to the desk: incidents drawn from the store, clicks into the form, landmarks added.

Kept out of main_window.py, which only composes.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QWidget

from ..domain.changes import Changes
from ..domain.enums import OPEN_STATUSES
from ..services.landmarks import LandmarkService
from ..store.store import Store
from .incident_form import IncidentForm

RECENT_MS = 7 * 86_400_000


class MapBinding(QObject):
    """The map shows open incidents and those of the last week; a click sets the form's location."""

    def __init__(
        self,
        panel: Any,
        store: Store,
        form: IncidentForm,
        landmarks: LandmarkService,
        gazetteer: Any,
        geocoder: Any,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.store = store
        self.form = form
        self.landmarks = landmarks
        self.gazetteer = gazetteer
        self.geocoder = geocoder
        panel.location_clicked.connect(self.clicked)
        panel.landmark_requested.connect(self.add_landmark)
        form.location_changed.connect(panel.set_pending_location)
        form.saved.connect(lambda _id: panel.clear_pending_location())
        self.set_geo(gazetteer, geocoder)
        self.refresh()

    def set_geo(self, gazetteer: Any, geocoder: Any) -> None:
        """The region arrived (perhaps from a worker thread): landmarks become searchable."""
        self.gazetteer = gazetteer
        self.geocoder = geocoder
        self._indexed: set[str] = set()
        self._index_landmarks()

    def _index_landmarks(self) -> None:
        """Put landmarks not yet in the gazetteer into it (each once)."""
        if self.gazetteer is None:
            return
        for lm in self.landmarks.all():
            if lm["id"] not in self._indexed:
                self.gazetteer.add_landmark(
                    lm["name"], lm["lat"], lm["lon"], lm.get("kecamatan_code"), code=lm["id"]
                )
                self._indexed.add(lm["id"])

    def refresh(self) -> None:
        marks = ",".join("?" * len(OPEN_STATUSES))
        rows = self.store.query(
            f"SELECT id, number, category, priority, status, location FROM incidents "
            f"WHERE status IN ({marks}) OR created_at >= ?",
            (*sorted(OPEN_STATUSES), self.store.now_ms() - RECENT_MS),
        )
        out = []
        for r in rows:
            loc = json.loads(r["location"] or "{}")
            if loc.get("lat") is None:
                continue
            out.append(
                {
                    "id": r["id"],
                    "number": r["number"],
                    "category": r["category"],
                    "priority": r["priority"],
                    "status": r["status"],
                    "lat": loc["lat"],
                    "lon": loc["lon"],
                }
            )
        self.panel.set_incidents(out)

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("incidents"):
            self.refresh()
        if changes.initiator != "local" and changes.touches("landmarks"):
            self._index_landmarks()  # landmarks added on other desks become searchable here too

    def clicked(self, lat: float, lon: float) -> None:
        self.form.set_point(lat, lon, source="map")

    def add_landmark(self, lat: float, lon: float) -> None:
        parent = self.panel if isinstance(self.panel, QWidget) else None
        name, ok = QInputDialog.getText(parent, self.tr("Add landmark"), self.tr("Name of the place:"))
        if not ok or not name.strip():
            return
        self.save_landmark(name.strip(), lat, lon)

    def save_landmark(self, name: str, lat: float, lon: float, kind: str = "other") -> str:
        place = self.geocoder.locate(lat, lon) if self.geocoder is not None else None
        pk = self.landmarks.add(
            name,
            kind,
            lat,
            lon,
            desa_code=place.desa_code if place else None,
            kecamatan_code=place.kecamatan_code if place else None,
        )
        if self.gazetteer is not None:
            self.gazetteer.add_landmark(name, lat, lon, place.kecamatan_code if place else None, code=pk)
            self._indexed.add(pk)
        return pk
