"""The statistics panel: any date range, computed off the GUI thread, latest request wins.

The desk's task runner calls `StatsService.compute` with plain numbers and returns the plain
`Stats` (key "stats": a request made while one runs replaces the older waiting one, and a result
that is not the latest is dropped). Applying a result only fills small
models and two plots. pyqtgraph is imported here, inside the widget, when the panel is built.
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
from PySide6.QtWidgets import (
    QDateEdit,
    QGridLayout,
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
from .tasks import TaskRunner

OUTCOME_COLORS = {
    "emergency": "#c0392b",
    "information": "#2980b9",
    "prank": "#e67e22",
    "ghost": "#7f8c8d",
    "wrong_number": "#8e44ad",
    "test": "#16a085",
    "abandoned": "#d35400",
    "open": "#bdc3c7",
}


class RowsModel(QAbstractTableModel):
    """A read-only table of a few rows of plain values (statistics are small after aggregation)."""

    def __init__(self, headers: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[Any]] = []

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
            return "" if value is None else str(value)
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
    ) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # lazily: only a desk that opens the panel pays for it

        self.setObjectName("statsPanel")
        self.stats, self.now_ms, self.zone = stats, now_ms, zone
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
        self.summary = QLabel(self)
        self.summary.setObjectName("statsSummary")
        self.summary.setWordWrap(True)
        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.hour_plot = pg.PlotWidget(self, title=self.tr("Calls by hour of day (WITA)"))
        self.day_plot = pg.PlotWidget(self, title=self.tr("Calls per day"))
        for plot in (self.hour_plot, self.day_plot):
            plot.addLegend(offset=(40, 2), colCount=4, brush=(255, 255, 255, 210))
        self._pg = pg
        self.tables: dict[str, RowsModel] = {
            "outcomes": RowsModel([self.tr("Outcome"), self.tr("Calls"), "%"], self),
            "categories": RowsModel([self.tr("Category"), self.tr("Incidents")], self),
            "kecamatan": RowsModel([self.tr("Kecamatan"), self.tr("Incidents")], self),
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
        for key, model in self.tables.items():
            view = QTableView(self)
            view.setModel(model)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.verticalHeader().hide()
            tabs.addTab(view, titles[key])
        grid = QGridLayout()
        grid.addWidget(self.hour_plot, 0, 0)
        grid.addWidget(self.day_plot, 1, 0)
        grid.addWidget(tabs, 0, 1, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addLayout(grid, 1)

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
        self.runner.run(lambda: compute(*span), self.apply, self._failed, key="stats")
        self.status.setText(self.tr("Computing…"))
        return self._latest

    def wait_idle(self, msecs: int = 30_000) -> bool:
        return self.runner.wait(msecs)

    def stop(self) -> None:
        """Shutdown: wait for a computation in progress (only the panel's own runner)."""
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
        }.get(code, code)

    def apply(self, st: Stats) -> None:
        """Show a computed result (GUI thread; only small data)."""
        self.current = st
        total = st.calls_total or 1
        self.summary.setText(
            self.tr("%1 calls, %2 incidents, %3 referrals. Answer %4, handling %5 (median / p90, min:s).")
            .replace("%1", str(st.calls_total))
            .replace("%2", str(st.incidents_total))
            .replace("%3", str(sum(a.referrals for a in st.agencies)))
            .replace("%4", _secs(st.answer))
            .replace("%5", _secs(st.handling))
        )
        self.tables["outcomes"].set_rows(
            [[self.outcome_label(o), n, QLocale().toString(100 * n / total, "f", 1)]  # 7,8 in Indonesian
             for o, n in st.outcomes.items()]
        )
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
        self.hour_plot.setYRange(0, max(max(base), 1) * 1.3, padding=0)  # headroom for the legend
        self.day_plot.clear()
        xs = list(range(len(st.by_day)))
        totals = [sum(c.values()) for _, c in st.by_day]
        emerg = [c.get("emergency", 0) for _, c in st.by_day]
        self.day_plot.plot(
            xs, totals, pen=pg.mkPen("#2980b9", width=2), symbol="o", symbolSize=5, name=self.tr("All calls")
        )
        self.day_plot.plot(xs, emerg, pen=pg.mkPen("#c0392b", width=2), name=self.tr("Emergency"))
        self.day_plot.setYRange(0, max(max(totals, default=0), 1) * 1.3, padding=0)
        ticks = [(i, d[8:10] + "/" + d[5:7]) for i, (d, _) in enumerate(st.by_day)]
        step = max(1, len(ticks) // 10)
        self.day_plot.getAxis("bottom").setTicks([ticks[::step]])
