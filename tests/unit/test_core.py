"""build_core: a whole desk without Qt — services, session, region, sync — for the CLI and tests."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from operator_desk.core import RegionContext, build_core


def test_build_core_imports_no_qt_and_works(tmp_path: Path, banjar_dir: Path) -> None:
    """In a fresh interpreter: a ring, an answer and a close through the core, and Qt never loaded."""
    script = textwrap.dedent(
        """
        import json, sys
        from operator_desk.core import build_core
        core = build_core(sys.argv[1], region=sys.argv[2], call_source="manual", operator="Rina")
        core.session.ring("ext-1", "081234567890")  # as a call source reports it
        core.session.answer()
        core.session.close("prank")
        core.session.wait_written()
        row = core.store.query("SELECT outcome, operator, caller_number FROM calls")[0]
        print(json.dumps({"row": list(row), "prefix": core.region.prefix,
                          "zone": str(core.region.zone), "desa": core.region.locate(-3.4144, 114.8513),
                          "qt": sorted(m for m in sys.modules if m.startswith(("PySide6", "pyqtgraph")))}))
        core.close()
        """
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "d"), str(banjar_dir)],
                         capture_output=True, text=True, timeout=120, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["qt"] == []
    assert got["row"] == ["prank", "Rina", "+6281234567890"]
    assert got["prefix"] == "BJR" and got["zone"] == "Asia/Makassar"
    assert got["desa"][3] == "Martapura"


def test_region_arrives_later_and_parts_read_it(tmp_path: Path, banjar_dir: Path) -> None:
    core = build_core(tmp_path / "d", region=banjar_dir, load_region=False)
    try:
        assert not core.region.loaded and core.region.locate(-3.4144, 114.8513) is None
        assert core.incidents.prefix == "OD"  # no pack yet: the neutral prefix
        heard: list[str] = []
        core.region.subscribe(lambda c: heard.append(c.prefix))
        core.region.install(core.region.load())
        assert heard == ["BJR"]
        assert core.incidents.prefix == "BJR" and core.store.get_meta("region_prefix") == "BJR"
        late: list[str] = []
        core.region.subscribe(lambda c: late.append(c.prefix))  # subscribing after: told at once
        assert late == ["BJR"]
    finally:
        core.close()


def test_no_region_is_not_an_error(tmp_path: Path) -> None:
    ctx = RegionContext(None)
    assert ctx.load() is None
    ctx.install(None)
    assert not ctx.loaded and ctx.locate(0.0, 0.0) is None


def test_core_close_is_idempotent_and_stops_the_writer(tmp_path: Path) -> None:
    core = build_core(tmp_path / "d", call_source="manual")
    core.close()
    core.close()
    import pytest

    from operator_desk.store.database import StoreError

    with pytest.raises(StoreError):
        core.store.query("SELECT 1")


def test_a_failed_call_write_is_reported_not_lost_silently(tmp_path: Path) -> None:
    """The operator's keys never wait for a write; one that fails reaches the write_failed listeners."""
    core = build_core(tmp_path / "d", call_source="simulator", operator="Rina")
    try:
        failures: list[BaseException] = []
        core.session.write_failed.append(failures.append)
        core.session.answer()  # a manual call: ring + answer handed to the writer
        core.session.wait_written()
        assert failures == []
        pages = core.store.query("PRAGMA page_count")[0][0]
        core.store.raw_write(lambda conn: conn.execute(f"PRAGMA max_page_count = {pages}"))  # disk full
        filler = "x" * 30_000  # fits the column (32 KB), not the disk
        core.session.close("ghost", notes=filler)
        assert core.session.current is None  # the operator is free at once
        assert core.session.wait_written()
        assert len(failures) == 1 and "full" in str(failures[0])
        core.store.raw_write(lambda conn: conn.execute("PRAGMA max_page_count = 1073741823"))
    finally:
        core.close()




def test_kelurahan_and_desa_are_told_apart_by_their_code(banjar_dir: Path) -> None:
    import csv

    from operator_desk.domain.location import is_kelurahan

    with open(banjar_dir / "banjar_gazetteer.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] in ("desa", "kelurahan")]
    assert rows and all(is_kelurahan(r["code"]) == (r["level"] == "kelurahan") for r in rows)
    assert not is_kelurahan(None) and not is_kelurahan("63.03.02")
