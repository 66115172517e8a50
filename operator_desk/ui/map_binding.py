"""Ties the map panel to the desk: incidents drawn from the store, clicks into the form, landmarks added.

Kept out of main_window.py, which only composes. Every read and write runs on the desk's task runner;
the panel and the gazetteer are touched on the GUI thread only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QWidget

from ..domain.changes import Changes
from ..services.landmarks import LandmarkService
from ..services.map_view import MapIncidents
from .form_services import RegionLike
from .incident_form import IncidentForm
from .tasks import TaskRunner


class MapBinding(QObject):
    """The map shows open incidents and those of the last week; a click sets the form's location."""

    def __init__(
        self,
        panel: Any,
        markers: MapIncidents,
        form: IncidentForm,
        landmarks: LandmarkService,
        region: RegionLike,
        runner: TaskRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.markers = markers
        self.form = form
        self.landmarks = landmarks
        self.region = region
        self.runner = runner
        self._indexed: set[str] = set()
        panel.location_clicked.connect(self.clicked)
        panel.landmark_requested.connect(self.add_landmark)
        form.location_changed.connect(panel.set_pending_location)
        form.saved.connect(lambda _id: panel.clear_pending_location())
        self.index_landmarks()
        self.refresh()

    def index_landmarks(self) -> None:
        """Put landmarks not yet in the gazetteer into it (each once); read on a worker."""
        self.runner.run(self.landmarks.all, self._index, key="map-landmarks")

    def _index(self, rows: list[dict[str, Any]]) -> None:
        gaz = self.region.gazetteer
        if gaz is None:
            return
        for lm in rows:
            if lm["id"] not in self._indexed:
                gaz.add_landmark(lm["name"], lm["lat"], lm["lon"], lm.get("kecamatan_code"), code=lm["id"])
                self._indexed.add(lm["id"])

    def refresh(self) -> None:
        self.runner.run(
            self.markers.markers,
            lambda ms: self.panel.set_incidents([m.as_dict() for m in ms]),
            key="map-markers",
        )

    def on_changes(self, changes: Changes) -> None:
        if changes.touches("incidents"):
            self.refresh()
        if changes.origin != "local" and changes.touches("landmarks"):
            self.index_landmarks()  # landmarks added on other desks become searchable here too

    def clicked(self, lat: float, lon: float) -> None:
        self.form.set_point(lat, lon, source="map")

    def add_landmark(self, lat: float, lon: float) -> None:
        parent = self.panel if isinstance(self.panel, QWidget) else None
        name, ok = QInputDialog.getText(parent, self.tr("Add landmark"), self.tr("Name of the place:"))
        if not ok or not name.strip():
            return
        self.save_landmark(name.strip(), lat, lon)

    def save_landmark(self, name: str, lat: float, lon: float, kind: str = "other") -> None:
        """Store a landmark (on a worker) and make it searchable as soon as it is saved."""

        def write() -> dict[str, Any]:
            place = self.region.locate(lat, lon)
            kec = place[2] if place else None
            pk = self.landmarks.add(name, kind, lat, lon, desa_code=place[0] if place else None,
                                    kecamatan_code=kec)
            return {"id": pk, "name": name, "lat": lat, "lon": lon, "kecamatan_code": kec}

        self.runner.run(write, lambda row: self._index([row]), initiator=self)
