"""The statistics panel: any date range, computed off the GUI thread, latest request wins.

The desk's task runner calls `StatsService.compute` with plain numbers and returns the plain
`Stats` (key "stats": a request made while one runs replaces the older waiting one, and a result
that is not the latest is dropped). Applying a result only fills small
models and two plots. pyqtgraph is imported here, inside the widget, when the panel is built.

Readable docked at 1366x768: below ~420 px of height the two plots share one tab widget beside the
tables; "Full size" opens a second panel over the same service in a maximised window. Outcomes are
drawn in the Okabe-Ito palette (`OUTCOME_COLORS`, distinguishable also with colour-blind vision:
tests/ui/test_stats_panel.py measures it), named in a legend row and as swatches in the outcome
table. Numbers follow the locale (Indonesian: 1.234 and 7,8 %).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.timeutil import WITA, local
from ..services.stats import OUTCOMES, Percentiles, Stats, StatsService, day_bounds
from . import labels
from .tasks import TaskRunner

# The Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"): eight colours told apart also
# with protanopia, deuteranopia and tritanopia. Prank (orange) and abandoned (reddish purple) differ in
# hue and lightness; emergency is vermillion, calls in progress black.
OUTCOME_COLORS = {
    "emergency": "#D55E00",  # vermillion
    "information": "#0072B2",  # blue
    "prank": "#E69F00",  # orange
    "ghost": "#56B4E9",  # sky blue
    "wrong_number": "#009E73",  # bluish green
    "test": "#F0E442",  # yellow
    "abandoned": "#CC79A7",  # reddish purple
    "open": "#000000",  # black
}
ALL_CALLS_COLOR = "#0072B2"
COMPACT_HEIGHT = 420  # below this the panel is docked: plots share a tab widget


class NumberFormat:
    """Counts and percentages in the panel's locale: Indonesian 1.234 and 7,8 %."""

    def __init__(self, locale: QLocale | None = None) -> None:
        self.locale = locale or QLocale()

    def count(self, n: int) -> str:
        return self.locale.toString(int(n))

    def percent(self, x: float) -> str:
        return self.locale.toString(float(x), "f", 1) + "\u00a0%"


class RowsModel(QAbstractTableModel):
    """A read-only table of a few rows of plain values (statistics are small after aggregation)."""

    def __init__(
        self, headers: list[str], parent: QObject | None = None, numbers: NumberFormat | None = None
    ) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[Any]] = []
        self.colors: list[str | None] = []  # a swatch before the first cell (the outcome's colour)
        self.numbers = numbers or NumberFormat()

    def set_colors(self, colors: list[str | None]) -> None:
        self.colors = colors
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def set_rows(self, rows: list[list[Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, bool) or value is None:
                return "" if value is None else str(value)
            if isinstance(value, int):
                return self.numbers.count(value)
            return str(value)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 and index.row() < len(self.colors):
            color = self.colors[index.row()]
            return QColor(color) if color else None
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _secs(p: Percentiles) -> str:
    def one(s: int | None) -> str:
        return "–" if s is None else f"{s // 60}:{s % 60:02d}"

    return f"{one(p.median_s)} / {one(p.p90_s)}"


class StatsPanel(QWidget):
    """Calls, incidents, referrals and times of a date range (days in the region's zone)."""

    resultApplied = Signal(object)  # the Stats shown now

    def __init__(
        self,
        stats: StatsService,
        now_ms: Callable[[], int],
        runner: TaskRunner | None = None,
        zone: ZoneInfo = WITA,
        parent: QWidget | None = None,
        numbers: NumberFormat | None = None,
        full_size: bool = False,
    ) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # lazily: only a desk that opens the panel pays for it

        self.setObjectName("statsPanelFull" if full_size else "statsPanel")
        self.stats, self.now_ms, self.zone = stats, now_ms, zone
        self.numbers = numbers or NumberFormat()
        self.full_window: QDialog | None = None
        self.compact: bool | None = None
        self._own_runner = runner is None
        self.runner = runner or TaskRunner(max_threads=1, parent=self)
        self._latest = 0
        self.current: Stats | None = None
        today = local(now_ms(), zone).date()
        self.date_from = QDateEdit(QDate(*(today - timedelta(days=6)).timetuple()[:3]), self)
        self.date_to = QDateEdit(QDate(*today.timetuple()[:3]), self)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd-MM-yyyy")
        refresh = QPushButton(self.tr("Show"), self)
        refresh.clicked.connect(self.request_from_widgets)
        self.status = QLabel(self)
        self.status.setObjectName("statsStatus")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("From"), self))
        top.addWidget(self.date_from)
        top.addWidget(QLabel(self.tr("to"), self))
        top.addWidget(self.date_to)
        for text, days in ((self.tr("Today"), 0), (self.tr("7 days"), 6), (self.tr("30 days"), 29)):
            b = QPushButton(text, self)
            b.clicked.connect(lambda _=False, d=days: self._quick(d))
            top.addWidget(b)
        top.addWidget(refresh)
        top.addStretch(1)
        top.addWidget(self.status)
        self.full_btn = QPushButton(self.tr("Full size"), self)
        self.full_btn.setObjectName("statsFullSize")
        self.full_btn.setToolTip(self.tr("Open the statistics in a maximised window"))
        self.full_btn.clicked.connect(self.open_full)
        self.full_btn.setVisible(not full_size)
        top.addWidget(self.full_btn)
        self.summary = QLabel(self)
        self.summary.setObjectName("statsSummary")
        self.summary.setWordWrap(True)
        self.legend = QLabel(self)
        self.legend.setObjectName("statsLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setText(self.legend_html())
        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.hour_plot = pg.PlotWidget(self)
        self.day_plot = pg.PlotWidget(self)
        self.hour_title, self.day_title = self.tr("Calls by hour of day (WITA)"), self.tr("Calls per day")
        self.day_plot.addLegend(offset=(40, 2), colCount=2, brush=(255, 255, 255, 210))
        for plot in (self.hour_plot, self.day_plot):
            plot.setMinimumHeight(40)  # docked at 1366x768 the panel has ~180 px in all
            plot.setMouseEnabled(x=False, y=False)
        self._pg = pg
        self.tables: dict[str, RowsModel] = {
            "outcomes": RowsModel([self.tr("Outcome"), self.tr("Calls"), "%"], self, self.numbers),
            "categories": RowsModel([self.tr("Category"), self.tr("Incidents")], self, self.numbers),
            "kecamatan": RowsModel([self.tr("Kecamatan"), self.tr("Incidents")], self, self.numbers),
            "agencies": RowsModel(
                [
                    self.tr("Agency"),
                    self.tr("Referrals"),
                    self.tr("Ack (med / p90)"),
                    self.tr("On scene (med / p90)"),
                    self.tr("Feedback (med / p90)"),
                    self.tr("Escalated"),
                ],
                self,
            ),
            "operators": RowsModel(
                [
                    self.tr("Operator"),
                    self.tr("Calls"),
                    self.tr("Answer (med / p90)"),
                    self.tr("Handling (med / p90)"),
                ],
                self,
            ),
        }
        tabs = QTabWidget(self)
        titles = {
            "outcomes": self.tr("Calls"),
            "categories": self.tr("Categories"),
            "kecamatan": self.tr("Kecamatan"),
            "agencies": self.tr("Agencies"),
            "operators": self.tr("Operators"),
        }
        row_height = self.fontMetrics().height() + 6
        for key, model in self.tables.items():
            view = QTableView(self)
            view.setModel(model)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.verticalHeader().hide()
            view.verticalHeader().setDefaultSectionSize(row_height)
            view.setMinimumHeight(2 * row_height)
            tabs.addTab(view, titles[key])
        self.table_tabs = tabs
        # The plots: side by side with the tables; docked (short) they share a tab widget.
        self.plot_tabs = QTabWidget(self)
        self.plot_tabs.setObjectName("statsPlotTabs")
        self.plot_column = QWidget(self)
        column = QVBoxLayout(self.plot_column)
        column.setContentsMargins(0, 0, 0, 0)
        self._column = column
        self.hour_label = QLabel(self.hour_title, self.plot_column)
        self.day_label = QLabel(self.day_title, self.plot_column)
        for label in (self.hour_label, self.day_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QHBoxLayout()
        body.addWidget(self.plot_tabs, 3)
        body.addWidget(self.plot_column, 3)
        body.addWidget(tabs, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(3)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.legend)
        lay.addLayout(body, 1)
        self._arrange(compact=not full_size)

    # -- layout -----------------------------------------------------------------------------------------
    def _arrange(self, compact: bool) -> None:
        """Docked (short): the plots as two tabs; tall: one above the other, each with its title."""
        if compact == self.compact:
            return
        self.compact = compact
        column = self._column
        if compact:
            for w in (self.hour_label, self.hour_plot, self.day_label, self.day_plot):
                column.removeWidget(w)
            self.hour_label.hide()
            self.day_label.hide()
            self.plot_tabs.addTab(self.hour_plot, self.hour_title)
            self.plot_tabs.addTab(self.day_plot, self.day_title)
            self.plot_column.hide()
            self.plot_tabs.show()
        else:
            self.plot_tabs.clear()  # removes the pages, keeps the widgets
            for w in (self.hour_label, self.hour_plot, self.day_label, self.day_plot):
                w.setParent(self.plot_column)
                column.addWidget(w)
                w.show()
            column.setStretchFactor(self.hour_plot, 1)
            column.setStretchFactor(self.day_plot, 1)
            self.plot_tabs.hide()
            self.plot_column.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(compact=event.size().height() < COMPACT_HEIGHT)

    def open_full(self) -> QDialog:
        """The statistics in a maximised window of their own (same range), e.g. for a supervisor."""
        if self.full_window is not None:
            self.full_window.showMaximized()
            self.full_window.raise_()
            return self.full_window
        window = QDialog(self.window())
        window.setObjectName("statsFullWindow")
        window.setWindowTitle(self.tr("Statistics"))
        window.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        panel = StatsPanel(
            self.stats, self.now_ms, self.runner, self.zone, window, self.numbers, full_size=True
        )
        layout = QVBoxLayout(window)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(panel)
        window.resize(1366, 768)
        self.full_window = window
        window.finished.connect(lambda _r: setattr(self, "full_window", None))
        window.finished.connect(window.deleteLater)
        window.showMaximized()
        if self.current is not None:
            panel.apply(self.current)
        else:
            panel.request_from_widgets()
        a, b = self.date_from.date(), self.date_to.date()
        panel.date_from.setDate(a)
        panel.date_to.setDate(b)
        return window

    def legend_html(self) -> str:
        """Which colour is which outcome (the hour plot and the outcome table use the same colours)."""
        items = [
            f'<span style="color:{OUTCOME_COLORS[o]}; font-size:14px">&#9632;</span>&nbsp;{self.outcome_label(o)}'
            for o in OUTCOMES
        ]
        return "&nbsp;&nbsp; ".join(items)

    # -- requests -------------------------------------------------------------------------------------
    def _quick(self, days: int) -> None:
        today = local(self.now_ms(), self.zone).date()
        self.request(today - timedelta(days=days), today)

    def request_from_widgets(self) -> int:
        a, b = self.date_from.date(), self.date_to.date()
        return self.request(date(a.year(), a.month(), a.day()), date(b.year(), b.month(), b.day()))

    def request(self, first: date, last: date) -> int:
        """Compute the statistics of days first..last on the pool; returns the request id."""
        if last < first:
            first, last = last, first
        self.date_from.setDate(QDate(first.year, first.month, first.day))
        self.date_to.setDate(QDate(last.year, last.month, last.day))
        self._latest += 1
        span = day_bounds(first, last, self.zone)
        compute = self.stats.compute
        self.runner.run(lambda: compute(*span), self.apply, self._failed, key=f"stats-{id(self)}")
        self.status.setText(self.tr("Computing…"))
        return self._latest

    def wait_idle(self, msecs: int = 30_000) -> bool:
        return self.runner.wait(msecs)

    def stop(self) -> None:
        """Shutdown: close the full-size window, wait for a computation in progress (own runner only)."""
        if self.full_window is not None:
            self.full_window.close()
            self.full_window = None
        if self._own_runner:
            self.runner.shutdown()

    def _failed(self, result: BaseException) -> None:
        from .errors import report  # the traceback to the desk log, a translated label on the screen

        report(result, lambda text: self.status.setText(self.tr("Statistics failed: %1").replace("%1", text)))

    # -- display --------------------------------------------------------------------------------------
    def outcome_label(self, code: str) -> str:
        return {
            "emergency": self.tr("Emergency"),
            "information": self.tr("Information"),
            "prank": self.tr("Prank"),
            "ghost": self.tr("Ghost (silent)"),
            "wrong_number": self.tr("Wrong number"),
            "test": self.tr("Test"),
            "abandoned": self.tr("Abandoned"),
            "open": self.tr("In progress"),
        }.get(code, code)

    def category_label(self, code: str) -> str:
        return {
            "fire": self.tr("Fire"),
            "medical": self.tr("Medical"),
            "traffic_accident": self.tr("Traffic accident"),
            "crime_security": self.tr("Crime / security"),
            "domestic_violence": self.tr("Domestic violence"),
            "disaster_flood": self.tr("Flood"),
            "disaster_landslide": self.tr("Landslide"),
            "disaster_fallen_tree": self.tr("Fallen tree"),
            "animal_snake": self.tr("Snake"),
            "animal_bees": self.tr("Bees"),
            "utility_pln": self.tr("Electricity (PLN)"),
            "utility_pdam": self.tr("Water (PDAM)"),
            "utility_street_light": self.tr("Street light"),
            "missing_person": self.tr("Missing person"),
            "other": self.tr("Other"),
        }.get(code) or labels.category(code)  # a category added later: its name from the labels

    def apply(self, st: Stats) -> None:
        """Show a computed result (GUI thread; only small data)."""
        self.current = st
        total = st.calls_total or 1
        self.summary.setText(
            self.tr("%1 calls, %2 incidents, %3 referrals. Answer %4, handling %5 (median / p90, min:s).")
            .replace("%1", self.numbers.count(st.calls_total))
            .replace("%2", self.numbers.count(st.incidents_total))
            .replace("%3", self.numbers.count(sum(a.referrals for a in st.agencies)))
            .replace("%4", _secs(st.answer))
            .replace("%5", _secs(st.handling))
        )
        self.tables["outcomes"].set_rows(
            [
                [self.outcome_label(o), n, self.numbers.percent(100 * n / total)]  # 7,8 % in Indonesian
                for o, n in st.outcomes.items()
            ]
        )
        self.tables["outcomes"].set_colors([OUTCOME_COLORS.get(o) for o in st.outcomes])
        self.tables["categories"].set_rows(
            [[self.category_label(c), n] for c, n in st.incidents_by_category.items()]
        )
        self.tables["kecamatan"].set_rows(
            [[nm or code or "?", n] for code, nm, n in st.incidents_by_kecamatan]
        )
        self.tables["agencies"].set_rows(
            [
                [a.name, a.referrals, _secs(a.ack), _secs(a.arrive), _secs(a.feedback_time), a.escalated]
                for a in st.agencies
            ]
        )
        self.tables["operators"].set_rows(
            [[o.operator, o.calls, _secs(o.answer), _secs(o.handling)] for o in st.operators]
        )
        self._plot(st)
        self.status.setText(self.tr("Updated"))
        self.resultApplied.emit(st)

    def _plot(self, st: Stats) -> None:
        pg = self._pg
        self.hour_plot.clear()
        base = [0] * 24
        for o in OUTCOMES:
            heights = [h.get(o, 0) for h in st.by_hour]
            if not any(heights):
                continue
            item = pg.BarGraphItem(
                x=list(range(24)),
                height=heights,
                y0=list(base),
                width=0.8,
                brush=OUTCOME_COLORS[o],
                name=self.outcome_label(o),
            )
            self.hour_plot.addItem(item)
            base = [b + h for b, h in zip(base, heights, strict=True)]
        self.hour_plot.setXRange(-0.6, 23.6, padding=0)
        self.hour_plot.setYRange(0, max(max(base), 1) * 1.05, padding=0)  # the legend is the row above
        self.day_plot.clear()
        xs = list(range(len(st.by_day)))
        totals = [sum(c.values()) for _, c in st.by_day]
        emerg = [c.get("emergency", 0) for _, c in st.by_day]
        self.day_plot.plot(
            xs,
            totals,
            pen=pg.mkPen(ALL_CALLS_COLOR, width=2),
            symbol="o",
            symbolSize=5,
            name=self.tr("All calls"),
        )
        self.day_plot.plot(
            xs,
            emerg,
            pen=pg.mkPen(OUTCOME_COLORS["emergency"], width=2, style=Qt.PenStyle.DashLine),
            symbol="t",
            symbolSize=6,
            symbolBrush=OUTCOME_COLORS["emergency"],
            name=self.tr("Emergency"),
        )
        self.day_plot.setYRange(0, max(max(totals, default=0), 1) * 1.3, padding=0)
        ticks = [(i, d[8:10] + "/" + d[5:7]) for i, (d, _) in enumerate(st.by_day)]
        step = max(1, len(ticks) // 10)
        self.day_plot.getAxis("bottom").setTicks([ticks[::step]])
