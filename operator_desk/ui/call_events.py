"""The desk's `CallEvents`: a source may call from any thread; signals carry it to the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from ..telephony.source import SourceStatus


class QtCallEvents(QObject):
    """Implements telephony.source.CallEvents by emitting queued signals."""

    ring = Signal(str, str, object)
    caller_hangup = Signal(str)
    device_location = Signal(str, object)
    status = Signal(object)
    recording = Signal(str, str, float, str)

    def on_ring(self, ext_id: str, number_raw: str, device_location: dict[str, Any] | None) -> None:
        self.ring.emit(ext_id, number_raw, device_location)

    def on_caller_hangup(self, ext_id: str) -> None:
        self.caller_hangup.emit(ext_id)

    def on_device_location(self, number_raw: str, location: dict[str, Any]) -> None:
        self.device_location.emit(number_raw, location)

    def on_status(self, status: SourceStatus) -> None:
        self.status.emit(status)

    def on_recording(self, ext_id: str, path: str, duration_s: float, sha256: str) -> None:
        self.recording.emit(ext_id, path, duration_s, sha256)
