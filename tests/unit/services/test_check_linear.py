"""`check` stays linear: every query that joins field clocks to the outbox seeks an index by all four
keys (never a scan per row), `--quick` skips the full walks and says which, progress is reported."""

from __future__ import annotations

from pathlib import Path

from operator_desk.services.calls import CallService
from operator_desk.services.check import QUICK_SKIPS, check_store
from operator_desk.store.store import Store

FIELD_JOIN = (
    "SELECT f.pk, o.value FROM field_clock f LEFT JOIN outbox o ON o.hlc = f.hlc AND o.tbl = f.tbl "
    "AND o.pk = f.pk AND o.col = f.col WHERE f.tbl = 'calls' ORDER BY f.pk"
)
ORPHANS = (
    "SELECT count(*) FROM field_clock f WHERE f.site_id='x' AND f.vhash IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM outbox o WHERE o.hlc=f.hlc AND o.tbl=f.tbl AND o.pk=f.pk AND o.col=f.col)"
)


def _store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "desk.sqlite")
    svc = CallService(store)
    for i in range(30):
        cid = svc.ring(f"0812{i:08d}")
        svc.close(cid, "ghost", notes=f"n{i}")
    store.drain()
    return store


def test_the_outbox_is_sought_by_its_four_keys_with_and_without_statistics(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        conn = store.reader()
        for analysed in (False, True):
            if analysed:
                store.raw_write(lambda c: c.execute("ANALYZE"))
            for sql in (FIELD_JOIN, ORPHANS):
                plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
                assert "SCAN o" not in plan, plan
                assert (
                    "outbox_field (tbl=? AND pk=? AND col=? AND hlc=?)" in plan
                    or "outbox_hlc (hlc=?)" in plan
                ), plan
    finally:
        store.close()


def test_quick_skips_the_walks_and_says_so_full_reports_progress(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.close()
    lines: list[str] = []
    full = check_store(store.path, progress=lines.append)
    assert full["ok"], full["problems"]
    assert {"fields", "audit chain", "outbox coverage"} <= {
        line.split(": ")[1].split(" (")[0] for line in lines
    }
    quick = check_store(store.path, quick=True)
    assert quick["ok"] and quick["checks"]["skipped"] == list(QUICK_SKIPS)
    assert "fields" not in quick["checks"] and "fields" in full["checks"]


def test_quick_still_sees_an_outbox_row_of_a_missing_record(tmp_path: Path) -> None:
    store = _store(tmp_path)
    cid = store.query("SELECT id FROM calls LIMIT 1")[0][0]
    store.raw_write(lambda c: c.execute("UPDATE outbox SET pk='gone' WHERE pk=? AND tbl='calls'", (cid,)))
    store.close()
    quick = check_store(store.path, quick=True)
    assert not quick["ok"] and any("calls gone does not exist" in p for p in quick["problems"])
