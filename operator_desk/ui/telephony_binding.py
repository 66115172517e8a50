"""Telephony events into the desk: rings and hang-ups into the session, device locations into the
store, the map and the form (never over a confirmed location by itself), recordings onto their calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject

from ..domain.changes import Changes
from ..services.device_location import DeviceLocationService
from ..services.recordings import RecordingService, RecordingUploader
from ..services.session import DeskSession
from .call_events import QtCallEvents
from .tasks import TaskRunner

log = logging.getLogger(__name__)


class TelephonyBinding(QObject):
    """Owns the wiring of one call source's events (all arrive here on the GUI thread)."""

    def __init__(
        self,
        events: QtCallEvents,
        session: DeskSession,
        locations: DeviceLocationService,
        recordings: RecordingService,
        window: Any,
        runner: TaskRunner,
        get_map: Callable[[], Any],
        get_uploader: Callable[[], RecordingUploader | None] = lambda: None,
        now_ms: Callable[[], int] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.get_map = get_map
        self.session = session
        self.window = window
        self.runner = runner
        self.get_uploader = get_uploader
        self.locations = locations
        self.recordings = recordings
        self.now_ms = now_ms or locations.store.now_ms
        events.ring.connect(self.ring)
        events.caller_hangup.connect(session.caller_hangup)
        events.device_location.connect(self.device_location)
        events.recording.connect(self.recording)
        session.subscribe(self.show_caller)

    def ring(self, ext_id: str, number: str, location: dict[str, Any] | None) -> None:
        live = self.session.ring(ext_id, number, None)
        if location:  # PIDF-LO in the INVITE: stored like any device location, then shown
            loc = {**location, "number": location.get("number") or number}
            at = self.now_ms()
            self.session.device_location_attached(live.call_id, loc)  # shown at once, stored behind
            self.runner.run(lambda: self.locations.record(loc, at), initiator=self)

    def device_location(self, number: str, location: dict[str, Any]) -> None:
        loc = {**location, "number": location.get("number") or number}
        at = self.now_ms()

        def attached(call_id: str | None) -> None:
            if call_id:
                self.session.device_location_attached(call_id, loc)

        def discarded(exc: BaseException) -> None:
            log.warning("device location discarded: %s", exc)

        self.runner.run(lambda: self.locations.record(loc, at), attached, discarded, initiator=self)

    def recording(self, ext_id: str, path: str, duration_s: float, sha256: str) -> None:
        call_id = self.session.recent_ext.get(ext_id)
        if call_id is None:
            log.warning("recording %s for an unknown call %s", path, ext_id)
            return
        def uploaded(_: object) -> None:
            uploader = self.get_uploader()
            if uploader is not None:
                uploader.wake()

        self.runner.run(lambda: self.recordings.attach(call_id, path, duration_s, sha256), uploaded,
                        initiator=self)

    def on_changes(self, changes: Changes) -> None:
        """Device locations that arrived through the hub (AML intake) attach to this desk's live call."""
        ids = changes.ids.get("device_locations")
        if changes.origin == "local" or not ids:
            return
        wanted = set(ids)

        def attach() -> list[tuple[str, dict[str, Any]]]:
            out = []
            for location_id, call_id in self.locations.attach_synced(wanted).items():
                row = self.locations.get(location_id)
                if row is not None:
                    out.append((call_id, row))
            return out

        def show(found: list[tuple[str, dict[str, Any]]]) -> None:
            for call_id, row in found:
                self.session.device_location_attached(call_id, row)

        self.runner.run(attach, show, initiator=self)

    def show_caller(self) -> None:
        """The map shows where the caller's phone says it is, with its accuracy and age."""
        panel = self.get_map()
        if panel is None:
            return
        live = next((c for c in self.session.live_calls() if c.device_location), None)
        if live is None:
            panel.clear_caller_location()
            return
        loc = live.device_location or {}
        if loc.get("lat") is None or loc.get("lon") is None:
            return
        panel.set_caller_location(float(loc["lat"]), float(loc["lon"]), float(loc.get("radius_m") or 0), age_s(loc))

    def take_location(self) -> bool:
        """Ctrl+L: the operator takes the device location into the incident (asked first if confirmed)."""
        live = next((c for c in self.session.live_calls() if c.device_location), None)
        if live is None or not live.device_location:
            self.window.statusBar().showMessage(self.tr("No device location for this call"), 4000)
            return False
        loc = live.device_location
        source = "pidf" if str(loc.get("source", "")).startswith("pidf") else "aml"
        return bool(self.window.form.set_point(float(loc["lat"]), float(loc["lon"]), source=source,
                                               accuracy_m=loc.get("radius_m")))


def age_s(loc: dict[str, Any]) -> float | None:
    text = loc.get("time")
    if not text:
        return None
    try:
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - when).total_seconds())
