"""The statistics panel: computed on the pool, latest request wins, figures equal the service's."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from operator_desk.services.demo import generate_demo
from operator_desk.services.places import places_from_region
from operator_desk.services.stats import Stats, StatsService
from operator_desk.store.store import Store
from operator_desk.ui.stats_panel import StatsPanel


def fill(store: Store, clock, banjar_dir) -> None:  # type: ignore[no-untyped-def]
    clock.ms = int(datetime(2026, 11, 28, 6, 0, tzinfo=UTC).timestamp() * 1000)
    generate_demo(store, calls=400, days=7, seed=5, end_ms=clock.ms, places=places_from_region(banjar_dir))


class GatedStats(StatsService):
    """The real service, but the first computation waits until the test opens the gate."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.gate = threading.Event()
        self.spans: list[tuple[int, int]] = []

    def compute(self, from_ms: int, to_ms: int) -> Stats:
        self.spans.append((from_ms, to_ms))
        if len(self.spans) == 1:
            self.gate.wait(10)
        return super().compute(from_ms, to_ms)


def test_panel_shows_the_figures_of_the_range(qtbot, store: Store, clock, banjar_dir) -> None:  # type: ignore[no-untyped-def]
    fill(store, clock, banjar_dir)
    panel = StatsPanel(StatsService(store), now_ms=clock)
    qtbot.addWidget(panel)
    assert panel.objectName() == "statsPanel"
    with qtbot.waitSignal(panel.resultApplied, timeout=10_000) as got:
        panel.request(date(2026, 11, 21), date(2026, 11, 28))
    st = got.args[0]
    assert st.calls_total == 400 == store.query("SELECT count(*) FROM calls")[0][0]
    assert panel.tables["outcomes"].rowCount() == len(st.outcomes)
    assert panel.tables["operators"].rowCount() == len(st.operators) > 0
    assert panel.tables["kecamatan"].rowCount() == len(st.incidents_by_kecamatan) > 1
    assert "400" in panel.summary.text() and panel.status.text() == "Updated"
    panel.wait_idle()


def test_latest_request_wins(qtbot, store: Store, clock, banjar_dir) -> None:  # type: ignore[no-untyped-def]
    fill(store, clock, banjar_dir)
    stats = GatedStats(store)
    panel = StatsPanel(stats, now_ms=clock)
    qtbot.addWidget(panel)
    applied: list[Stats] = []
    panel.resultApplied.connect(applied.append)
    panel.request(date(2026, 11, 21), date(2026, 11, 28))  # blocks on the gate
    qtbot.waitUntil(lambda: len(stats.spans) == 1)
    panel.request(date(2026, 11, 22), date(2026, 11, 22))  # queued, then replaced
    last = panel.request(date(2026, 11, 27), date(2026, 11, 27))
    assert panel.status.text() == "Computing…"
    stats.gate.set()
    qtbot.waitUntil(lambda: len(applied) == 1, timeout=10_000)
    assert panel.wait_idle()
    qtbot.wait(50)  # let any stale result arrive: it must be dropped
    assert len(applied) == 1 and len(stats.spans) == 2  # the queued middle request never ran
    assert [d for d, _ in applied[0].by_day] == ["2026-11-27"]
    assert last == panel._latest


# -- colours that every reader tells apart ----------------------------------------------------------------
# Colour-vision deficiency simulation: Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _linear(hex_colour: str) -> tuple[float, ...]:
    def one(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return tuple(one(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5))


def _lab(rgb: tuple[float, ...]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _distances(vision: str | None) -> dict[tuple[str, str], float]:
    import itertools
    import math

    from operator_desk.ui.stats_panel import OUTCOME_COLORS

    labs = {}
    for outcome, colour in OUTCOME_COLORS.items():
        rgb = _linear(colour)
        if vision is not None:
            m = CVD[vision]
            rgb = tuple(max(0.0, min(1.0, sum(m[i][j] * rgb[j] for j in range(3)))) for i in range(3))
        labs[outcome] = _lab(rgb)
    return {(a, b): math.dist(labs[a], labs[b]) for a, b in itertools.combinations(OUTCOME_COLORS, 2)}


def test_every_outcome_has_a_colour_of_its_own_for_every_reader() -> None:
    from operator_desk.services.stats import OUTCOMES
    from operator_desk.ui.stats_panel import OUTCOME_COLORS

    assert set(OUTCOME_COLORS) == set(OUTCOMES)
    normal = _distances(None)
    assert min(normal.values()) >= 25, min(normal.items(), key=lambda kv: kv[1])  # CIE76 ΔE
    for vision in CVD:
        d = _distances(vision)
        worst = min(d.items(), key=lambda kv: kv[1])
        assert worst[1] >= 15, (vision, worst)
    # The pair the review could not tell apart: far apart for everybody.
    assert min(_distances(v)[("prank", "abandoned")] for v in (None, *CVD)) >= 17


def test_the_old_palette_would_fail_the_check() -> None:
    """The check can fail: the former prank/abandoned oranges were 12 ΔE apart."""
    import math

    old_prank, old_abandoned = _lab(_linear("#e67e22")), _lab(_linear("#d35400"))
    assert math.dist(old_prank, old_abandoned) < 25


def test_numbers_in_indonesian_and_a_legend_and_swatches(qtbot, store: Store, clock, banjar_dir) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QLocale, Qt
    from PySide6.QtGui import QColor

    from operator_desk.ui.stats_panel import OUTCOME_COLORS, NumberFormat

    fmt = NumberFormat(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    assert (fmt.count(1234), fmt.percent(7.84)) == ("1.234", "7,8\u00a0%")
    assert (
        NumberFormat(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)).percent(7.84)
        == "7.8\u00a0%"
    )
    fill(store, clock, banjar_dir)
    panel = StatsPanel(StatsService(store), now_ms=clock, numbers=fmt)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.resultApplied, timeout=10_000) as got:
        panel.request(date(2026, 11, 21), date(2026, 11, 28))
    st = got.args[0]
    model = panel.tables["outcomes"]
    rows = {model.data(model.index(i, 0)): i for i in range(model.rowCount())}
    prank = rows["Prank"]
    share = 100 * st.outcomes["prank"] / st.calls_total
    assert model.data(model.index(prank, 2)) == fmt.percent(share) and "," in model.data(
        model.index(prank, 2)
    )
    assert model.data(model.index(prank, 0), Qt.ItemDataRole.DecorationRole) == QColor(
        OUTCOME_COLORS["prank"]
    )
    legend = panel.legend.text()
    for outcome, colour in OUTCOME_COLORS.items():
        assert colour in legend and panel.outcome_label(outcome) in legend  # which colour is which
    panel.wait_idle()


def test_docked_it_is_compact_and_opens_full_size(qtbot, store: Store, clock, banjar_dir) -> None:  # type: ignore[no-untyped-def]
    fill(store, clock, banjar_dir)
    panel = StatsPanel(StatsService(store), now_ms=clock)
    qtbot.addWidget(panel, before_close_func=lambda p: p.stop())
    panel.resize(1366, 190)  # the bottom dock at 1366x768
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.compact and panel.plot_tabs.count() == 2  # the two plots share a tab widget
    assert panel.minimumSizeHint().height() <= 190
    with qtbot.waitSignal(panel.resultApplied, timeout=10_000):
        panel.request(date(2026, 11, 21), date(2026, 11, 28))
    window = panel.open_full()
    full = window.findChild(StatsPanel, "statsPanelFull")
    assert full is not None and full.current is panel.current  # the same figures at once
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: full.compact is False)
    assert full.hour_plot.height() > 150 and full.day_plot.isVisible() and full.hour_plot.isVisible()
    assert not full.full_btn.isVisible()
    panel.resize(1366, 700)  # undocked and tall: the plots one above the other
    qtbot.waitUntil(lambda: panel.compact is False)
    assert panel.plot_tabs.count() == 0 and panel.hour_plot.isVisible() and panel.day_plot.isVisible()
    panel.stop()
    assert panel.full_window is None
    panel.wait_idle()
