"""Map redraw benchmark: 10,000 incident markers over the Banjar region, 1280x800, QPainter into QImage.

Prints the median of 30 runs for
  full      - the whole frame: background, boundaries, rivers, POIs, labels, markers, overlays;
  markers   - the dynamic layer alone (what an incident update repaints over the cached base);
  floor     - pyqtgraph's ScatterPlotItem drawing the same 10,000 points the same way (QImage + QPainter,
              pixel mode, its fragment-atlas cache), measured in the same run;
and the ratios to the floor. Targets: full < 16 ms, markers <= 2x floor.

Run: .venv/bin/python bench/bench_map.py [--runs 30] [--points 10000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from operator_desk.geo import load_region  # noqa: E402
from operator_desk.ui.map.layers import RegionLayers  # noqa: E402
from operator_desk.ui.map.renderer import MapRenderer, region_fit_box  # noqa: E402
from operator_desk.ui.map.sprites import PRIORITY_COLOURS  # noqa: E402

W, H = 1280, 800
BANJAR = REPO.parent / "shared" / "regions" / "banjar"


def median_ms(fn: Callable[[], None], runs: int, warmup: int = 3) -> tuple[float, float]:
    """(wall, cpu) medians in ms; CPU time is the steadier figure on a busy shared machine."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def make_rows(n: int, bbox: tuple[float, float, float, float], seed: int = 7) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    minlon, minlat, maxlon, maxlat = bbox
    return [
        {
            "id": f"i{i}",
            "number": f"BJR-D1-20260101-{i:04d}",
            "category": "fire",
            "priority": rnd.choice(("P1", "P2", "P3", "P4")),
            "status": rnd.choice(("new", "referred", "on_scene", "resolved", "closed")),
            "lat": rnd.uniform(minlat, maxlat),
            "lon": rnd.uniform(minlon, maxlon),
        }
        for i in range(n)
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--points", type=int, default=10_000)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])

    region = load_region(BANJAR)
    renderer = MapRenderer(RegionLayers.build(region))
    vp = renderer.viewport
    vp.width, vp.height = W, H
    vp.fit(*region_fit_box(renderer.layers, region.bbox))
    rows = make_rows(args.points, region.bbox)
    renderer.incidents.set_rows(rows)
    image = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)

    def full() -> None:
        p = QPainter(image)
        renderer.render(p)
        p.end()

    base = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(base)
    renderer.render_static(p)
    p.end()

    def markers() -> None:
        p = QPainter(image)
        p.drawImage(0, 0, base)
        renderer.render_dynamic(p)
        p.end()

    # Floor: pyqtgraph's scatter of the same pixel positions, same symbol size, rendered into a QImage.
    import pyqtgraph as pg

    x, y = renderer.local_to_px(renderer.incidents.x, renderer.incidents.y)
    prio = [r["priority"] for r in renderer.incidents.rows]
    brushes = [pg.mkBrush(PRIORITY_COLOURS[str(pr)]) for pr in prio]
    scatter = pg.ScatterPlotItem(
        x=x,
        y=y,
        size=12,
        pen=pg.mkPen(QColor("#1e1e1e"), width=1.4),
        brush=brushes,
        pxMode=True,
        antialias=True,
    )
    view = pg.GraphicsView()
    view.resize(W, H)
    box = pg.ViewBox(enableMouse=False, defaultPadding=0.0)
    box.invertY(True)
    view.setCentralItem(box)
    box.addItem(scatter)
    box.setRange(xRange=(0, W), yRange=(0, H), padding=0)
    view.show()
    app.processEvents()
    scene = view.scene()

    def floor() -> None:
        p = QPainter(image)
        p.drawImage(0, 0, base)
        scene.render(p, QRectF(0, 0, W, H), view.mapToScene(view.viewport().rect()).boundingRect())
        p.end()

    def blank() -> None:
        p = QPainter(image)
        p.fillRect(0, 0, W, H, Qt.GlobalColor.white)
        p.end()

    figures = {
        "full": median_ms(full, args.runs),
        "markers": median_ms(markers, args.runs),
        "floor": median_ms(floor, args.runs),
        "base_blit": median_ms(lambda: _blit(image, base), args.runs),
        "blank": median_ms(blank, args.runs),
    }
    print(f"map redraw, {W}x{H}, {len(renderer.incidents)} markers, median of {args.runs} runs (wall / cpu)")
    for name, (wall, cpu) in figures.items():
        print(f"  {name:<10} {wall:7.2f} ms  {cpu:7.2f} ms")
    for i, kind in ((0, "wall"), (1, "cpu")):
        full_ms, markers_ms, floor_ms = figures["full"][i], figures["markers"][i], figures["floor"][i]
        print(
            f"  [{kind}] markers / floor (pyqtgraph ScatterPlotItem) = {markers_ms / floor_ms:.2f}x (target <= 2x);"
            f" full / floor = {full_ms / floor_ms:.2f}x; full < 16 ms: {full_ms < 16}"
        )
    del app
    return 0


def _blit(image: QImage, base: QImage) -> None:
    p = QPainter(image)
    p.drawImage(0, 0, base)
    p.end()


if __name__ == "__main__":
    raise SystemExit(main())
