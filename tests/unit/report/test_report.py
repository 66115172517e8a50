"""The period report equals counts computed independently from `operator-desk export` output."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
import zlib
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from operator_desk.cli import main
from operator_desk.domain.location import Location
from operator_desk.domain.timeutil import WITA, iso_to_ms
from operator_desk.report.pdf import STRINGS, _Text, build_pdf
from operator_desk.report.report import build_report
from operator_desk.services.agencies import AgencyService
from operator_desk.services.calls import CallService
from operator_desk.services.demo import generate_demo
from operator_desk.services.incidents import IncidentService
from operator_desk.services.places import places_from_region
from operator_desk.services.referrals import ReferralService
from operator_desk.store.store import Store

MIN = 60_000


def utc_ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def run(capsys, *argv: str) -> str:  # type: ignore[no-untyped-def]
    assert main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def export(capsys, data: Path, what: str) -> list[dict]:  # type: ignore[no-untyped-def]
    out = run(capsys, "export", "--data-dir", str(data), "--what", what, "--format", "jsonl")
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def pct(values: list[int], p: float) -> int | None:
    if not values:
        return None
    s = sorted(values)
    return s[max(1, math.ceil(p * len(s))) - 1]


def wita_day(iso: str) -> str:
    return datetime.fromtimestamp(iso_to_ms(iso) / 1000, tz=WITA).date().isoformat()


def expected_from_export(every: list[dict], incidents: list[dict], first: str, last: str) -> dict:
    calls = [c for c in every if first <= wita_day(c["started_at"]) <= last]
    incidents = [i for i in incidents if first <= wita_day(i["created_at"]) <= last]
    by_day: dict = defaultdict(Counter)
    for c in calls:
        by_day[wita_day(c["started_at"])][c["outcome"] or "open"] += 1
    answered = [c for c in calls if c["answered_at"]]
    answer = [max(0, iso_to_ms(c["answered_at"]) - iso_to_ms(c["started_at"])) // 1000 for c in answered]
    handling = [
        max(0, iso_to_ms(c["ended_at"]) - iso_to_ms(c["answered_at"])) // 1000
        for c in answered
        if c["ended_at"]
    ]
    first_of: dict = {}  # the first call that reported each incident, over all time
    for c in sorted(every, key=lambda c: (iso_to_ms(c["started_at"]), c["id"])):
        if c["incident_id"]:
            first_of.setdefault(c["incident_id"], c["id"])
    additional = sum(1 for c in calls if c["incident_id"] and first_of[c["incident_id"]] != c["id"])
    return {
        "total": len(calls),
        "outcomes": Counter(c["outcome"] or "open" for c in calls),
        "by_day": {d: dict(c) for d, c in by_day.items()},
        "answer": (pct(answer, 0.5), pct(answer, 0.9)),
        "handling": (pct(handling, 0.5), pct(handling, 0.9)),
        "categories": Counter(i["category"] for i in incidents),
        "kecamatan": Counter(i["kecamatan_code"] for i in incidents),
        "additional": additional,
    }


def check_report(capsys, data: Path, first: str, last: str) -> dict:  # type: ignore[no-untyped-def]
    calls, incidents = export(capsys, data, "calls"), export(capsys, data, "incidents")
    want = expected_from_export(calls, incidents, first, last)
    rep = json.loads(run(capsys, "report", "--data-dir", str(data), "--from", first, "--to", last))
    c = rep["calls"]
    assert c["total"] == want["total"]
    assert {k: v for k, v in c["by_outcome"].items() if v} == dict(want["outcomes"])
    assert {
        d["date"]: {k: v for k, v in d.items() if k not in ("date", "total") and v} for d in c["by_day"]
    } == (want["by_day"])
    assert c["nuisance"] == want["outcomes"]["prank"] + want["outcomes"]["ghost"]
    assert c["additional_reports"] == want["additional"]
    t = rep["times"]
    assert (t["answer"]["median_s"], t["answer"]["p90_s"]) == want["answer"]
    assert (t["handling"]["median_s"], t["handling"]["p90_s"]) == want["handling"]
    assert {k: v for k, v in rep["incidents"]["by_category"].items() if v} == dict(want["categories"])
    assert {k["code"]: k["count"] for k in rep["incidents"]["by_kecamatan"]} == dict(want["kecamatan"])
    return rep


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "desk"


def test_demo_report_equals_export_counts(capsys, data: Path, banjar_dir: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store(data / "desk.sqlite", now_ms=lambda: utc_ms(2026, 11, 28, 3, 0))
    try:
        generate_demo(store, calls=500, days=5, seed=21, places=places_from_region(banjar_dir))
        refs = Counter(
            r["name"]
            for r in store.query(
                "SELECT a.name FROM referrals r JOIN agencies a ON a.id = r.agency_id "
                "WHERE r.sent_at >= ? AND r.sent_at < ?",
                (utc_ms(2026, 11, 22, 16), utc_ms(2026, 11, 27, 16)),
            )
        )
    finally:
        store.close()
    rep = check_report(capsys, data, "2026-11-23", "2026-11-27")
    assert {a["name"]: a["referrals"] for a in rep["referrals"]["by_agency"]} == dict(refs)
    check_report(capsys, data, "2026-11-25", "2026-11-25")
    check_report(capsys, data, "2026-11-20", "2026-11-30")


def test_edge_cases_midnight_attached_calls_reopened_referral(capsys, data: Path) -> None:  # type: ignore[no-untyped-def]
    now = [utc_ms(2026, 11, 27, 15, 50)]  # 23:50 WITA on the 27th
    store = Store(data / "desk.sqlite", now_ms=lambda: now[0])
    store.operator = "Rina"
    try:
        AgencyService(store).ensure_defaults()
        damkar = next(a for a in AgencyService(store).all() if a["kind"] == "fire")
        calls, incidents, refs = CallService(store), IncidentService(store), ReferralService(store)
        loc = Location(address="Pasar", kecamatan_code="63.03.05", kecamatan_name="Martapura", confirmed=True)

        def call(at: int, number: str, outcome: str) -> str:
            now[0] = at
            cid = calls.ring(number)
            now[0] += 6000
            calls.answer(cid)
            now[0] += 40_000
            if outcome != "emergency":
                calls.close(cid, outcome)
            return cid

        c1 = call(utc_ms(2026, 11, 27, 15, 50), "081300000001", "emergency")
        inc = incidents.create({"category": "fire", "priority": "P1", "location": loc}, call_id=c1)
        calls.close(c1, "emergency", incident_id=inc)
        rid = refs.refer(inc, damkar["id"])
        for t, n in (
            (utc_ms(2026, 11, 27, 16, 0), "081300000002"),
            (utc_ms(2026, 11, 27, 16, 2), "081300000003"),
        ):
            incidents.attach_call(call(t, n, "emergency"), inc)
        call(utc_ms(2026, 11, 27, 15, 59, 59), "081300000004", "prank")  # 23:59:59 WITA, the 27th
        call(utc_ms(2026, 11, 28, 15, 59, 59), "081300000005", "ghost")  # 23:59:59 WITA, the 28th
        call(utc_ms(2026, 11, 28, 16, 0), "081300000006", "ghost")  # 00:00 WITA, the 29th
        now[0] = utc_ms(2026, 11, 27, 16, 30)
        refs.step(rid, "feedback", "padam")
        refs.step(rid, "closed")
        now[0] += 5 * MIN
        refs.reopen(rid)
        now[0] += 5 * MIN
        refs.step(rid, "feedback", "padam total")
    finally:
        store.close()
    day27 = check_report(capsys, data, "2026-11-27", "2026-11-27")
    assert day27["calls"]["by_outcome"]["emergency"] == 1 and day27["calls"]["by_outcome"]["prank"] == 1
    (agency,) = day27["referrals"]["by_agency"]
    assert (agency["referrals"], agency["reopened"], agency["feedback"]) == (1, 1, 1)
    day28 = check_report(capsys, data, "2026-11-28", "2026-11-28")
    assert day28["calls"]["additional_reports"] == 2 and day28["incidents"]["total"] == 0
    assert day28["calls"]["by_outcome"] == {**day28["calls"]["by_outcome"], "emergency": 2, "ghost": 1}
    assert day28["calls"]["by_hour"][0]["emergency"] == 2 and day28["calls"]["by_hour"][23]["ghost"] == 1


def test_csv_and_pdf_forms(capsys, data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store(data / "desk.sqlite", now_ms=lambda: utc_ms(2026, 11, 28, 3, 0))
    try:
        generate_demo(store, calls=150, days=3, seed=4)
    finally:
        store.close()
    args = ("report", "--data-dir", str(data), "--from", "2026-11-25", "--to", "2026-11-28")
    rep = json.loads(run(capsys, *args))
    rows = list(csv.DictReader(io.StringIO(run(capsys, *args, "--format", "csv"))))
    flat = {(r["section"], r["metric"]): r["value"] for r in rows}
    assert flat[("calls", "by_outcome.prank")] == str(rep["calls"]["by_outcome"]["prank"])
    assert flat[("calls", "by_outcome.ghost")] == str(rep["calls"]["by_outcome"]["ghost"])
    assert flat[("times", "answer.median_s")] == str(rep["times"]["answer"]["median_s"])
    out = tmp_path / "laporan.pdf"
    assert json.loads(run(capsys, *args, "--format", "pdf", "--out", str(out)))["written"] == str(out)
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 5000
    buf = io.BytesIO()
    build_pdf(rep, buf, lang="en")
    assert buf.getvalue().startswith(b"%PDF")


def test_report_strings_cover_every_code() -> None:
    from operator_desk.domain.enums import CallOutcome, IncidentCategory

    ind = STRINGS["id"]
    assert set(STRINGS["en"]) - {"categories"} <= set(ind)
    assert {str(o) for o in CallOutcome} <= set(ind["outcomes"])
    assert {str(c) for c in IncidentCategory} <= set(ind["categories"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--from", "2026-11-02", "--to", "2026-11-01"), "before --from"),
        (("--from", "2026-11-01", "--to", "2026-11-02", "--format", "pdf"), "needs --out"),
        (("--from", "2026-11-01", "--to", "2026-11-02"), "no desk store"),
    ],
)
def test_cli_failures_are_one_line(capsys, tmp_path: Path, extra: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    assert main(["report", "--data-dir", str(tmp_path / "none"), *extra]) != 0
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_report_days_are_wita_days() -> None:
    from operator_desk.services.stats import day_bounds

    assert day_bounds(date(2026, 1, 1), date(2026, 1, 31))[0] == utc_ms(2025, 12, 31, 16)


# Words GLOSSARY-id.md replaces: none may reach the Indonesian PDF.
NOT_GLOSSARY = (
    "rujukan",
    "diterima",
    "laporan balik",
    "umpan balik",
    "tak ",
    "terlambat",
    "penyelesaian",
    "utilitas",
    "duplikat",
    "kosong / diam",
    "dialihkan",
    "lampu jalan",
    "terputus sebelum dijawab",
)


def pdf_text(pdf: bytes) -> str:
    """The text drawn on the pages of a reportlab PDF (ASCII85 + Flate content streams), one line per string."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = zlib.decompress(base64.a85decode(m.group(1).strip().removesuffix(b"~>")))
        for t in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", data):
            out.append(re.sub(r"\\([()\\])", r"\1", t.decode("latin-1")))
    return "\n".join(out)


def test_pdf_speaks_the_glossary(data: Path) -> None:
    store = Store(data / "desk.sqlite", now_ms=lambda: utc_ms(2026, 11, 28, 3, 0))
    try:
        generate_demo(store, calls=150, days=3, seed=4)
        rep = build_report(
            store.reader(), date(2026, 11, 25), date(2026, 11, 28), utc_ms(2026, 11, 28, 15, 30)
        )
    finally:
        store.close()
    pages = {}
    for lang in ("id", "en"):
        buf = io.BytesIO()
        build_pdf(rep, buf, lang=lang)
        pages[lang] = pdf_text(buf.getvalue())
    text = pages["id"]
    flat = " ".join(text.split())  # table headers wrap onto two lines
    for word in (
        "Penerusan ke instansi",
        "Penerusan per instansi",
        "Dikonfirmasi",
        "Tindak lanjut",
        "Ghost call (kosong)",
        "Tidak terjawab",
        "Panggilan iseng dan ghost call (kosong)",
    ):
        assert word in flat, word
    assert [w for w in NOT_GLOSSARY if w in flat.lower()] == []
    # Generated at 15:30 UTC = 23:30 WITA, with its date; never a bare UTC time.
    assert "Dibuat 28 November 2026 23:30 WITA oleh Operator Desk" in text and "UTC" not in text
    # Shares carry a decimal comma (7,8 %), and chart ticks of counts are whole numbers.
    assert re.search(r"^\d+,\d %$", text, re.M) and not re.search(r"\d\.\d", text)
    # The English PDF keeps its own decimal point: the comma is the Indonesian rule, not a blanket replace.
    assert re.search(r"^\d+\.\d %$", pages["en"], re.M) and "Referrals per agency" in pages["en"]


def test_report_numbers_and_moments() -> None:
    ind, en = _Text("id"), _Text("en")
    assert (ind.pct(7.8), en.pct(7.8), ind.pct(0.0)) == ("7,8 %", "7.8 %", "0,0 %")
    assert (ind.num(1234567), en.num(1234567), ind.num(12)) == ("1.234.567", "1,234,567", "12")
    assert (ind.axis(2.0), ind.axis(1500.0), ind.axis(0.5)) == ("2", "1.500", "")
    assert ind.moment("2026-11-28T15:30:00.000Z", "Asia/Makassar") == "28 November 2026 23:30 WITA"
    assert ind.moment("2026-11-28T15:30:00.000Z", "Asia/Jakarta") == "28 November 2026 22:30 WIB"
    assert ind.moment("2026-11-28T16:00:00.000Z", "Asia/Makassar") == "29 November 2026 00:00 WITA"
    assert ind.moment("2026-11-28T15:30:00.000Z", "Mars/Olympus") == "28 November 2026 15:30 UTC"
    assert ind.moment(None, "Asia/Makassar") == "–"
