"""The map dock's holder: shows a note until the region pack has loaded, then the map panel itself.

The map needs numpy and shapely (~0.3 s to import); the region loader imports them on its worker
thread, so the window is usable before the map exists.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class MapHost(QWidget):
    """Holds the `mapPanel` once there is one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapHost")
        self.panel: QWidget | None = None
        self.note = QLabel(self.tr("Loading the region map…"), self)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)

    def no_region(self) -> None:
        self.note.setText(
            self.tr(
                "No region pack. Start with --region FOLDER or install one with 'operator-desk region import'."
            )
        )

    def set_panel(self, panel: QWidget) -> None:
        self.note.hide()
        self.layout().addWidget(panel)
        self.panel = panel
