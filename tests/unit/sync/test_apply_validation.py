"""A desk's apply validates every pulled change: what does not fit is quarantined, the rest applied,
and `check` lists both the quarantine and any stored value that does not fit its column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from operator_desk.services.check import check_store
from operator_desk.services.export import export_text
from operator_desk.store.store import Store
from operator_desk.sync import apply as ap
from operator_desk.sync.protocol import ChangeError, validate_change

MS = 1_795_000_000_000


def ch(seq: int, pk: str, col: str, value: Any, tbl: str = "calls", site: str = "REMOTE") -> dict[str, Any]:
    return {
        "server_seq": seq,
        "site_id": site,
        "site_seq": seq,
        "hlc": f"{MS + seq:013d}-00000",
        "tbl": tbl,
        "pk": pk,
        "col": col,
        "value": value,
        "base_hlc": None,
        "operator": "op",
    }


def apply(store: Store, changes: list[Any]) -> ap.Applied:
    return store.raw_write(lambda conn: ap.apply_changes(conn, changes, now_ms=MS))


def good_call(seq: int, pk: str) -> list[dict[str, Any]]:
    return [ch(seq, pk, "started_at", MS), ch(seq + 1, pk, "notes", "api di pasar")]


def test_bad_changes_are_quarantined_and_the_rest_of_the_page_applied(store: Store) -> None:
    page = [
        *good_call(1, "c1"),
        ch(3, "c2", "notes", {"evil": 1}),
        ch(4, "c2", "notes", [1, 2]),
        ch(5, "c2", "recording_duration_s", 2**64),
        ch(6, "c3", "started_at", "x"),
        ch(7, "c3", "outcome", "eaten"),
        ch(8, "c4", "secret", "x"),
        ch(9, "x1", "payload", "x", tbl="drafts"),
        ch(10, "n1", "*", {"incident_id": "i1", "text": {"x": 1}}, tbl="incident_notes"),
        ch(11, "n2", "*", {"incident_id": "i1", "at": MS, "text": "ok"}, tbl="incident_notes"),
        "not a change",
        *good_call(12, "c5"),
    ]
    applied = apply(store, page)
    assert applied.quarantined == 9
    assert applied.ids == {"calls": {"c1", "c5"}, "incident_notes": {"n2"}}
    rows = store.query("SELECT id, started_at, notes FROM calls ORDER BY id")
    assert [tuple(r) for r in rows] == [("c1", MS, "api di pasar"), ("c5", MS, "api di pasar")]
    q = store.query(
        "SELECT site_id, site_seq, server_seq, tbl, col, field, reason, change FROM quarantine ORDER BY id"
    )
    assert len(q) == 9
    assert (q[0]["site_id"], q[0]["site_seq"], q[0]["tbl"], q[0]["col"]) == ("REMOTE", 3, "calls", "notes")
    assert q[0]["reason"] == "change REMOTE/3: calls.notes: expected text, got an object"
    assert json.loads(q[0]["change"])["value"] == {"evil": 1}
    assert "calls.started_at: expected a time (epoch ms), got text" in q[3]["reason"]
    assert q[5]["field"] == "col" and "calls has no synced field 'secret'" in q[5]["reason"]
    assert "incident_notes.text" in q[7]["reason"]
    assert q[8]["site_id"] is None and "must be an object" in q[8]["reason"]
    assert ap.quarantined_count(store.reader()) == 9


def test_a_redelivered_bad_change_is_quarantined_once(store: Store) -> None:
    page = [ch(1, "c1", "notes", {"evil": 1}), *good_call(2, "c2")]
    assert apply(store, page).quarantined == 1
    again = apply(store, page)
    assert again.quarantined == 0 and not again  # nothing new: the good ones are already there
    assert ap.quarantined_count(store.reader()) == 1


def test_huge_and_unencodable_values_are_kept_cut_and_escaped(store: Store) -> None:
    page = [
        ch(1, "c1", "notes", "a" * (50 * 1024 * 1024)),
        ch(2, "c1", "notes", "\ud800 lone"),
        {**ch(3, "c1", "notes", "x"), "pk": "\udfff"},
        *good_call(4, "c2"),
    ]
    assert apply(store, page).quarantined == 3
    rows = store.query("SELECT truncated, length(change) AS n, reason FROM quarantine ORDER BY id")
    assert rows[0]["truncated"] == 1 and rows[0]["n"] == ap.MAX_QUARANTINE_TEXT
    assert "over the limit" in rows[0]["reason"]
    assert rows[1]["truncated"] == 0 and "lone surrogate" in rows[1]["reason"]
    assert store.query("SELECT notes FROM calls WHERE id='c2'")[0][0] == "api di pasar"


def test_check_lists_quarantined_changes(store: Store, tmp_path: Path) -> None:
    apply(store, [*good_call(1, "c1")])
    assert check_store(store.path)["ok"] is True
    apply(store, [ch(3, "c2", "started_at", "x")])
    report = check_store(store.path)
    assert report["ok"] is False
    assert report["checks"]["quarantine"]["count"] == 1
    assert report["checks"]["quarantine"]["changes"][0]["tbl"] == "calls"
    assert report["problems"] == [
        "quarantine: refused at apply: change REMOTE/3: calls.started_at: expected a time (epoch ms), got text"
    ]


def test_check_lists_stored_values_that_do_not_fit_and_export_survives(store: Store) -> None:
    apply(store, [*good_call(1, "c1"), *good_call(3, "c2")])
    assert check_store(store.path)["checks"]["values"] == {"bad": 0}
    # as an older desk version (or a hand edit) may have left them
    store.raw_write(lambda conn: conn.execute("UPDATE calls SET started_at='x', notes=NULL WHERE id='c1'"))
    store.raw_write(lambda conn: conn.execute("UPDATE calls SET outcome='eaten' WHERE id='c2'"))
    report = check_store(store.path)
    assert report["ok"] is False and report["checks"]["values"] == {"bad": 2}
    assert (
        "value: calls c1 started_at: expected a time (epoch ms), got text (stored 'x')" in report["problems"]
    )
    assert "value: calls c2 outcome: 'eaten' is not an allowed value (stored 'eaten')" in report["problems"]
    lines = [json.loads(x) for x in export_text(store, "calls").splitlines()]
    assert {r["id"]: r["started_at"] for r in lines} == {"c1": "x", "c2": "2026-11-18T11:06:40.000Z"}


def test_check_reports_a_store_that_drifted_from_the_declaration(store: Store) -> None:
    store.raw_write(lambda conn: conn.execute("ALTER TABLE incidents ADD COLUMN mallory TEXT"))
    report = check_store(store.path)
    assert "schema: incidents.mallory is in the store but not declared" in report["problems"]


def test_the_error_names_origin_table_column_and_problem() -> None:
    try:
        validate_change(ch(17, "c1", "notes", {"evil": 1}, site="D2"), need_origin=True)
    except ChangeError as exc:
        assert str(exc) == "change D2/17: calls.notes: expected text, got an object"
        assert (exc.site_id, exc.site_seq, exc.tbl, exc.col, exc.field) == (
            "D2",
            17,
            "calls",
            "notes",
            "value",
        )
    else:
        raise AssertionError("not refused")
    good = ch(1, "c1", "notes", "ok")
    assert validate_change(good, need_origin=True)["value"] == "ok"


def test_snapshot_changes_without_a_site_seq_are_applied_and_bad_ones_kept_apart(store: Store) -> None:
    """A snapshot is merged state: every change has site_seq 0 and server_seq 0."""
    snap = [{**c, "site_seq": 0, "server_seq": 0} for c in [*good_call(1, "c1"), *good_call(3, "c2")]]
    bad = [
        {**ch(0, "c3", "notes", {"evil": 1}), "server_seq": 0},
        {**ch(0, "c4", "notes", [1]), "server_seq": 0},
    ]
    applied = apply(store, [*snap, *bad])
    assert applied.ids == {"calls": {"c1", "c2"}} and applied.quarantined == 2
    assert ap.quarantined_count(store.reader()) == 2  # two different changes, though both are REMOTE/0


def test_incident_export_survives_a_location_that_is_not_an_object(store: Store) -> None:
    """(Text that is not JSON at all SQLite itself refuses here: indexes read the location.)"""
    loc = {"lat": -3.41, "lon": 114.85, "address": "Jl. A. Yani", "desa_code": "63.03.01.2001"}
    apply(
        store, [ch(1, "i1", "location", loc, tbl="incidents"), ch(2, "i2", "location", loc, tbl="incidents")]
    )
    store.raw_write(
        lambda conn: conn.execute(
            """UPDATE incidents SET location='"Martapura"', created_at='y' WHERE id='i1'"""
        )
    )
    rows = {r["id"]: r for r in (json.loads(x) for x in export_text(store, "incidents").splitlines())}
    assert (rows["i1"]["lat"], rows["i1"]["address"], rows["i1"]["created_at"]) == (None, None, "y")
    assert (rows["i2"]["lat"], rows["i2"]["address"], rows["i2"]["desa_code"]) == (
        -3.41,
        "Jl. A. Yani",
        "63.03.01.2001",
    )
    problems = check_store(store.path)["problems"]
    assert "value: incidents i1 location: expected an object, got text (stored '\"Martapura\"')" in problems
    assert "value: incidents i1 created_at: expected a time (epoch ms), got text (stored 'y')" in problems
