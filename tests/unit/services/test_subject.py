"""The subject-access report finds every record of a number, in every table that can hold one, and
nothing of another number; looking at a caller's history is audited once per call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from operator_desk.services.accounts import Account, AccountService
from operator_desk.services.calls import CallService
from operator_desk.services.drafts import DraftService
from operator_desk.services.export import ExportRequest, authorize, run_export
from operator_desk.services.recordings import RecordingService
from operator_desk.services.subject import NumberMatcher, subject_report
from operator_desk.store.store import Store
from operator_desk.store.tx import Tx

N = "+6281234563373"  # the data subject
M = "+6281399998888"  # somebody else
LONGER = "+62812345633731"  # N with one more digit: another number
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def admin(store: Store, name: str = "Dewi", role: str = "admin") -> Account:
    return AccountService(store, trusted=True, hasher=FAST).add(name, role, "rahasia-112")


def plant(store: Store, tmp_path: Path, number: str, tag: str) -> dict[str, Any]:
    """One record of `number` in each table that can hold a number; their ids."""
    calls = CallService(store)
    call = calls.ring(number.replace("+62", "0"), device_location={"lat": -3.4, "lon": 114.8})
    linked = f"inc-call-{tag}"
    calls.answer(call)
    rec = tmp_path / f"{tag}.flac"
    rec.write_bytes(b"fLaC" + tag.encode())

    def fn(tx: Tx) -> dict[str, str]:
        ids = {"call": call, "incident_via_call": linked}
        ids["caller"] = tx.insert_record("callers", {"number": number, "name": f"Budi {tag}", "flag": "prank"})
        ids["incident"] = tx.insert_record(
            "incidents", {"number": f"BJR-{tag}-1", "status": "new", "caller_number": number,
                          "caller_name": f"Budi {tag}", "narrative": "rumah terbakar"})
        tx.insert_record("incidents", {"number": f"BJR-{tag}-2", "status": "new"}, pk=linked)
        ids["note"] = tx.append("incident_notes", {"incident_id": ids["incident"], "at": tx.now_ms(),
                                                   "operator": "Rina", "text": "keluarga sudah datang"})
        ids["location"] = tx.append("device_locations", {"number": number, "lat": -3.41, "lon": 114.85,
                                                         "radius_m": 30.0, "method": "GNSS", "source": "aml_sms",
                                                         "received_at": tx.now_ms(), "call_id": call})
        # the number written in free text elsewhere: another incident's note, a handover, a conflict
        other = tx.insert_record("incidents", {"number": f"BJR-{tag}-3", "status": "new"})
        ids["other_incident"] = other
        spaced = number.replace("+62", "0")
        spaced = f"{spaced[:4]} {spaced[4:8]} {spaced[8:]}"
        ids["mention_note"] = tx.append("incident_notes", {"incident_id": other, "at": tx.now_ms(),
                                                           "operator": "Rina", "text": f"telepon ulang {spaced}"})
        ids["handover"] = tx.append("shift_handovers", {"operator": "Rina", "started_at": tx.now_ms(),
                                                        "ended_at": tx.now_ms(), "notes": f"hubungi {number}",
                                                        "open_items": {}})
        ids["conflict"] = tx.insert_record("conflicts", {"tbl": "incidents", "pk": other, "col": "narrative",
                                                         "local_value": json.dumps(f"dari {number}"),
                                                         "remote_value": json.dumps("x")})
        tx.update_record("calls", call, {"incident_id": linked, "recording_path": str(rec),
                                         "recording_duration_s": 12.0, "recording_sha256": "ab" * 32})
        return ids

    ids = store.write(fn)
    store.raw_write(lambda conn: conn.execute(
        "INSERT INTO quarantine (at, digest, reason, change) VALUES (1, ?, 'test', ?)",
        (f"d-{tag}", json.dumps({"value": number})),
    ))
    DraftService(store).save(f"draft-{tag}", "incident", {"caller_number": number, "narrative": "x"})
    ids["draft"] = f"draft-{tag}"
    return ids


@pytest.fixture
def planted(store: Store, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    mine = plant(store, tmp_path, N, "N")
    theirs = plant(store, tmp_path, M, "M")
    store.write(lambda tx: tx.append("incident_notes", {"incident_id": theirs["incident"], "at": tx.now_ms(),
                                                        "operator": "Rina", "text": f"nomor {LONGER}"}))
    # who looked: the caller history shown, a replay, a masked export
    CallService(store).history(N)
    RecordingService(store, tmp_path).open_for_replay(mine["call"])
    run_export(store, ExportRequest("calls"), _Sink())
    store.drain()
    return mine, theirs


class _Sink:
    def write(self, text: str) -> int:
        return len(text)


def test_the_report_finds_every_record_of_the_number(store: Store, planted: Any) -> None:
    mine, _ = planted
    boss = admin(store)
    rep = subject_report(store, "0812-3456-3373", account=boss, reason="surat 12/2026", now_ms=store.now_ms())
    assert rep["subject"]["number"] == N
    assert [c["id"] for c in rep["calls"]] == [mine["call"]]
    assert rep["calls"][0]["device_location"] == {"lat": -3.4, "lon": 114.8}
    assert [c["id"] for c in rep["caller"]] == [mine["caller"]]
    assert {i["id"] for i in rep["incidents"]} == {mine["incident"], mine["incident_via_call"]}
    assert [n["id"] for n in rep["incident_notes"]] == [mine["note"]]
    assert [d["id"] for d in rep["device_locations"]] == [mine["location"]]
    assert [(r["call_id"], r["duration_s"]) for r in rep["recordings"]] == [(mine["call"], 12.0)]
    access = [(a["action"], a["operator"]) for a in rep["access"]]
    assert ("caller_history_view", "tester") in access and ("recording_replay", "tester") in access
    assert [e["detail"]["masked"] for e in rep["exports"]] == [True]
    where = {(m["table"], m["key"]) for m in rep["mentions"]}
    assert {("incident_notes", mine["mention_note"]), ("shift_handovers", mine["handover"]),
            ("conflicts", mine["conflict"]), ("drafts", mine["draft"])} <= where
    assert {t for t, _ in where} >= {"outbox", "quarantine"}  # the sync copies are held too
    outbox_about = {(m["tbl"], m["col"]) for m in rep["mentions"] if m["table"] == "outbox"}
    assert ("calls", "caller_number") in outbox_about and ("device_locations", "*") in outbox_about
    # every row of every table that holds the number is in the report, found independently
    assert _rows_holding(store, N) <= _reported(rep)
    # the report is audited, as the admin, with the reason
    row = store.query("SELECT operator, detail FROM audit WHERE action='subject_report'")[0]
    assert row["operator"] == "Dewi" and json.loads(row["detail"])["reason"] == "surat 12/2026"


def test_nothing_of_another_number(store: Store, planted: Any) -> None:
    mine, theirs = planted
    rep = subject_report(store, N, account=admin(store), reason="r", now_ms=store.now_ms())
    text = json.dumps(rep, ensure_ascii=False)
    for form in ("81399998888", "8888", "Budi M", LONGER[1:]):
        assert form not in text, form
    ids = {v for v in theirs.values() if isinstance(v, str)}
    assert not ids & _reported(rep)
    other = subject_report(store, M, account=admin(store, "Eko"), reason="r", now_ms=store.now_ms())
    assert [c["id"] for c in other["calls"]] == [theirs["call"]] and "3373" not in json.dumps(other["calls"])


def test_the_number_matches_in_every_written_form_and_only_whole() -> None:
    match = NumberMatcher(N)
    for text in (N, "6281234563373", "081234563373", "0812-3456-3373", "0812 3456 3373", "(0812) 3456.3373",
                 '{"number": "+6281234563373"}', "sip:081234563373@pbx", "81234563373"):
        assert match(text), text
    for text in (LONGER, "0812345633731", "1081234563373", "0812-3456-3374", "3373", None, 42):
        assert not match(text), text


def test_history_is_audited_once_per_call_and_not_for_a_new_number(store: Store) -> None:
    calls = CallService(store)
    first = calls.ring(N)
    calls.close(first, "prank")
    ringing = calls.ring(N)
    calls.history(N, exclude_call=ringing)
    calls.history(N, exclude_call=ringing)  # shown again when answered
    calls.history("+6285600001111", exclude_call="c-new")  # nothing on record: nothing shown
    store.drain()
    rows = store.query("SELECT pk, operator, detail FROM audit WHERE action='caller_history_view'")
    assert [(r["pk"], r["operator"]) for r in rows] == [(ringing, "tester")]
    assert json.loads(rows[0]["detail"]) == {"number": N, "calls": 1, "incidents": 0}


def test_an_operator_or_a_wrong_password_is_refused(store: Store) -> None:
    admin(store)
    AccountService(store, trusted=True, hasher=FAST).add("Rina", "operator", "operator-112")
    with pytest.raises(Exception) as bad:
        authorize(store, "Dewi", "wrong-password", "subject_report")
    assert getattr(bad.value, "code", None) == "bad_credentials"
    with pytest.raises(Exception) as denied:
        authorize(store, "Rina", "operator-112", "subject_report")
    assert getattr(denied.value, "code", None) == "admin_required"
    assert store.query("SELECT count(*) FROM audit WHERE action='subject_report_denied'")[0][0] == 1
    assert authorize(store, "Dewi", "rahasia-112", "subject_report").role == "admin"


def _rows_holding(store: Store, e164: str) -> set[str]:
    """Ids of the rows of every table with the number in a column, read without the service."""
    match = NumberMatcher(e164)
    found = set()
    for (table,) in store.query("SELECT name FROM sqlite_master WHERE type='table'"):
        if table.startswith(("sqlite_", "_sqlite")) or "_fts" in table or table == "audit":
            continue
        cols = [r["name"] for r in store.query(f"PRAGMA table_info({table})")]
        key = "id" if "id" in cols else "site_seq" if "site_seq" in cols else None
        if key is None:
            continue
        for row in store.query(f"SELECT * FROM {table}"):
            if table == "outbox" and row["tbl"] == "audit":
                continue  # the audit trail's copies that sync (the report's own audit row among them)
            if any(match(row[c]) for c in cols):
                found.add(str(row[key]))
    return found


def _reported(rep: dict[str, Any]) -> set[str]:
    ids = set()
    for items in rep.values():
        if isinstance(items, list):
            for item in items:
                ids |= {str(item[k]) for k in ("id", "key", "call_id") if item.get(k) is not None}
    return ids


def test_the_pdf_is_in_bahasa_indonesia_and_names_only_the_subject(store: Store, planted: Any) -> None:
    import base64
    import io
    import re
    import zlib

    from operator_desk.report.subject_pdf import build_subject_pdf

    rep = subject_report(store, N, account=admin(store), reason="surat 12/2026", now_ms=store.now_ms())
    buf = io.BytesIO()
    build_subject_pdf(rep, buf)
    words = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", buf.getvalue(), re.S):
        data = zlib.decompress(base64.a85decode(m.group(1).strip().removesuffix(b"~>")))
        words += [re.sub(r"\\([()\\])", r"\1", t.decode("latin-1"))
                  for t in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", data)]
    text = " ".join(" ".join(words).split())
    for phrase in ("Laporan data pribadi subjek data", "Nomor telepon", "0812-3456-3373", "Panggilan",
                   "Rekaman panggilan", "Akses: dilihat, diputar, diekspor", "Budi N", "recording_replay",
                   "Catatan pemrosesan (Pasal 31)", "surat 12/2026"):
        assert phrase in text, phrase
    assert "Budi M" not in text and "9999" not in text
