"""A dock content made on first sight: panels with heavy imports (pyqtgraph) cost nothing at start-up."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyHost(QWidget):
    """Builds its widget with `factory()` the first time it is shown; `widget` is None until then."""

    def __init__(self, factory: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.factory = factory
        self.widget: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.widget is None:
            self.widget = self.factory()
            self._layout.addWidget(self.widget)
        return self.widget

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.ensure()
        super().showEvent(event)
