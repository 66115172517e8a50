"""Retention (issue 11): a real hub process with its daily job run every second, two desks joined to
it. A 90-day-old prank call is pseudonymised on the hub and on both desks and its number is found
nowhere (the decrypted pages of every store file and its WAL, the outbox, the hub log, the FTS index);
the repeat-prank flag still counts it; a recent and an emergency call are untouched; an incident older
than 5 years is redacted; a replayed old change does not bring a value back; `check` passes after.
Plus unit tests of the rule (domain/retention.py) and of the desk's apply (sync/apply.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hubproc import Hub, auth, change

from operator_desk import paths
from operator_desk.domain import retention as r
from operator_desk.services.calls import CallService
from operator_desk.store import keys
from operator_desk.store.store import Store
from operator_desk.sync import apply as ap

DESK = [sys.executable, "-m", "operator_desk.cli"]

DAY = 24 * 3600 * 1000
NOW = int(time.time() * 1000)
OLD = "+6281111222333"  # only 90+ days old prank calls: pseudonymised everywhere
OLD_DIGITS = (b"81111222333", b"1111222333", b"0811-1122-2333")
RECENT = "+6281444555666"  # a prank call of yesterday: untouched
EMERGENCY = "+6281777888999"  # an emergency call 100 days ago (its incident is recent): untouched
INCIDENT_CALLER = "+6281222000111"  # the caller of an incident 6 years old: redacted
NAME = "Sulastri Wibisono"
NARRATIVE = "Rumah panggung terbakar di belakang pasar Martapura"
NOTE = "Pelapor menyebut tetangganya Pak Darmawan"


# -- reading what a file really holds ------------------------------------------------------------------
PAGE, RESERVE = 4096, 80  # SQLCipher 4: 4096-byte pages, IV (16) + HMAC (64) at the end of each


def plain_bytes(db: Path) -> bytes:
    """Every page of a store file and its WAL, decrypted (free pages too), or the raw bytes of a
    plaintext file: what someone with the disk and the key would read."""
    data = db.read_bytes()
    wal = Path(str(db) + "-wal")
    wal_bytes = wal.read_bytes() if wal.exists() else b""
    if data.startswith(b"SQLite format 3\x00"):
        return data + wal_bytes
    key = keys.read_key(keys.key_file_for(db))
    assert key is not None, f"no key for {db}"

    def page(buf: bytes, first: bool) -> bytes:
        iv = buf[PAGE - RESERVE : PAGE - RESERVE + 16]
        d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        return d.update(buf[16 if first else 0 : PAGE - RESERVE]) + d.finalize()

    out = [page(data[i : i + PAGE], i == 0) for i in range(0, len(data) - PAGE + 1, PAGE)]
    assert b"SQLite format 3" in out[0] or out[0][:1] is not None
    off = 32
    while off + 24 + PAGE <= len(wal_bytes):
        number = int.from_bytes(wal_bytes[off : off + 4], "big")
        out.append(page(wal_bytes[off + 24 : off + 24 + PAGE], number == 1))
        off += 24 + PAGE
    return b"".join(out)


def holds(blob: bytes, digits: tuple[bytes, ...]) -> list[bytes]:
    return [d for d in digits if d in blob]


# -- the processes -----------------------------------------------------------------------------------
def desk(*args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DESK, *args], capture_output=True, text=True, timeout=120, input=stdin, check=check)


def sync_once(data: Path) -> dict[str, Any]:
    out = desk("sync", "--data-dir", str(data), "--once")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


tokens: dict[str, str] = {}


def join(hub: Hub, data: Path, name: str) -> None:
    tokens[name] = str(hub.enroll(name)["token"])
    desk("join", "--data-dir", str(data), "--server", hub.url, "--token", tokens[name])


@pytest.fixture
def center(tmp_path: Path) -> Iterator[tuple[Hub, Path, Path]]:
    hub = Hub(tmp_path, "--retention-every", "1").start()
    a, b = paths.data_dir(tmp_path / "deskA"), paths.data_dir(tmp_path / "deskB")
    join(hub, a, "desk A")
    join(hub, b, "desk B")
    yield hub, a, b
    hub.stop()


def call(tx: Any, number: str, outcome: str, days: float, **extra: Any) -> str:
    start = NOW - int(days * DAY)
    return tx.insert_record(
        "calls",
        {"site_id": tx.site_id, "caller_number": number, "caller_raw": "0" + number[3:], "source": "manual",
         "started_at": start, "ended_at": start + 20_000, "outcome": outcome, "operator": None, **extra},
    )


def seed(store: Store) -> dict[str, str]:
    """What desk A took: old prank calls, a recent one, an old emergency, an incident of 6 years ago."""

    def fn(tx: Any) -> dict[str, str]:
        ids = {
            "old1": call(tx, OLD, "prank", 100, notes="iseng lagi dari 0811-1122-2333"),
            "old2": call(tx, OLD, "prank", 95, device_location={"lat": -3.41, "lon": 114.85}),
            "recent": call(tx, RECENT, "prank", 1, notes="anak-anak"),
        }
        ids["card"] = tx.insert_record("callers", {"number": OLD, "name": "Budi Iseng", "flag": "prank"})
        inc_new = tx.insert_record("incidents", {"number": "BJR-1", "status": "new", "category": "fire",
                                                  "created_at": NOW - 99 * DAY, "caller_number": EMERGENCY,
                                                  "narrative": "Kebakaran gudang"})
        ids["emergency"] = call(tx, EMERGENCY, "emergency", 100, incident_id=inc_new, notes="gudang")
        old_inc = tx.insert_record("incidents", {"number": "BJR-0", "status": "closed", "category": "fire",
                                                  "created_at": NOW - 6 * 365 * DAY, "caller_name": NAME,
                                                  "caller_number": INCIDENT_CALLER, "narrative": NARRATIVE,
                                                  "disposition": "padam"})
        ids["old_incident"] = old_inc
        ids["incident_call"] = call(tx, INCIDENT_CALLER, "emergency", 6 * 365, incident_id=old_inc)
        ids["note"] = tx.append("incident_notes", {"incident_id": old_inc, "at": NOW - 6 * 365 * DAY,
                                                   "operator": None, "text": NOTE})
        return ids

    return store.write(fn)


def wait_for(predicate: Any, timeout: float = 30.0, what: str = "", hub: Hub | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}: {hub.output()[-3000:] if hub else ''}")


def test_retention_redacts_everywhere_and_nothing_comes_back(center: tuple[Hub, Path, Path]) -> None:
    hub, a, b = center
    store = Store(paths.store_path(a))
    ids = seed(store)
    store.close()
    assert sync_once(a)["pushed"] > 0
    # the hub's job (every second here) redacts what it now holds; both desks pull the redactions
    wait_for(lambda: sync_once(b) is not None and _redactions(b) >= 6, what="the hub's redactions", hub=hub)
    sync_once(a)
    for data in (a, b):
        out = json.loads(desk("retention", "run", "--data-dir", str(data)).stdout)
        assert out["policy"]["pseudonym_key"] == "set"  # the center's key, from the hub

    pseudonym = None
    for data in (a, b):
        s = Store(paths.store_path(data))
        try:
            rows = {r["id"]: dict(r) for r in s.query("SELECT * FROM calls")}
            pseudonym = rows[ids["old1"]]["caller_number"]
            assert r.is_pseudonym(pseudonym)
            assert rows[ids["old2"]]["caller_number"] == rows[ids["old2"]]["caller_raw"] == pseudonym
            assert rows[ids["old1"]]["notes"] is None and rows[ids["old2"]]["device_location"] is None
            # the other side of the rule: a recent prank call and an emergency call are untouched
            assert rows[ids["recent"]]["caller_number"] == RECENT and rows[ids["recent"]]["notes"] == "anak-anak"
            assert rows[ids["emergency"]]["caller_number"] == EMERGENCY and rows[ids["emergency"]]["notes"] == "gudang"
            # the incident of 6 years ago, its call and its note
            inc = dict(s.query("SELECT * FROM incidents WHERE id=?", (ids["old_incident"],))[0])
            assert inc["caller_name"] is None and inc["narrative"] is None and inc["disposition"] is None
            assert r.is_pseudonym(inc["caller_number"]) and inc["category"] == "fire"  # the statistics stay
            assert r.is_pseudonym(rows[ids["incident_call"]]["caller_number"])
            assert s.query("SELECT text FROM incident_notes WHERE id=?", (ids["note"],))[0][0] is None
            card = dict(s.query("SELECT * FROM callers WHERE id=?", (ids["card"],))[0])
            assert card["number"] == pseudonym and card["name"] is None and card["flag"] == "prank"
            # FTS: the trigram index finds neither the number nor the note any more
            for text in ("1111222333", "iseng", "terbakar"):
                assert s.query("SELECT count(*) FROM calls_fts WHERE calls_fts MATCH ?", (f'"{text}"',))[0][0] == 0
                assert s.query("SELECT count(*) FROM incidents_fts WHERE incidents_fts MATCH ?", (f'"{text}"',))[0][0] == 0
            assert s.query("SELECT count(*) FROM calls_fts WHERE calls_fts MATCH ?", ('"1444555666"',))[0][0] == 1
            outbox = " ".join(str(x[0]) for x in s.query("SELECT value FROM outbox"))
            assert not any(d.decode() in outbox for d in OLD_DIGITS) and NARRATIVE not in outbox
            assert NOTE not in outbox and NAME not in outbox
        finally:
            s.close()
        blob = plain_bytes(paths.store_path(data))
        assert holds(blob, OLD_DIGITS) == [], f"{data.name}: the old number is still in the file"
        for text in (NAME, NARRATIVE, NOTE, "Budi Iseng", "iseng lagi"):
            assert text.encode() not in blob, f"{data.name}: {text!r} is still in the file"
        assert RECENT[3:].encode() in blob and EMERGENCY[3:].encode() in blob  # the search itself works
        assert desk("check", "--data-dir", str(data), check=False).returncode == 0, desk(
            "check", "--data-dir", str(data), check=False).stdout[-3000:]

    # a replayed old change (a restored backup pushing again) brings nothing back: desk A's own call,
    # with fresh site_seqs and its old clock, carrying the old number, notes and the incident's narrative
    replay = [
        change(90_001, ids["old1"], "caller_number", OLD, ms=NOW - 100 * DAY),
        change(90_002, ids["old1"], "notes", "iseng lagi dari 0811-1122-2333", ms=NOW - 100 * DAY),
        change(90_003, ids["old_incident"], "narrative", NARRATIVE, tbl="incidents", ms=NOW - 6 * 365 * DAY),
    ]
    for c in replay:
        c["operator"] = None
    r_ = httpx.post(f"{hub.url}/v1/push", json={"changes": replay}, headers=auth(tokens["desk A"]), timeout=10)
    assert r_.status_code == 200 and r_.json()["accepted"] == 3, r_.text
    sync_once(b)
    pulled = httpx.get(f"{hub.url}/v1/pull", params={"after": 0, "limit": 5000}, headers=auth(_token(hub)), timeout=10)
    hub_values = json.dumps(pulled.json()["changes"], ensure_ascii=False)
    assert not any(d.decode() in hub_values for d in OLD_DIGITS)
    assert NARRATIVE not in hub_values and NAME not in hub_values and NOTE not in hub_values
    assert RECENT in hub_values  # the other side: what is not due travels as it was
    sb = Store(paths.store_path(b))
    try:
        row = sb.query("SELECT notes, caller_number FROM calls WHERE id=?", (ids["old1"],))[0]
        assert row[0] is None and row[1] == pseudonym  # the redaction wins over the replayed writes
        assert sb.query("SELECT narrative FROM incidents WHERE id=?", (ids["old_incident"],))[0][0] is None
        # a pulled change carrying the old number, applied directly: it is applied redacted
        sb.raw_write(lambda conn: ap.apply_changes(conn, [{
            "server_seq": 10**9, "site_id": "replayer", "site_seq": 1, "hlc": f"{NOW + 1000:013d}-00001",
            "tbl": "calls", "pk": ids["old1"], "col": "caller_number", "value": OLD, "base_hlc": None,
            "operator": None}]))
        assert sb.query("SELECT caller_number FROM calls WHERE id=?", (ids["old1"],))[0][0] == pseudonym
        # the repeat-prank flag still counts the pseudonymised calls of the number
        hist = CallService(sb).history("0811-1122-2333")
        assert hist.prank_count == 2 and hist.total_calls == 2
    finally:
        sb.close()
    hub.stop()
    out = hub.cli("check", check=False)
    assert out.returncode == 0, out.stdout[-2000:]  # the hub accepts the covers its redactions rewrote
    blob = plain_bytes(hub.dir / "sync-server.sqlite")
    assert holds(blob, OLD_DIGITS) == [], "the hub's database still holds the old number"
    for text in (NAME, NARRATIVE, NOTE, "Budi Iseng"):
        assert text.encode() not in blob, f"hub: {text!r} is still in the file"
    assert "Traceback" not in hub.output()


def _redactions(data: Path) -> int:
    s = Store(paths.store_path(data))
    try:
        return int(s.query("SELECT count(*) FROM redactions")[0][0])
    finally:
        s.close()


def _token(hub: Hub) -> str:
    return str(hub.enroll(f"reader-{time.monotonic_ns()}")["token"])


# -- the rule (domain/retention.py), both sides of each limit --------------------------------------
KEY = "11" * 32


def test_plan_both_sides_of_each_limit() -> None:
    policy = r.Policy(pseudonym_key=KEY)
    calls = {
        "prank91": {"started_at": NOW - 91 * DAY, "outcome": "prank", "caller_number": OLD, "caller_raw": "0811",
                    "notes": "x"},
        "prank89": {"started_at": NOW - 89 * DAY, "outcome": "prank", "caller_number": RECENT},
        "sos": {"started_at": NOW - 400 * DAY, "outcome": "emergency", "caller_number": EMERGENCY,
                "incident_id": "inc4y"},
        "rec": {"started_at": NOW - 91 * DAY, "outcome": "emergency", "incident_id": "inc4y",
                "recording_path": "recordings/rec.flac", "caller_number": EMERGENCY},
    }
    incidents = {"inc5y": {"created_at": NOW - 5 * r.YEAR_MS - DAY, "caller_name": NAME, "narrative": "n"},
                 "inc4y": {"created_at": NOW - 4 * r.YEAR_MS, "caller_name": NAME, "narrative": "n"}}
    notes = {"n1": {"incident_id": "inc5y", "text": NOTE}, "n2": {"incident_id": "inc4y", "text": NOTE}}
    callers = {"k1": {"number": OLD, "name": "Budi"}, "k2": {"number": RECENT, "name": "Ani"}}
    planned = r.plan(policy, NOW, calls=calls, incidents=incidents, notes=notes, callers=callers, device_locations={})
    got = {(x.tbl, x.pk, x.reason): x.fields for x in planned}
    alias = r.pseudonym(KEY, OLD)
    assert got[("calls", "prank91", r.CALL_EXPIRED)] == {"caller_number": alias, "caller_raw": alias, "notes": None}
    assert got[("calls", "rec", r.RECORDING_EXPIRED)] == {"recording_path": None}
    assert got[("incidents", "inc5y", r.INCIDENT_EXPIRED)] == {"caller_name": None, "narrative": None}
    assert got[("incident_notes", "n1", r.INCIDENT_EXPIRED)] == {"text": None}
    assert got[("callers", "k1", r.CALLER_EXPIRED)] == {"number": alias, "name": None}
    assert set(got) == {("calls", "prank91", r.CALL_EXPIRED), ("calls", "rec", r.RECORDING_EXPIRED),
                        ("incidents", "inc5y", r.INCIDENT_EXPIRED), ("incident_notes", "n1", r.INCIDENT_EXPIRED),
                        ("callers", "k1", r.CALLER_EXPIRED)}  # prank89, the emergency, inc4y, n2, k2 stay
    assert r.plan(r.Policy(), NOW, calls=calls, incidents=incidents, notes=notes, callers=callers,
                  device_locations={}) == []  # no pseudonym without the center's key
    assert r.plan(r.Policy(calls_days=80, pseudonym_key=KEY), NOW, calls={"c": calls["prank89"]}, incidents={},
                  notes={}, callers={}, device_locations={})  # a shorter setting reaches it


def test_pseudonyms_and_redactions() -> None:
    alias = r.pseudonym(KEY, OLD)
    assert alias == r.pseudonym(KEY, OLD) and r.is_pseudonym(alias) and r.pseudonym(KEY, alias) == alias
    assert alias != r.pseudonym("22" * 32, OLD) and alias != r.pseudonym(KEY, RECENT)
    assert r.redaction_id("calls", "c1", r.CALL_EXPIRED) == r.redaction_id("calls", "c1", r.CALL_EXPIRED)
    assert r.redaction_id("calls", "c1", r.CALL_EXPIRED) != r.redaction_id("calls", "c1", r.RECORDING_EXPIRED)
    assert r.redaction_problem("calls", {"notes": None, "caller_number": alias}) is None
    assert "category" in str(r.redaction_problem("incidents", {"category": None}))
    assert "pseudonym" in str(r.redaction_problem("calls", {"notes": "something else"}))
    assert r.redaction_problem("accounts", {"name": None}) is not None
    assert r.policy_problem("calls_days", 0) and r.policy_problem("incidents_years", 101)
    assert r.policy_problem("recordings_days", 90) is None


def test_a_desk_applies_a_redaction_to_rows_that_arrive_later(tmp_path: Path) -> None:
    store = Store(tmp_path / "desk.sqlite")
    try:
        red = {"tbl": "incident_notes", "pk": "n1", "fields": {"text": None}, "reason": r.INCIDENT_EXPIRED,
               "at": NOW, "redacted_by": r.SYSTEM}

        def wire(seq: int, tbl: str, pk: str, value: Any) -> dict[str, Any]:
            return {"server_seq": seq, "site_id": "hub", "site_seq": seq, "hlc": f"{NOW:013d}-{seq:05d}",
                    "tbl": tbl, "pk": pk, "col": "*", "value": value, "base_hlc": None, "operator": None}

        bad = {**red, "fields": {"incident_id": None}}
        store.raw_write(lambda conn: ap.apply_changes(conn, [wire(1, "redactions", "r1", red),
                                                              wire(2, "redactions", "r2", bad)]))
        assert store.query("SELECT count(*) FROM quarantine")[0][0] == 1  # a redaction no rule makes
        store.raw_write(lambda conn: ap.apply_changes(conn, [wire(3, "incident_notes", "n1", {
            "incident_id": "i1", "at": NOW, "operator": None, "text": NOTE})]))
        row = store.query("SELECT incident_id, text FROM incident_notes WHERE id='n1'")[0]
        assert row[0] == "i1" and row[1] is None  # the note arrived after its redaction: applied redacted
        store.raw_write(lambda conn: ap.apply_changes(conn, [wire(4, "incident_notes", "n2", {
            "incident_id": "i1", "at": NOW, "operator": None, "text": NOTE})]))
        assert store.query("SELECT text FROM incident_notes WHERE id='n2'")[0][0] == NOTE  # another row: kept
    finally:
        store.close()


def test_the_desk_job_runs_on_its_own_thread_and_stops(tmp_path: Path) -> None:
    import threading

    from operator_desk.services.retention import RetentionJob, RetentionService

    store = Store(tmp_path / "desk.sqlite")
    try:
        store.write(lambda tx: call(tx, OLD, "ghost", 120))
        job = RetentionJob(RetentionService(store, tmp_path), poll_s=0.05, start_delay_s=0.0)
        job.start()
        try:
            wait_for(lambda: store.query("SELECT count(*) FROM redactions")[0][0] == 1, what="the desk's job")
        finally:
            job.stop()
        assert not any(t.name == "retention" for t in threading.enumerate())
        assert r.is_pseudonym(store.query("SELECT caller_number FROM calls")[0][0])
        audit = store.query("SELECT action, detail FROM audit WHERE action='redaction'")
        assert len(audit) == 1 and "call_expired" in audit[0][1]  # its own audited event
        assert store.query("SELECT updated_by FROM retention_policy")[0][0] == r.SYSTEM  # a lone desk's key
    finally:
        store.close()
