"""A bad change pulled from the hub: set aside, the status bar says so, Sync problems lists it — in Indonesian."""

from __future__ import annotations

from typing import Any

from operator_desk.app import Desk
from operator_desk.services.sync_problems import SyncProblems
from operator_desk.sync import apply as ap
from operator_desk.sync.engine import SyncStatus
from operator_desk.ui.sync_problems_dialog import SyncProblemsDialog

MS = 1_795_000_000_000


def _change(seq: int, pk: str, col: str, value: Any) -> dict[str, Any]:
    return {"server_seq": seq, "site_id": "REMOTE-DESK-0001", "site_seq": seq, "hlc": f"{MS + seq:013d}-00000",
            "tbl": "calls", "pk": pk, "col": col, "value": value, "base_hlc": None, "operator": "op"}


def test_refused_change_is_listed_and_counted(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    page = [_change(1, "c1", "started_at", MS), _change(2, "c1", "notes", {"evil": 1}),
            _change(3, "c2", "started_at", "x")]
    applied = desk.store.raw_write(lambda conn: ap.apply_changes(conn, page, now_ms=MS))
    assert applied.quarantined == 2
    problems = SyncProblems(desk.store)
    assert problems.count() == 2
    rows = problems.latest()
    assert {(r.table, r.column) for r in rows} == {("calls", "notes"), ("calls", "started_at")}
    assert all(r.site_id == "REMOTE-DESK-0001" and r.reason for r in rows)
    dialog = SyncProblemsDialog(rows, desk.window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert {dialog.table.item(i, 2).text() for i in range(2)} == {"calls.notes", "calls.started_at"}
    desk.ui.status.set_sync(SyncStatus(online=True, quarantined=2))
    assert "2 changes refused" in desk.ui.status.sync.text()
    desk.ui.status.set_sync(SyncStatus(online=True, quarantined=0))
    assert "refused" not in desk.ui.status.sync.text()


def test_nothing_refused_says_so(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    dialog = SyncProblemsDialog(SyncProblems(desk.store).latest(), desk.window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
