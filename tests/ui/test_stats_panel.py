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
