""" "Laporan Kejadian": one incident as a PDF (A4, reportlab, Bahasa Indonesia) for the agency or the police.

The incident (category, priority, status, place, caller, narrative, casualties, disposition), its referrals
with every step and the message that reached the agency, and its timeline (`services.timeline`: calls,
notes, field changes old → new, status moves, referral steps, device locations, merges, conflicts).
Personal data is masked as `domain/privacy.py` masks it (numbers 0812-****-3373, names and operators as
initials, narrative, notes, address, disposition and agency feedback left out, positions to about 110 m)
unless an admin asks with a reason (`--unmasked --as ADMIN --reason T`); either way the report is
audited (`incident_report` / `incident_report_unmasked`). The look is the period report's (pdf.py).

CLI: `operator-desk incident-report --data-dir D --number NUMBER [--out F.pdf] [--unmasked --as ADMIN
--reason T]` (wired in by operator_desk/cli.py); prints JSON with the file written.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ..domain import phone as phones
from ..domain.location import is_kelurahan
from ..domain.privacy import coarse, initials, mask_number
from ..domain.timeutil import WITA, local
from .pdf import HEADER_BG, WIDTH, _table, _Text, zone_name

MASKED = "(disamarkan)"
STEP_LABELS = {
    "sent": "diteruskan",
    "acknowledged": "dikonfirmasi",
    "on_scene": "tiba di lokasi",
    "feedback": "tindak lanjut",
    "closed": "ditutup",
    "resent": "diteruskan ulang",
    "escalated": "dieskalasi",
    "reopened": "dibuka kembali",
}
STATUS_LABELS = {
    "new": "baru",
    "referred": "diteruskan",
    "on_scene": "petugas di lokasi",
    "resolved": "tertangani",
    "closed": "ditutup",
}
OUTCOME_LABELS = {
    "emergency": "darurat",
    "information": "permintaan informasi",
    "prank": "iseng",
    "ghost": "ghost call (kosong)",
    "wrong_number": "salah sambung",
    "test": "uji coba",
    "abandoned": "tidak terjawab",
}
FIELD_LABELS = {
    "category": "kategori",
    "priority": "prioritas",
    "location": "lokasi",
    "caller_name": "nama pelapor",
    "caller_number": "nomor pelapor",
    "narrative": "kronologi",
    "casualties": "jumlah korban",
    "disposition": "hasil akhir penanganan",
    "callback_number": "nomor hubungi kembali",
}
CHANNEL_LABELS = {"clipboard": "disalin", "whatsapp": "WhatsApp", "sms": "SMS"}
MESSAGE_STATUS = {
    "copied": "disalin",
    "opened": "dibuka",
    "queued": "menunggu",
    "sent": "terkirim",
    "failed": "gagal",
}
PERSONAL_FIELDS = frozenset(
    {"caller_name", "caller_number", "narrative", "disposition", "location", "callback_number"}
)


# -- the data ------------------------------------------------------------------------------------------
def incident_report(
    store: Any, number: str, *, masked: bool = True, now_ms: int | None = None
) -> dict[str, Any]:
    """What the PDF shows, as plain data (masked unless `masked=False`). Raises NotFound."""
    from ..domain.errors import NotFound
    from ..services.timeline import TimelineQuery

    db = store.reader()
    row = db.execute("SELECT * FROM incidents WHERE number=?", (number,)).fetchone()
    if row is None:
        raise NotFound("incident", number)
    inc = dict(row)
    try:
        loc = json.loads(inc.get("location") or "null") or {}
    except ValueError:
        loc = {}
    refs = [
        dict(r)
        for r in db.execute(
            "SELECT r.*, a.name AS agency_name FROM referrals r LEFT JOIN agencies a ON a.id = r.agency_id "
            "WHERE r.incident_id=? ORDER BY r.sent_at, r.id",
            (inc["id"],),
        )
    ]
    events = TimelineQuery(store).events(inc["id"])
    return {
        "incident": inc,
        "location": loc,
        "referrals": refs,
        "timeline": [e.__dict__ for e in events],
        "masked": masked,
        "generated_at": now_ms if now_ms is not None else int(time.time() * 1000),
        "site_code": store.site_code,
    }


# -- rendering helpers -----------------------------------------------------------------------------------
def _moment(tx: _Text, ms: int | None, zone: str = "Asia/Makassar") -> str:
    if ms is None:
        return "–"
    t = local(int(ms), WITA if zone == "Asia/Makassar" else _zone(zone))
    return f"{tx.day(t.date().isoformat())} {t:%H:%M} {zone_name(zone)}"


def _zone(zone: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(zone)


def _person(name: str | None, masked: bool) -> str:
    if not name:
        return "–"
    return (initials(name) or "–") if masked else name


def _number(value: str | None, masked: bool) -> str:
    if not value:
        return "–"
    return (mask_number(value) or "–") if masked else phones.display(value) or value


def _text(value: Any, masked: bool) -> str:
    if value is None or value == "":
        return "–"
    return MASKED if masked else str(value)


def _place(loc: dict[str, Any], masked: bool) -> str:
    parts = []
    if not masked and loc.get("address"):
        parts.append(str(loc["address"]))
    if not masked and loc.get("landmark"):
        parts.append(f"({loc['landmark']})")
    if loc.get("desa_name"):
        parts.append(("Kel. " if is_kelurahan(loc.get("desa_code")) else "Desa ") + str(loc["desa_name"]))
    if loc.get("kecamatan_name"):
        parts.append(f"Kec. {loc['kecamatan_name']}")
    return ", ".join(parts) or "–"


def _point(loc: dict[str, Any], masked: bool) -> str:
    lat, lon = loc.get("lat"), loc.get("lon")
    if lat is None or lon is None:
        return "–"
    if masked:
        return f"{coarse(lat):.3f}, {coarse(lon):.3f} (dibulatkan ±110 m)"
    return f"{float(lat):.6f}, {float(lon):.6f}"


def _victims(inc: dict[str, Any]) -> str:
    kinds = (
        ("victims_dead", "meninggal"),
        ("victims_severe", "luka berat"),
        ("victims_minor", "luka ringan"),
        ("victims_unknown", "belum diketahui kondisinya"),
    )
    if any(inc.get(k) is not None for k, _ in kinds):
        parts = [f"{label} {inc[k]}" for k, label in kinds if inc.get(k)]
        return ", ".join(parts) or "tidak ada"
    n = inc.get("casualties")
    return "belum diketahui" if n is None else "tidak ada" if n == 0 else str(n)


def _value(fieldname: str | None, value: Any, tx: _Text, masked: bool) -> str:
    if value is None or value == "":
        return "–"
    if masked and fieldname in PERSONAL_FIELDS:
        if fieldname in ("caller_number", "callback_number"):
            return _number(str(value), True)
        if fieldname == "caller_name":
            return _person(str(value), True)
        if fieldname == "location" and isinstance(value, dict):
            return _place(value, True)
        return MASKED
    if fieldname == "category":
        return tx.category(str(value))
    if fieldname == "location" and isinstance(value, dict):
        return _place(value, masked)
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _event_row(e: dict[str, Any], tx: _Text, masked: bool) -> tuple[str, str]:
    """(what happened, its detail) of one timeline event, in Indonesian."""
    kind, detail = e.get("kind"), e.get("detail")
    origin = f" [{e['incident_number']}]" if e.get("incident_number") else ""
    if kind == "call":
        return (
            f"Panggilan ({OUTCOME_LABELS.get(str(e.get('new')), e.get('new') or 'berlangsung')}){origin}",
            _number(detail, masked),
        )
    if kind == "note":
        return f"Catatan{origin}", _text(detail, masked)
    if kind == "status":
        old = STATUS_LABELS.get(str(e.get("old")), e.get("old") or "–")
        new = STATUS_LABELS.get(str(e.get("new")), e.get("new"))
        return f"Status: {old} → {new}{origin}", _text(detail, masked) if detail else "–"
    if kind == "field":
        label = FIELD_LABELS.get(str(e.get("field")), str(e.get("field")))
        old, new = (
            _value(e.get("field"), e.get("old"), tx, masked),
            _value(e.get("field"), e.get("new"), tx, masked),
        )
        return f"Diubah: {label}", f"{old} → {new}"
    if kind == "referral":
        step = STEP_LABELS.get(str(e.get("new")), e.get("new"))
        text = (
            detail
            if detail and str(detail).startswith("SMS dari ")
            else _text(detail, masked)
            if detail
            else "–"
        )
        return f"Penerusan {e.get('field') or ''}: {step}".strip(), str(text)
    if kind == "device_location":
        point = e.get("new") or (None, None)
        return "Lokasi perangkat", _point({"lat": point[0], "lon": point[1]}, masked)
    if kind in ("merge_into", "merged_from"):
        what = "Digabungkan ke" if kind == "merge_into" else "Menggabungkan"
        return f"{what} {e.get('new') or ''}".strip(), _text(detail, masked) if detail else "–"
    if kind == "conflict":
        return f"Konflik: {FIELD_LABELS.get(str(e.get('field')), e.get('field'))}", "–"
    if kind == "conflict_resolved":
        return f"Konflik diselesaikan: {FIELD_LABELS.get(str(e.get('field')), e.get('field'))}", "–"
    return str(kind), "–"


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


# -- the PDF -------------------------------------------------------------------------------------------
def build_incident_pdf(
    report: dict[str, Any], out: str | Path | IO[bytes], *, by: str | None = None, reason: str | None = None
) -> None:
    """Write the Laporan Kejadian of `incident_report(...)` to a path or a binary file."""
    tx = _Text("id")
    masked = bool(report.get("masked", True))
    inc, loc = report["incident"], report["location"]
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontSize=16, spaceAfter=2)
    h2 = ParagraphStyle(
        "h2", parent=styles["Heading2"], fontSize=11.5, spaceBefore=10, spaceAfter=4, textColor=HEADER_BG
    )
    small = ParagraphStyle(
        "small", parent=styles["Normal"], fontSize=8.5, textColor=colors.HexColor("#444444")
    )
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=8.5, leading=10.5)
    note = (
        "Data pribadi disamarkan (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi): nomor telepon, nama "
        "dan operator sebagai inisial, kronologi, catatan, alamat dan hasil akhir penanganan tidak dimuat, "
        "posisi dibulatkan sekitar 110 m."
        if masked
        else f"Data pribadi TIDAK disamarkan, atas permintaan {by or '–'} (alasan: {reason or '–'}); "
        "tercatat dalam jejak audit. Jangan diteruskan kepada pihak yang tidak berwenang."
    )
    story: list[Any] = [
        Paragraph("Laporan Kejadian", h1),
        _para(
            f"No. kejadian {inc.get('number') or '–'}",
            ParagraphStyle("c", parent=styles["Normal"], alignment=1, fontSize=11),
        ),
        _para(
            f"Dibuat {_moment(tx, report.get('generated_at'))} oleh Operator Desk (desk {report.get('site_code')})",
            ParagraphStyle("c2", parent=small, alignment=1),
        ),
        Spacer(1, 4),
        _para(note, small),
        Paragraph("Kejadian", h2),
    ]
    rows = [
        ["Data", "Isi"],
        ["Kategori", tx.category(str(inc.get("category") or "other"))],
        ["Prioritas", str(inc.get("priority") or "–")],
        ["Status", STATUS_LABELS.get(str(inc.get("status")), str(inc.get("status")))],
        ["Waktu lapor", _moment(tx, inc.get("created_at"))],
        ["Waktu kejadian", _moment(tx, inc.get("occurred_at"))],
        ["Lokasi", _para(_place(loc, masked), cell)],
        ["Koordinat", _point(loc, masked)],
        ["Pelapor", _person(inc.get("caller_name"), masked)],
        ["Nomor pelapor", _number(inc.get("caller_number"), masked)],
        ["Nomor hubungi kembali", _number(inc.get("callback_number"), masked)],
        ["Kronologi", _para(_text(inc.get("narrative"), masked), cell)],
        ["Jumlah korban", _victims(inc)],
        ["Hasil akhir penanganan", _para(_text(inc.get("disposition"), masked), cell)],
    ]
    story.append(_table(rows, [WIDTH * 0.3, WIDTH * 0.7], numeric_from=2))
    story.append(Paragraph("Penerusan ke instansi", h2))
    refs = report["referrals"]
    if refs:
        ref_rows: list[list[Any]] = [
            ["Instansi", "Diteruskan", "Dikonfirmasi", "Tiba di lokasi", "Tindak lanjut", "Pesan"]
        ]
        for r in refs:
            message = "–"
            if r.get("message_channel"):
                message = (
                    f"{CHANNEL_LABELS.get(r['message_channel'], r['message_channel'])} "
                    f"{MESSAGE_STATUS.get(r.get('message_status') or '', r.get('message_status') or '')}"
                )
            feedback = _moment(tx, r.get("feedback_at"))
            if r.get("feedback"):
                feedback += f": {_text(r['feedback'], masked)}"
            ref_rows.append(
                [
                    _para(str(r.get("agency_name") or "–"), cell),
                    _para(_moment(tx, r.get("sent_at")), cell),
                    _para(_moment(tx, r.get("acknowledged_at")), cell),
                    _para(_moment(tx, r.get("on_scene_at")), cell),
                    _para(feedback, cell),
                    _para(message, cell),
                ]
            )
        story.append(
            _table(ref_rows, [WIDTH * w for w in (0.2, 0.15, 0.15, 0.15, 0.2, 0.15)], numeric_from=6)
        )
    else:
        story.append(_para("Belum diteruskan ke instansi.", small))
    story.append(Paragraph("Riwayat kejadian", h2))
    events = report["timeline"]
    if events:
        ev_rows: list[list[Any]] = [["Waktu", "Peristiwa", "Oleh", "Keterangan"]]
        for e in events:
            what, detail = _event_row(e, tx, masked)
            ev_rows.append(
                [
                    _para(_moment(tx, e.get("at")), cell),
                    _para(what, cell),
                    _para(_person(e.get("who"), masked), cell),
                    _para(detail, cell),
                ]
            )
        story.append(_table(ev_rows, [WIDTH * w for w in (0.2, 0.3, 0.12, 0.38)], numeric_from=4))
    else:
        story.append(_para("Tidak ada.", small))
    doc = SimpleDocTemplate(
        str(out) if isinstance(out, (str, Path)) else out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.6 * cm,
        title=f"Laporan Kejadian {inc.get('number') or ''}",
        author="Operator Desk 112",
    )
    doc.build(story)


# -- the command ----------------------------------------------------------------------------------------
def add_parsers(subparsers: Any) -> None:
    from .cli import add_unmasked_args

    p = subparsers.add_parser(
        "incident-report", help="Laporan Kejadian: one incident, its referrals and timeline, as a PDF"
    )
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="the desk's data folder")
    p.add_argument("--number", required=True, help="the incident number (BJR-…)")
    p.add_argument("--out", help="the PDF to write (default: laporan-<number>.pdf in the current folder)")
    add_unmasked_args(p)
    p.set_defaults(func=run_incident_report)


def run_incident_report(args: argparse.Namespace) -> int:
    from ..domain.errors import DomainError
    from ..store.database import StoreError
    from .cli import _fail

    try:
        return _run(args)
    except (StoreError, DomainError, ValueError, OSError) as exc:
        return _fail("incident-report", exc)


def _run(args: argparse.Namespace) -> int:
    from ..services.export import audit_export
    from .cli import _open_store, open_private, unmasked_account

    number = " ".join(str(args.number).split()).upper()
    if not number or len(number) > 64:
        raise ValueError("--number is an incident number (BJR-…)")
    out = args.out or f"laporan-{''.join(ch for ch in number if ch.isalnum() or ch == '-')}.pdf"
    if not out.lower().endswith(".pdf"):
        raise ValueError("--out is the PDF to write (FILE.pdf)")
    store = _open_store(args)
    try:
        account = unmasked_account(store, args, "export_unmasked")
        report = incident_report(store, number, masked=account is None)
        reason = " ".join((args.reason or "").split())[:500] or None
        audit_export(
            store,
            "incident_report_unmasked" if account else "incident_report",
            {
                "what": "incident_report",
                "number": number,
                "out": out,
                "masked": account is None,
                "reason": reason,
            },
            account,
        )
    finally:
        store.close()
    with open_private(out, binary=True) as fh:
        build_incident_pdf(report, fh, by=account.name if account else None, reason=reason)
    json.dump(
        {
            "written": out,
            "number": number,
            "masked": account is None,
            "referrals": len(report["referrals"]),
            "events": len(report["timeline"]),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0
