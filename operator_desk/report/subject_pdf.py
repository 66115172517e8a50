"""The subject-access report as a PDF (A4, reportlab), in Bahasa Indonesia: what the desk holds about
one number and who looked at it, for the answer to a data subject's request (UU PDP Pasal 32).

Input is the dict of `services.subject.subject_report`; the look is the period report's (pdf.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from .pdf import HEADER_BG, WIDTH, _table, _Text

SUBJECT_STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Laporan data pribadi subjek data",
        "intro": (
            "Jawaban atas permintaan akses subjek data (UU No. 27 Tahun 2022 tentang Pelindungan Data "
            "Pribadi, Pasal 32): seluruh data yang disimpan desk operator 112 tentang nomor ini, dan "
            "siapa yang melihat atau memutarnya."
        ),
        "number": "Nomor telepon",
        "generated": "Dibuat",
        "by": "Oleh",
        "reason": "Dasar permintaan",
        "site": "Desk (site)",
        "summary": "Ringkasan data yang disimpan",
        "what": "Data",
        "count": "Jumlah",
        "caller": "Kartu penelepon",
        "calls": "Panggilan",
        "incidents": "Kejadian darurat",
        "incident_notes": "Catatan kejadian",
        "status_history": "Riwayat status kejadian",
        "referrals": "Penerusan ke instansi",
        "referral_events": "Riwayat penerusan",
        "device_locations": "Lokasi perangkat (AML / PIDF-LO)",
        "recordings": "Rekaman panggilan",
        "access": "Akses: dilihat, diputar, diekspor",
        "audit": "Jejak audit",
        "exports": "Ekspor data sejak panggilan pertama",
        "mentions": "Nomor disebut di data lain",
        "time": "Waktu",
        "outcome": "Hasil",
        "operator": "Operator",
        "incident": "Kejadian",
        "category": "Kategori",
        "status": "Status",
        "caller_name": "Nama pelapor",
        "agency": "Instansi",
        "method": "Metode",
        "position": "Posisi",
        "duration": "Durasi",
        "uploaded": "Diunggah ke hub",
        "action": "Tindakan",
        "table": "Tabel",
        "columns": "Kolom",
        "masked": "Disamarkan",
        "yes": "ya",
        "no": "tidak",
        "none": "Tidak ada.",
        "processing": "Catatan pemrosesan (Pasal 31)",
        "processing_text": (
            "Tujuan: penanganan panggilan darurat 112 dan penerusan ke instansi yang berwenang "
            "(kepentingan vital subjek data dan pelaksanaan tugas pelayanan publik). Data disimpan di "
            "desk operator dan hub pusat layanan 112 kabupaten, di Indonesia. Penerima: petugas 112 dan "
            "instansi yang tercantum di bagian penerusan. Masa simpan: kejadian 5 tahun; rekaman dan data "
            "panggilan bukan darurat sesuai aturan retensi pusat layanan."
        ),
    },
    "en": {
        "title": "Personal data report of a data subject",
        "intro": (
            "Answer to a data subject's access request (Law 27/2022 on Personal Data Protection, "
            "Article 32): everything the 112 operator desk holds about this number, and who viewed or "
            "replayed it."
        ),
        "number": "Phone number",
        "generated": "Generated",
        "by": "By",
        "reason": "Request",
        "site": "Desk (site)",
        "summary": "Summary of the data held",
        "what": "Data",
        "count": "Count",
        "caller": "Caller card",
        "calls": "Calls",
        "incidents": "Incidents",
        "incident_notes": "Incident notes",
        "status_history": "Incident status history",
        "referrals": "Referrals to agencies",
        "referral_events": "Referral history",
        "device_locations": "Device locations (AML / PIDF-LO)",
        "recordings": "Call recordings",
        "access": "Access: viewed, replayed, exported",
        "audit": "Audit trail",
        "exports": "Data exports since the first call",
        "mentions": "The number named in other data",
        "time": "Time",
        "outcome": "Outcome",
        "operator": "Operator",
        "incident": "Incident",
        "category": "Category",
        "status": "Status",
        "caller_name": "Caller name",
        "agency": "Agency",
        "method": "Method",
        "position": "Position",
        "duration": "Duration",
        "uploaded": "Uploaded to the hub",
        "action": "Action",
        "table": "Table",
        "columns": "Columns",
        "masked": "Masked",
        "yes": "yes",
        "no": "no",
        "none": "None.",
        "processing": "Record of processing (Article 31)",
        "processing_text": (
            "Purpose: handling 112 emergency calls and referring them to the responsible agencies (the "
            "data subject's vital interest and a public service task). Held on the operator desks and "
            "the hub of the regency's 112 center, in Indonesia. Recipients: 112 staff and the agencies "
            "named under referrals. Retention: incidents 5 years; recordings and non-emergency call data "
            "under the center's retention rules."
        ),
    },
}
SECTIONS = (
    "caller", "calls", "incidents", "incident_notes", "status_history", "referrals", "referral_events",
    "device_locations", "recordings", "access", "exports", "mentions", "audit",
)


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def build_subject_pdf(report: dict[str, Any], out: str | Path | IO[bytes], lang: str = "id") -> None:
    """Write the subject report as a PDF to a path or a binary file object."""
    tx = _Text(lang)
    s = SUBJECT_STRINGS[lang]
    zone = "Asia/Makassar"
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontSize=16, spaceAfter=2)
    h2 = ParagraphStyle(
        "h2", parent=styles["Heading2"], fontSize=11.5, spaceBefore=10, spaceAfter=4, textColor=HEADER_BG
    )
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8.5, textColor=colors.HexColor("#444444"))
    tiny = ParagraphStyle("tiny", parent=small, fontSize=7, leading=8.5)

    def when(iso: str | None) -> str:
        return tx.moment(iso, zone) if iso else "–"

    subj = report["subject"]
    gen = report.get("generated_by", {})
    story: list[Any] = [
        Paragraph(s["title"], h1),
        _p(s["intro"], small),
        Spacer(1, 6),
        _table(
            [
                [s["what"], ""],
                [s["number"], f"{subj.get('display') or ''} ({subj['number']})"],
                [s["generated"], when(report.get("generated_at"))],
                [s["by"], f"{gen.get('name', '')} ({gen.get('role', '')})"],
                [s["reason"], _p(report.get("reason"), small)],
                [s["site"], report.get("site_id", "")],
            ],
            [WIDTH * 0.3, WIDTH * 0.7],
            numeric_from=2,
        ),
        Paragraph(s["summary"], h2),
        _table(
            [[s["what"], s["count"]]] + [[s[k], tx.num(len(report.get(k, [])))] for k in SECTIONS],
            [WIDTH * 0.7, WIDTH * 0.3],
        ),
    ]
    w = WIDTH

    def section(key: str, head: list[str], rows: list[list[Any]], widths: list[float]) -> None:
        story.append(Paragraph(s[key], h2))
        if not rows:
            story.append(Paragraph(s["none"], small))
            return
        cells = [[c if isinstance(c, Paragraph) else _p(c, tiny) for c in row] for row in rows]
        story.append(_table([head, *cells], widths, numeric_from=len(head)))

    section("caller", ["Nama" if lang == "id" else "Name", "Flag", "Catatan" if lang == "id" else "Notes"],
            [[c.get("name"), c.get("flag"), c.get("notes")] for c in report["caller"]],
            [w * 0.3, w * 0.15, w * 0.55])
    section("calls", [s["time"], s["outcome"], s["operator"], s["incident"]],
            [[when(c.get("started_at")), tx.outcome(c.get("outcome") or "open"), c.get("operator"),
              c.get("incident_id")] for c in report["calls"]],
            [w * 0.3, w * 0.2, w * 0.2, w * 0.3])
    section("incidents", [s["incident"], s["category"], s["status"], s["caller_name"], s["time"]],
            [[i.get("number"), tx.category(i.get("category") or ""), i.get("status"), i.get("caller_name"),
              when(i.get("created_at"))] for i in report["incidents"]],
            [w * 0.26, w * 0.18, w * 0.14, w * 0.18, w * 0.24])
    section("incident_notes", [s["time"], s["operator"], "Teks" if lang == "id" else "Text"],
            [[when(n.get("at")), n.get("operator"), n.get("text")] for n in report["incident_notes"]],
            [w * 0.25, w * 0.15, w * 0.6])
    section("referrals", [s["agency"], s["time"], s["status"]],
            [[r.get("agency_name"), when(r.get("sent_at")), r.get("status")] for r in report["referrals"]],
            [w * 0.4, w * 0.35, w * 0.25])
    section("device_locations", [s["time"], s["position"], s["method"]],
            [[when(d.get("received_at")), f"{d.get('lat')}, {d.get('lon')} (±{d.get('radius_m')} m)",
              d.get("method")] for d in report["device_locations"]],
            [w * 0.3, w * 0.45, w * 0.25])
    section("recordings", [s["calls"], s["duration"], "SHA-256", s["uploaded"]],
            [[r.get("call_id"), f"{r.get('duration_s') or 0:.0f} s", str(r.get("sha256") or "")[:16] + "…",
              when(r.get("uploaded_at"))] for r in report["recordings"]],
            [w * 0.32, w * 0.12, w * 0.26, w * 0.3])
    section("access", [s["time"], s["by"], s["action"]],
            [[when(a.get("at")), a.get("operator"), a.get("action")] for a in report["access"]],
            [w * 0.35, w * 0.3, w * 0.35])
    section("exports", [s["time"], s["by"], s["what"], s["masked"]],
            [[when(e.get("at")), e.get("operator"), (e.get("detail") or {}).get("what"),
              s["yes"] if (e.get("detail") or {}).get("masked") else s["no"]] for e in report["exports"]],
            [w * 0.3, w * 0.3, w * 0.2, w * 0.2])
    section("mentions", [s["table"], "Id", s["columns"]],
            [[m.get("table"), m.get("key"), ", ".join(m.get("columns", []))] for m in report["mentions"]],
            [w * 0.25, w * 0.45, w * 0.3])
    section("audit", [s["time"], s["by"], s["action"]],
            [[when(a.get("at")), a.get("operator"), a.get("action")] for a in report["audit"]],
            [w * 0.35, w * 0.3, w * 0.35])
    story += [Paragraph(s["processing"], h2), _p(s["processing_text"], small)]
    doc = SimpleDocTemplate(
        out if not isinstance(out, Path) else str(out),
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.6 * cm,
        title=s["title"],
        author="Operator Desk",
    )
    doc.build(story)
