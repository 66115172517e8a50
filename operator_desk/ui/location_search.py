"""Gazetteer search as you type: a line edit with an inline result list. Enter takes the top result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from . import labels

DEBOUNCE_MS = 80
VISIBLE_RESULTS = 6


class GazetteerLike(Protocol):
    def search(self, query: str, limit: int = 10, kecamatan_code: str | None = None) -> list[Any]: ...


@dataclass(frozen=True)
class PlaceChoice:
    """What the operator picked: enough to fill a Location."""

    code: str | None
    name: str
    level: str
    lat: float | None
    lon: float | None
    kecamatan_code: str | None
    kecamatan_name: str | None


def choice_from_match(m: Any) -> PlaceChoice:
    return PlaceChoice(
        code=getattr(m, "code", None),
        name=getattr(m, "name", ""),
        level=getattr(m, "level", ""),
        lat=getattr(m, "lat", None),
        lon=getattr(m, "lon", None),
        kecamatan_code=getattr(m, "kecamatan_code", None),
        kecamatan_name=getattr(m, "kecamatan", None),
    )


class _Edit(QLineEdit):
    """Up/Down move through the results without leaving the field."""

    def __init__(self, owner: LocationSearch) -> None:
        super().__init__(owner)
        self.owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.owner.results.count():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(self.owner.results.count() - 1, self.owner.results.currentRow() + step))
            self.owner.results.setCurrentRow(row)
            return
        super().keyPressEvent(event)


class LocationSearch(QWidget):
    """Emits `chosen(PlaceChoice)` on Enter (current or top result) or a click."""

    chosen = Signal(object)

    def __init__(self, gazetteer: GazetteerLike | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gazetteer = gazetteer
        self.kecamatan_code: str | None = None
        self.edit = _Edit(self)
        self.edit.setObjectName("locationSearch")
        self.results = QListWidget(self)
        self.results.setObjectName("locationResults")
        self.results.setMaximumHeight(VISIBLE_RESULTS * 20 + 4)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        self.setFocusProxy(self.edit)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.update_results)
        self.edit.textEdited.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self.take_current)
        self.results.itemActivated.connect(lambda _i: self.take_current())
        self.results.itemClicked.connect(lambda _i: self.take_current())
        self.set_gazetteer(gazetteer)

    def set_gazetteer(self, gazetteer: GazetteerLike | None) -> None:
        self.gazetteer = gazetteer
        if gazetteer is None:
            self.edit.setPlaceholderText(self.tr("Address (no region loaded)"))
        else:
            self.edit.setPlaceholderText(self.tr("Desa, kecamatan, landmark… (a few letters)"))

    def stop(self) -> None:
        """Shutdown: a search waiting for more letters is dropped."""
        self._timer.stop()

    def update_results(self) -> None:
        """In-memory search (a few ms even at national size): safe to run here."""
        self._timer.stop()
        self.results.clear()
        text = self.edit.text().strip()
        if self.gazetteer is None or len(text) < 2:
            self.results.hide()
            return
        for m in self.gazetteer.search(text, limit=8, kecamatan_code=self.kecamatan_code):
            choice = choice_from_match(m)
            where = (
                f" — {choice.kecamatan_name}" if choice.kecamatan_name and choice.level != "kecamatan" else ""
            )
            item = QListWidgetItem(f"{choice.name}{where}  ({labels.level(choice.level)})")
            item.setData(Qt.ItemDataRole.UserRole, choice)
            self.results.addItem(item)
        self.results.setVisible(self.results.count() > 0)
        if self.results.count():
            self.results.setCurrentRow(0)

    def take_current(self) -> None:
        if self._timer.isActive():
            self.update_results()
        item = self.results.currentItem() or (self.results.item(0) if self.results.count() else None)
        if item is None:
            return
        choice: PlaceChoice = item.data(Qt.ItemDataRole.UserRole)
        self.edit.setText(choice.name)
        self.results.clear()
        self.results.hide()
        self.chosen.emit(choice)
