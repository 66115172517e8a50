"""A dock content made on first sight: panels with heavy imports (pyqtgraph) cost nothing at start-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget, QVBoxLayout, QWidget


class LazyHost(QWidget):
    """Builds its widget with `factory()` the first time it is shown; `widget` is None until then.

    With `name` the host carries the panel's objectName, and any attribute it does not have itself is
    taken from the panel (built on that first use): `findChild(QWidget, "statsPanel").request(...)`
    works whether or not the operator has opened the tab yet.
    """

    def __init__(self, factory: Callable[[], QWidget], name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.factory = factory
        self.widget: QWidget | None = None
        if name:
            self.setObjectName(name)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.widget is None:
            self.widget = self.factory()
            self._layout.addWidget(self.widget)
        return self.widget

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("factory", "widget"):
            raise AttributeError(name)
        return getattr(self.ensure(), name)

    def follow(self, dock: QDockWidget) -> None:
        """Build when the dock becomes visible to the operator (its tab selected, or undocked).

        Not on showEvent: tabbed docks all get one at the window's first show, selected tab or not.
        """
        dock.visibilityChanged.connect(lambda visible: visible and QTimer.singleShot(0, self._build_if_seen))

    def _build_if_seen(self) -> None:
        if self.widget is None and self.isVisible() and not self.visibleRegion().isEmpty():
            self.ensure()
