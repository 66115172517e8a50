"""Status bar items: the region's clock, the desk, the operator on duty, telephony and the truth about sync."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from ..domain.errors import ErrorCode
from ..domain.timeutil import local
from ..telephony.source import SourceStatus
from .errors import error_label

_SIP_CODES = {c for c in ErrorCode if c.name.startswith("SIP_")}


class DeskStatusBar(QStatusBar):
    """Clock in WITA, desk code, operator, call source state, sync state (objectName `syncStatus`)."""

    def __init__(
        self, desk: str, zone: ZoneInfo, now_ms: Callable[[], int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.zone = zone
        self.now_ms = now_ms
        self.clock = QLabel(self)
        self.clock.setObjectName("clock")
        self.desk = QLabel(self.tr("Desk {code}").format(code=desk), self)
        self.desk.setObjectName("deskLabel")
        self.operator = QLabel(self)
        self.operator.setObjectName("operatorLabel")
        self.source = QLabel(self)
        self.source.setObjectName("sourceStatus")
        self.sync = QLabel(self.tr("Local only — no server configured"), self)
        self.sync.setObjectName("syncStatus")
        self.last_incident = QLabel(self)  # the incident saved last stays in sight (issue 16)
        self.last_incident.setObjectName("lastIncident")
        self.last_incident.hide()
        for w in (self.last_incident, self.operator, self.source, self.sync, self.desk, self.clock):
            self.addPermanentWidget(w)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.update_clock)
        self._tick.start()
        self.update_clock()

    def set_last_incident(self, number: str) -> None:
        """The incident just saved (or attached to): its number stays until the next one."""
        self.last_incident.setText(self.tr("Last incident: {number}").format(number=number))
        self.last_incident.setVisible(bool(number))

    def set_zone(self, zone: ZoneInfo) -> None:
        """The region arrived: the clock and 'last sync' show its time zone."""
        self.zone = zone
        self.update_clock()

    def stop(self) -> None:
        """Shutdown: the clock stops ticking."""
        self._tick.stop()

    def update_clock(self) -> None:
        t = local(self.now_ms(), self.zone)
        zone_name = "WITA" if str(self.zone) == "Asia/Makassar" else t.tzname()
        day = QLocale().dayName(t.isoweekday(), QLocale.FormatType.ShortFormat)  # "Sab" in Indonesian
        self.clock.setText(f"{day} {t:%d-%m-%Y %H:%M:%S} {zone_name}")

    def set_operator(self, name: str | None) -> None:
        self.operator.setText(
            self.tr("On duty: {name}").format(name=name) if name else self.tr("No operator on duty")
        )

    def set_source(self, status: SourceStatus) -> None:
        names = {"sip": self.tr("SIP"), "simulator": self.tr("Simulator"), "manual": self.tr("Manual entry")}
        text = names.get(status.kind, status.kind)
        if not status.ready:
            if status.detail in _SIP_CODES:  # "SIP not registered": the label names SIP itself
                text = error_label(status.detail)
            else:
                text += " — " + (error_label(status.detail) if status.detail else self.tr("not ready"))
            self.source.setStyleSheet("color: #b71c1c; font-weight: bold;")
        else:
            self.source.setStyleSheet("")
        self.source.setText(text)

    def set_sync(self, status: Any) -> None:
        """`status` is the sync engine's SyncStatus (online, waiting, last_success_ms, open_conflicts, error)."""
        if status is None:
            self.sync.setText(self.tr("Local only — no server configured"))
            self.sync.setStyleSheet("")
            return
        error = getattr(status, "error", None)
        waiting = getattr(status, "waiting", 0)
        last = getattr(status, "last_success_ms", None)
        conflicts = getattr(status, "open_conflicts", 0)
        if error and error != ErrorCode.SYNC_OFFLINE:  # clock skew, not enrolled, refused: the label
            text = error_label(error)
        elif getattr(status, "online", False) and not error:
            text = self.tr("Online")
        elif not error and last is None:  # joined, the first exchange with the hub has not happened yet
            text = self.tr("Joined — not yet synced")
        else:
            text = self.tr("Offline")
        if waiting:
            text += " · " + self.tr("{n} changes waiting").format(n=waiting)
        if last:
            text += " · " + self.tr("last sync {t}").format(t=f"{local(last, self.zone):%H:%M:%S}")
        if conflicts:
            text += " · " + self.tr("{n} conflicts").format(n=conflicts)
        refused = getattr(status, "quarantined", 0)
        if refused:
            text += " · " + self.tr("{n} changes refused — Desk → Sync problems").format(n=refused)
        ok = getattr(status, "online", False) and not error
        self.sync.setStyleSheet("" if ok else "color: #b71c1c; font-weight: bold;")
        self.sync.setText(text)
