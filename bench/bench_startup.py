"""Start-up to a usable window, against a bare PySide6 window, each in fresh processes.

"Usable" = the main window is shown with the call log painted and the keys live (event loop ran once).
Run: .venv/bin/python bench/bench_startup.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGION = Path(__file__).resolve().parents[2] / "shared" / "regions" / "banjar"

FLOOR = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1440, 900); w.show(); app.processEvents()
"""

OURS = """
import sys, os, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from operator_desk.app import create_desk
desk = create_desk(sys.argv[1], region=sys.argv[2] if sys.argv[2] != '-' else None, call_source="simulator",
                   background=True)
desk.window.resize(1440, 900); desk.window.show(); app.processEvents()
if len(sys.argv) > 3:  # also wait for the region (gazetteer, map) to arrive from its worker
    while desk.gazetteer is None:
        app.processEvents(); time.sleep(0.002)
    app.processEvents()
os._exit(0)
"""


def wall(code: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    data = Path(tempfile.mkdtemp())
    from operator_desk.services.demo import generate_demo
    from operator_desk.services.places import places_from_region
    from operator_desk.store.store import Store

    s = Store(data / "desk.sqlite")
    generate_demo(s, calls=5000, days=30, places=places_from_region(REGION))
    s.close()
    wall(OURS, str(data), str(REGION))  # warm the OS caches for both
    wall(FLOOR)
    floor, ours, no_region, full = [], [], [], []
    for _ in range(runs):
        floor.append(wall(FLOOR))
        ours.append(wall(OURS, str(data), str(REGION)))
        no_region.append(wall(OURS, str(data), "-"))
        full.append(wall(OURS, str(data), str(REGION), "wait"))
    f, o, n, r = (statistics.median(x) * 1000 for x in (floor, ours, no_region, full))
    print(f"bare PySide6 window (floor): {f:.0f} ms median of {runs} processes")
    print(f"desk with 5,000 calls, no region: {n:.0f} ms ({n / f:.2f}x)")
    print(
        f"desk with the Banjar region fully loaded (gazetteer, map, spatial index): {r:.0f} ms ({r / f:.2f}x)"
    )
    ratio = o / f
    print(
        f"desk usable (window, call log, keys) with the region loading behind: {o:.0f} ms ({ratio:.2f}x, target <= 2x) "
        f"{'OK' if ratio <= 2 else 'OVER TARGET'}"
    )


if __name__ == "__main__":
    main()
