"""Laporan Kejadian: one incident's PDF with its referrals and timeline, masked unless an admin asks
(real store, real reportlab PDF, its text read back with poppler's pdftotext; the CLI end to end)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from operator_desk.domain.location import Location
from operator_desk.report.incident_pdf import build_incident_pdf, incident_report
from operator_desk.services.accounts import AccountService
from operator_desk.services.agencies import AgencyService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referral_sending import ReferralMessaging
from operator_desk.services.referrals import ReferralService
from operator_desk.store.store import Store

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def text_of(pdf: bytes, tmp_path: Path) -> str:
    f = tmp_path / "x.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-raw", str(f), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(out.split())


def scenario(store: Store) -> tuple[str, str]:
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    fire = next(a["id"] for a in agencies.all() if a["kind"] == "fire")
    store.write(lambda tx: tx.update_record("agencies", fire, {"phone": "+625114721234"}))
    loc = Location(
        lat=-3.412345,
        lon=114.845678,
        address="Jl. Sukaramai gang 3",
        landmark="depan masjid",
        desa_code="63.03.05.2003",
        desa_name="Tambak Baru",
        kecamatan_name="Martapura",
        confirmed=True,
    )
    incidents = IncidentService(store)
    inc = incidents.create(
        {
            "category": "fire",
            "priority": "P1",
            "location": loc,
            "caller_name": "Budi Santoso",
            "caller_number": "+6281234563373",
            "narrative": "Gudang kayu terbakar",
        }
    )
    incidents.add_note(inc, "Pelapor menelepon lagi: api membesar")
    rid = ReferralService(store).refer(inc, fire)
    ReferralMessaging(store).record_copied(rid, "teks")
    ReferralService(store).step(rid, "acknowledged", "SMS dari +625114721234")
    ReferralService(store).step(rid, "feedback", "Api padam, Pak Budi selamat")
    number = store.query("SELECT number FROM incidents WHERE id=?", (inc,))[0][0]
    return inc, number


def test_masked_report_has_the_incident_referrals_and_timeline(store: Store, tmp_path: Path) -> None:
    _inc, number = scenario(store)
    report = incident_report(store, number)
    assert report["masked"] and report["referrals"] and report["timeline"]
    buf = io.BytesIO()
    build_incident_pdf(report, buf)
    text = text_of(buf.getvalue(), tmp_path)
    assert "Laporan Kejadian" in text and f"No. kejadian {number}" in text
    assert "Kebakaran" in text and "P1" in text and "Desa Tambak Baru, Kec. Martapura" in text
    assert (
        "Penerusan ke instansi" in text
        and "Damkar Kabupaten Banjar" in text
        and "SMS dari +625114721234" in text
    )
    assert "Riwayat kejadian" in text and "Catatan" in text and "dikonfirmasi" in text
    assert "disalin" in text  # the message that reached the agency
    assert "0812-****-3373" in text and "B. S." in text and "(disamarkan)" in text
    for secret in (
        "0812-3456-3373",
        "6281234563373",
        "Budi Santoso",
        "Gudang kayu",
        "api membesar",
        "Sukaramai",
        "masjid",
        "-3.412345",
        "Pak Budi",
    ):
        assert secret not in text, secret
    assert "-3.412" in text  # rounded


def test_unmasked_report_shows_everything(store: Store, tmp_path: Path) -> None:
    _inc, number = scenario(store)
    buf = io.BytesIO()
    build_incident_pdf(
        incident_report(store, number, masked=False), buf, by="Admin", reason="Surat Polres 12"
    )
    text = text_of(buf.getvalue(), tmp_path)
    for shown in (
        "0812-3456-3373",
        "Budi Santoso",
        "Gudang kayu terbakar",
        "Pelapor menelepon lagi",
        "Jl. Sukaramai gang 3",
        "-3.412345",
        "Api padam, Pak Budi selamat",
        "TIDAK disamarkan",
        "Surat Polres 12",
    ):
        assert shown in text, shown


def test_unknown_number_is_a_clear_error(store: Store) -> None:
    from operator_desk.domain.errors import NotFound

    with pytest.raises(NotFound):
        incident_report(store, "BJR-NOPE-1")


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "operator_desk.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_masked_by_default_unmasked_for_an_admin_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store = Store(data / "desk.sqlite")
    store.operator = "Rina"
    try:
        _inc, number = scenario(store)
        accounts = AccountService(store, trusted=True)
        accounts.add("Admin", "admin", "admin-password-1")
        accounts.add("Siti", "operator", "operator-password-1")
    finally:
        store.close()
    out = tmp_path / "lap.pdf"
    r = _cli("incident-report", "--data-dir", str(data), "--number", number.lower(), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["masked"] is True and out.stat().st_mode & 0o077 == 0
    assert "0812-****-3373" in text_of(out.read_bytes(), tmp_path)
    r = _cli(
        "incident-report",
        "--data-dir",
        str(data),
        "--number",
        number,
        "--out",
        str(out),
        "--unmasked",
        "--as",
        "Siti",
        "--reason",
        "permintaan",
        stdin="operator-password-1\n",
    )
    assert r.returncode != 0 and "may not" in r.stderr and "Traceback" not in r.stderr
    r = _cli(
        "incident-report",
        "--data-dir",
        str(data),
        "--number",
        number,
        "--out",
        str(out),
        "--unmasked",
        "--as",
        "Admin",
        stdin="admin-password-1\n",
    )
    assert r.returncode != 0 and "--reason" in r.stderr
    r = _cli(
        "incident-report",
        "--data-dir",
        str(data),
        "--number",
        number,
        "--out",
        str(out),
        "--unmasked",
        "--as",
        "Admin",
        "--reason",
        "Surat Polres 12",
        stdin="admin-password-1\n",
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["masked"] is False
    assert "0812-3456-3373" in text_of(out.read_bytes(), tmp_path)
    r = _cli("incident-report", "--data-dir", str(data), "--number", "BJR-NOPE-1", "--out", str(out))
    assert r.returncode != 0 and "BJR-NOPE-1" in r.stderr and "Traceback" not in r.stderr
    store = Store(data / "desk.sqlite")
    try:
        actions = [r[0] for r in store.query("SELECT action FROM audit WHERE action LIKE 'incident_report%'")]
    finally:
        store.close()
    assert actions == ["incident_report", "incident_report_unmasked"]
