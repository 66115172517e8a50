"""Replay of a call's recording from the call log (double-click or Enter on the row).

Every replay is written to the audit trail: recordings of emergency calls are personal data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from ..domain import phone
from ..domain.timeutil import local
from ..services.recordings import ReplayItem


class ReplayDialog(QDialog):
    """Waveform with play/pause/seek/speed for one call (ReplayWidget, pyqtgraph loaded lazily)."""

    def __init__(self, call: dict, path: Path, verified: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from .replay import ReplayWidget

        self.setObjectName("replayDialog")
        self.setWindowTitle(self.tr("Recording of the call"))
        when = f"{local(call['started_at']):%d-%m-%Y %H:%M:%S}"
        head = QLabel(self.tr("{number} · {when} · {seconds:.0f} s").format(
            number=phone.display(call.get("caller_number")) or call.get("caller_raw") or "—", when=when,
            seconds=call.get("recording_duration_s") or 0), self)
        self.warning = QLabel(self)
        self.warning.setObjectName("replayIntegrity")
        if not verified:
            self.warning.setText(self.tr("Warning: the file does not match the SHA-256 kept with the call"))
            self.warning.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.loaded_s: float | None = None
        self.replay = ReplayWidget(parent=self)
        self.replay.loaded.connect(self._loaded)
        self.replay.load(path)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.warning)
        layout.addWidget(self.replay)
        self.resize(760, 360)


    def _loaded(self, seconds: float) -> None:
        self.loaded_s = seconds


def open_replay(parent: QWidget, item: ReplayItem) -> ReplayDialog:
    """Show the replay of a recording found (and audited) by RecordingService.open_for_replay."""
    dialog = ReplayDialog(item.call, item.path, item.verified, parent)
    dialog.show()
    return dialog
