"""Region packs for all 13 kabupaten/kota of Kalimantan Selatan, from the published files (issue 15).

Usage: .venv/bin/python bench/bench_region_build.py [--source DIR] [--pois FILE]

Prints, per kabupaten/kota, the time to build the pack (parse, clip the neighbours, validate, write) and to
load it as the desk does (validation, gazetteer, spatial index), and the total. The floor is reading and
parsing the same SQL files (regex + JSON + shapely polygons) once: what any builder must do at least.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from operator_desk.geo.gazetteer import Gazetteer
from operator_desk.geo.pack import load_region
from operator_desk.geo.reverse import ReverseGeocoder
from operator_desk.geo.wilayah import build_pack, read_rows

SHARED = Path(__file__).resolve().parents[2] / "shared" / "regions" / "source"
KALSEL = ["63.01", "63.02", "63.03", "63.04", "63.05", "63.06", "63.07", "63.08", "63.09", "63.10", "63.11",
          "63.71", "63.72"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default=str(SHARED / "wilayah_boundaries_63"))
    ap.add_argument("--pois", default=str(SHARED / "osm_health_63" / "kalsel_facilities_complete.geojson"))
    args = ap.parse_args()
    src = Path(args.source)
    t0 = time.perf_counter()
    for f in sorted(src.glob("wilayah_boundaries_*.sql")):
        sum(1 for _ in read_rows(f))
    floor = time.perf_counter() - t0
    total_build = total_load = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'code':7} {'name':34} {'kec':>4} {'desa':>5} {'build s':>8} {'load s':>7}")
        for code in KALSEL:
            t = time.perf_counter()
            pack = build_pack(src, code, Path(tmp) / code, pois=args.pois)
            b = time.perf_counter() - t
            t = time.perf_counter()
            region = load_region(pack)
            Gazetteer.from_region(region)
            ReverseGeocoder(region)
            ld = time.perf_counter() - t
            total_build += b
            total_load += ld
            print(f"{code:7} {region.name:34} {len(region.kecamatan):>4} {len(region.desa):>5} {b:8.2f} {ld:7.2f}")
    print(f"all 13: build {total_build:.1f} s, load {total_load:.1f} s; floor (parse every file once) "
          f"{floor:.1f} s; build = {total_build / floor:.1f}x the floor (each kab re-reads the province's "
          f"kab and kec files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
