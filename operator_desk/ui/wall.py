"""The wall display (issue 14): `operator-desk wall --data-dir D [--screenshot FILE.png] [--lang id|en]`.

Full screen, readable from 5 m at 1920×1080 (key figures at least FIGURE_PX = 64 px high): the calls
ringing in the center now and the longest wait, today's calls, the share answered within 10 / 15 / 20 s,
abandoned and prank + ghost shares, open incidents by priority, overdue referrals; the map of the open
incidents by priority (the desk's MapPanel, read-only); every desk with its operator, state and time in
state; the clock in the region's zone (WITA for Banjar). A red line when the last hour's 15-second service
level is below 90 %; "the hub cannot be reached" while it cannot (the watcher and the sync back off and
resume by themselves). No keyboard, no mouse: nothing on it takes input.

The desks come from the hub's floor (FloorWatcher thread → a signal); the figures and the map's incidents
from the wall's own store (pulled from the center, wall.py) on the task runner, read again when the store
changed (checked every second) and every REFRESH_MS anyway (the day turns, referrals become overdue).
Memory stays flat for days: the desk table reuses its items, nothing keeps history.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .floor_board import _duration, _pct
from .tasks import TaskRunner

if TYPE_CHECKING:
    from ..services.floor_figures import FloorFigures
    from ..wall import WallCore

FIGURE_PX = 64  # the figures' digits: readable from 5 m on a 1920×1080 wall
TITLE_PX = 24
DESK_PX = 26
TICK_MS = 1_000
REFRESH_MS = 30_000
STATE_COLOURS = {
    "ready": "#1b5e20", "ringing": "#e65100", "on_call": "#0d47a1", "wrap_up": "#4a148c",
    "break": "#5d4037", "locked": "#37474f", "logged_out": "#424242", "offline": "#212121",
}  # fmt: skip
PRIORITY_COLOURS = {"P1": "#d32f2f", "P2": "#f57c00", "P3": "#fbc02d", "P4": "#388e3c"}
BACKGROUND = "#0b1a2b"


class _Relay(QObject):
    floor = Signal(object)


class WallWindow(QWidget):
    """The wall. `show_floor(snapshot | None)`, `show_figures(figures)`, `show_incidents(rows)` feed it."""

    def __init__(self, region: Any = None, zone: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallWindow")
        self.setWindowTitle(self.tr("112 — the floor"))
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet(f"#wallWindow {{ background:{BACKGROUND}; }} QLabel {{ color:#eceff1; }}")
        self.setAutoFillBackground(True)
        self.zone = zone
        self.states = {
            "ready": self.tr("Ready"), "ringing": self.tr("Ringing"), "on_call": self.tr("On a call"),
            "wrap_up": self.tr("Wrap-up"), "break": self.tr("Break"), "locked": self.tr("Locked"),
            "logged_out": self.tr("Nobody logged in"), "offline": self.tr("Offline"),
        }  # fmt: skip
        self.snapshot: dict[str, Any] | None = None
        self.received_at = 0.0
        self.reachable: bool | None = None
        self.painted_states: list[str] = []

        root = QVBoxLayout(self)
        root.setContentsMargins(16, 10, 16, 10)
        root.setSpacing(8)
        head = QHBoxLayout()
        self.title = QLabel(self.tr("112 call center — the floor"), self)
        self.title.setObjectName("wallTitle")
        self.title.setStyleSheet(f"font-size:{TITLE_PX + 8}px; font-weight:bold;")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the wall
        self.title.setWordWrap(True)
        self.hub = QLabel(self)
        self.hub.setObjectName("wallHub")
        self.hub.setStyleSheet(f"font-size:{TITLE_PX + 4}px; font-weight:bold; color:#ff8a80;")
        self.clock = QLabel(self)
        self.clock.setObjectName("wallClock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clock.setStyleSheet(f"font-size:{FIGURE_PX - 16}px; font-weight:bold;")
        head.addWidget(self.title, 3)
        head.addWidget(self.hub)
        head.addStretch(1)
        head.addWidget(self.clock)
        root.addLayout(head)
        self.alert = QLabel(self)
        self.alert.setObjectName("wallAlert")
        self.alert.setStyleSheet(f"background:#b00020; color:white; font-size:{TITLE_PX + 4}px; "
                                 "font-weight:bold; padding:6px;")
        self.alert.hide()
        root.addWidget(self.alert)

        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        rows = (
            (("ringing", self.tr("Ringing now")), ("longest", self.tr("Longest wait")),
             ("calls", self.tr("Calls today")), ("sl10", self.tr("Answered ≤ 10 s")),
             ("sl15", self.tr("Answered ≤ 15 s")), ("sl20", self.tr("Answered ≤ 20 s")),
             ("abandoned", self.tr("Abandoned"))),
            (("prank", self.tr("Prank + ghost")), ("open_P1", self.tr("Open P1")), ("open_P2", self.tr("Open P2")),
             ("open_P3", self.tr("Open P3")), ("open_P4", self.tr("Open P4")),
             ("overdue", self.tr("Overdue referrals"))),
        )  # fmt: skip
        for r, row in enumerate(rows):
            for c, (key, title) in enumerate(row):
                grid.addWidget(self._tile(key, title), r, c)
        root.addLayout(grid)

        body = QHBoxLayout()
        body.setSpacing(12)
        self.map_panel: Any = None
        if region is not None:
            from .map import MapPanel

            self.map_panel = MapPanel(region, self)
            self.map_panel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.map_panel.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
            self.map_panel.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            body.addWidget(self.map_panel, 3)
        else:
            note = QLabel(self.tr("No region pack: no map"), self)
            note.setObjectName("wallNoMap")
            note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            note.setStyleSheet(f"font-size:{TITLE_PX}px;")
            body.addWidget(note, 3)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("wallDesks")
        self.table.setHorizontalHeaderLabels([self.tr("Desk"), self.tr("Operator"), self.tr("State"), self.tr("Since")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setShowGrid(False)
        font = QFont(self.table.font())
        font.setPixelSize(DESK_PX)
        self.table.setFont(font)
        self.table.setStyleSheet("QTableWidget { background:#102338; color:#eceff1; border:none; } "
                                 f"QHeaderView::section {{ background:#1c3550; color:#b0bec5; font-size:{TITLE_PX}px; "
                                 "border:none; padding:4px; }")
        body.addWidget(self.table, 2)
        root.addLayout(body, 1)

        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self._tick)
        self.tick.start()
        self._tick()

    def _tile(self, key: str, title: str) -> QFrame:
        frame = QFrame(self)
        frame.setObjectName(f"wallTile_{key}")
        colour = PRIORITY_COLOURS.get(key.removeprefix("open_"), "#1c3550")
        frame.setStyleSheet(f"#wallTile_{key} {{ background:{colour if key.startswith('open_') else '#1c3550'}; "
                            "border-radius:6px; }")
        box = QVBoxLayout(frame)
        box.setContentsMargins(10, 4, 10, 4)
        box.setSpacing(0)
        t = QLabel(title, frame)
        t.setStyleSheet(f"font-size:{TITLE_PX}px; color:#cfd8dc;" + (" color:#111;" if key == "open_P3" else ""))
        t.setWordWrap(True)  # a long title (Bahasa Indonesia) wraps instead of widening the wall past 1920 px
        t.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        v = QLabel("–", frame)
        v.setObjectName(f"wallFigure_{key}")
        v.setStyleSheet(f"font-size:{FIGURE_PX}px; font-weight:bold;" + (" color:#111;" if key == "open_P3" else ""))
        v.setMinimumHeight(FIGURE_PX)
        v.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        box.addWidget(t)
        box.addWidget(v)
        self.figures[key] = v
        return frame

    def stop(self) -> None:
        self.tick.stop()

    # -- the clock ------------------------------------------------------------------------------------
    def _tick(self) -> None:
        now = datetime.now(self.zone) if self.zone is not None else datetime.now().astimezone()
        day = QLocale().toString(QDate(now.year, now.month, now.day), "dddd, d MMMM yyyy")
        text = f"{day}   {now:%H:%M:%S} {now.tzname() or ''}".rstrip()
        if self.clock.text() != text:
            self.clock.setText(text)
        self._repaint_desks()

    # -- the hub's floor --------------------------------------------------------------------------------
    def show_floor(self, snapshot: dict[str, Any] | None) -> None:
        if snapshot is None:
            if self.reachable is not False:
                self.reachable = False
                self.hub.setText(self.tr("The hub cannot be reached"))
            return
        if self.reachable is not True:
            self.reachable = True
            self.hub.setText("")
        self.snapshot = snapshot
        self.received_at = time.time()
        self._repaint_desks()

    def _now_ms(self) -> int:
        snap = self.snapshot or {}
        return int(snap.get("now_ms", 0)) + int((time.time() - self.received_at) * 1000)

    def _repaint_desks(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        now = self._now_ms()
        desks = snap.get("desks") or []
        if self.table.rowCount() != len(desks):
            self.table.setRowCount(len(desks))
            self._fit_rows()
            del self.painted_states[len(desks):]
        waits: list[int] = []
        for r, d in enumerate(desks):
            state = str(d.get("state") or "offline")
            if state != "offline":
                waits += [now - int(x) for x in d.get("ringing_since_ms") or []]
            cells = (
                str(d.get("site_name") or "?"),
                str(d.get("operator") or "–"),
                self.states.get(state, self.tr("Unknown")),
                _duration(now - int(d.get("since_ms") or now)),
            )
            for c, text in enumerate(cells):
                item = self.table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(r, c, item)
                if item.text() != text:
                    item.setText(text)
            if r >= len(self.painted_states):
                self.painted_states.append("")
            if self.painted_states[r] != state:
                self.painted_states[r] = state
                colour = QColor(STATE_COLOURS.get(state, "#212121"))
                for c in range(4):
                    item = self.table.item(r, c)
                    if item is not None:
                        item.setBackground(colour if c == 2 else QColor("#102338"))
        self._set("ringing", str(len(waits)))
        self._set("longest", _duration(max(waits)) if waits else "–")

    def _fit_rows(self) -> None:
        """Every desk on the screen, however many: the rows share the table's height."""
        n = max(1, self.table.rowCount())
        avail = max(200, self.table.viewport().height())
        self.table.verticalHeader().setDefaultSectionSize(max(22, min(56, avail // n)))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    def _set(self, key: str, text: str) -> None:
        label = self.figures[key]
        if label.text() != text:
            label.setText(text)

    # -- the store's figures and incidents --------------------------------------------------------------
    def show_figures(self, f: FloorFigures) -> None:
        t = f.today
        self._set("calls", str(t.offered))
        self._set("sl10", _pct(t.pct("within_10s")))
        self._set("sl15", _pct(t.pct("within_15s")))
        self._set("sl20", _pct(t.pct("within_20s")))
        self._set("abandoned", _pct(t.pct("abandoned")))
        self._set("prank", _pct(f.share(f.prank_ghost)))
        for p in ("P1", "P2", "P3", "P4"):
            self._set(f"open_{p}", str(f.open_by_priority.get(p, 0)))
        self._set("overdue", str(f.overdue_referrals))
        if f.alert:
            self.alert.setText(self.tr("Service level: only {pct} of the last hour's calls answered within 15 s "
                                       "(target 90 %)").format(pct=_pct(f.last_hour.pct("within_15s"))))
            self.alert.show()
        else:
            self.alert.hide()

    def show_incidents(self, rows: list[dict[str, Any]]) -> None:
        if self.map_panel is not None:
            self.map_panel.set_incidents(rows)


class WallBinding(QObject):
    """Feeds a WallWindow from a WallCore: the floor by a signal, the store's reads on the task runner."""

    def __init__(self, wall: WallCore, window: WallWindow, runner: TaskRunner | None = None) -> None:
        super().__init__(window)
        self.wall = wall
        self.window = window
        self.runner = runner or TaskRunner(parent=self)
        self.relay = _Relay(self)
        self.relay.floor.connect(window.show_floor)
        wall.on_floor = self.relay.floor.emit
        self.figures_done = 0  # for the screenshot and the tests
        self.incidents_done = 0
        self._last_full = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._poll)
        self.timer.start()
        self._poll()

    def _poll(self) -> None:
        full = time.monotonic() - self._last_full >= REFRESH_MS / 1000
        if self.wall.take_dirty() or full:
            self.refresh()

    def refresh(self) -> None:
        self._last_full = time.monotonic()
        self.runner.run(self.wall.figures, self._figures, key="wall-figures")
        self.runner.run(self.wall.open_incidents, self._incidents, key="wall-incidents")

    def _figures(self, f: FloorFigures) -> None:
        self.window.show_figures(f)
        self.figures_done += 1

    def _incidents(self, rows: list[dict[str, Any]]) -> None:
        self.window.show_incidents(rows)
        self.incidents_done += 1

    def stop(self) -> None:
        self.timer.stop()
        self.window.stop()
        self.wall.on_floor = lambda _snap: None
        self.runner.shutdown(5_000)


def open_wall(data_dir: Path | str, region: Path | str | None = None) -> tuple[WallCore, WallWindow, WallBinding]:
    """The wall's core, window and binding (a QApplication must exist). ValueError when D is no wall."""
    from ..wall import WallCore

    wall = WallCore(data_dir, region)
    try:
        window = WallWindow(wall.core.region.region, wall.zone)
        binding = WallBinding(wall, window)
    except BaseException:
        wall.close()
        raise
    return wall, window, binding


def run_wall(args: argparse.Namespace) -> int:
    """`operator-desk wall`: full screen until the process is stopped; with --screenshot, one PNG."""
    from ..app import setup_logging
    from ..paths import data_dir, store_path
    from .translate import install_translator

    data = data_dir(args.data_dir)
    shot = getattr(args, "screenshot", None)
    if not store_path(data).exists():
        print(f"operator-desk wall: no joined store in {data} (run `operator-desk join` with a wall credential)",
              file=sys.stderr)
        return 2
    setup_logging(data)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    install_translator(app, getattr(args, "lang", None))
    wall, window, binding = open_wall(data, getattr(args, "region", None))
    try:
        if shot:
            return _screenshot(app, wall, window, binding, Path(shot))
        window.showFullScreen()
        return int(app.exec())
    finally:
        binding.stop()
        wall.close()


def _screenshot(app: QApplication, wall: WallCore, window: WallWindow, binding: WallBinding, out: Path) -> int:
    """1920×1080 once the first pull, the floor and the figures are in (at most ~10 s)."""
    window.resize(1920, 1080)
    window.show()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (wall.status.last_success_ms is None or window.reachable is None):
        app.processEvents()
        time.sleep(0.02)
    binding.refresh()
    target = binding.figures_done + 1, binding.incidents_done + 1
    while time.monotonic() < deadline + 5 and (binding.figures_done < target[0] or binding.incidents_done < target[1]):
        app.processEvents()
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()
    if not window.grab().save(str(out)):
        print(f"operator-desk wall: cannot write screenshot {out}", file=sys.stderr)
        return 2
    print(str(out))
    return 0
