"""The headless commands of CONTRACT.md, run as a newcomer would."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "operator_desk.cli", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory, banjar_dir: Path) -> Path:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("demo")
    res = run(
        "demo-data",
        "--data-dir",
        str(data),
        "--calls",
        "800",
        "--days",
        "5",
        "--seed",
        "7",
        "--region",
        str(banjar_dir),
    )
    assert res.returncode == 0, res.stderr
    counts = json.loads(res.stdout)
    assert counts["calls"] == 800 and counts["incidents"] > 10
    DEMO_PASSWORDS.update({a["name"]: a["password"] for a in counts.get("accounts", [])})
    return data


DEMO_PASSWORDS: dict[str, str] = {}  # demo-data's accounts (name -> password), set by demo_dir


def run_as(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A command with `name`'s demo password on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "operator_desk.cli", *args], capture_output=True, text=True, timeout=120,
        input=DEMO_PASSWORDS.get(name, "no-such-password") + "\n",
    )


def test_export_calls_jsonl_has_contract_fields(demo_dir: Path) -> None:
    res = run_as("Admin", "export", "--data-dir", str(demo_dir), "--what", "calls", "--unmasked",
                 "--as", "Admin", "--reason", "contract test")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 800
    for key in (
        "id",
        "caller_number",
        "started_at",
        "answered_at",
        "ended_at",
        "outcome",
        "incident_id",
        "site_id",
        "operator",
    ):
        assert key in rows[0]
    assert all(r["caller_number"].startswith("+62") for r in rows)
    assert all(r["started_at"].endswith("Z") for r in rows)
    outcomes = {r["outcome"] for r in rows}
    assert outcomes <= {"emergency", "information", "prank", "ghost", "wrong_number", "test", "abandoned"}
    assert sum(r["outcome"] in ("ghost", "prank") for r in rows) > 400  # most calls are not emergencies


def test_export_incidents_csv(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "inc.csv"
    res = run(
        "export", "--data-dir", str(demo_dir), "--what", "incidents", "--format", "csv", "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows and {
        "id",
        "number",
        "category",
        "priority",
        "status",
        "lat",
        "lon",
        "desa_code",
        "kecamatan_code",
        "created_at",
        "updated_at",
    } <= set(rows[0])
    assert all(r["desa_code"].startswith("63.03.") for r in rows)


# -- personal data (UU PDP): masked by default, unmasked for an admin with a reason, audited ------------
def _audit(data: Path, action: str) -> list[dict]:
    from operator_desk.store.database import connect

    conn = connect(data / "desk.sqlite", readonly=True)  # keyed (store/keys.py)
    try:
        rows = conn.execute("SELECT operator, detail FROM audit WHERE action=? ORDER BY seq", (action,)).fetchall()
    finally:
        conn.close()
    return [{"operator": op, **json.loads(detail)} for op, detail in rows]


def test_export_is_masked_by_default_with_the_same_fields(demo_dir: Path, tmp_path: Path) -> None:
    import re
    import stat

    res = run("export", "--data-dir", str(demo_dir), "--what", "calls")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    full = [json.loads(line) for line in run_as(
        "Admin", "export", "--data-dir", str(demo_dir), "--what", "calls", "--unmasked", "--as", "Admin",
        "--reason", "compare").stdout.splitlines()]
    assert len(rows) == len(full) == 800 and list(rows[0]) == list(full[0])  # same fields, same order
    assert all(re.fullmatch(r"0\d{2,3}-\*{4}-\d{3,4}", r["caller_number"]) for r in rows)
    assert sum(len(r["caller_number"]) == len("0812-****-3373") for r in rows) > 200  # many mobiles
    for masked, plain in zip(rows, full, strict=True):
        national = "0" + plain["caller_number"][3:]
        keep = min(4, (len(national) - 4) // 2)  # at least four digits hidden, at most four kept each end
        assert masked["caller_number"] == f"{national[:keep]}-****-{national[-keep:]}"
        assert masked["notes"] is None and masked["outcome"] == plain["outcome"]
    out = tmp_path / "inc.csv"
    res = run("export", "--data-dir", str(demo_dir), "--what", "incidents", "--format", "csv", "--out", str(out))
    assert res.returncode == 0 and json.loads(res.stdout)["masked"] is True
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    inc = list(csv.DictReader(io.StringIO(out.read_text())))
    assert all(r["narrative"] == "" and r["address"] == "" for r in inc)
    assert all(re.fullmatch(r"([A-Z0-9]\. ?)*", r["caller_name"]) for r in inc)
    plain = [json.loads(line) for line in run_as(
        "Admin", "export", "--data-dir", str(demo_dir), "--what", "incidents", "--unmasked", "--as", "Admin",
        "--reason", "compare").stdout.splitlines()]
    assert len(plain) == len(inc) and any(p["narrative"] for p in plain)
    assert any(p["caller_name"] and len(p["caller_name"]) > 4 for p in plain)
    exports = _audit(demo_dir, "export")
    assert [e["what"] for e in exports][-2:] == ["calls", "incidents"] and exports[-1]["masked"] is True
    unmasked = _audit(demo_dir, "export_unmasked")[-2]
    assert (unmasked["operator"], unmasked["reason"], unmasked["records"]) == ("Admin", "compare", 800)


@pytest.mark.parametrize(
    ("who", "extra", "reason"),
    [
        (None, ("--unmasked",), "--unmasked needs --as NAME"),
        ("Admin", ("--unmasked", "--as", "Admin"), "--unmasked needs --as NAME"),
        ("Ahmad", ("--unmasked", "--as", "Ahmad", "--reason", "x"), "may not export_unmasked"),
        ("nobody", ("--unmasked", "--as", "Admin", "--reason", "x"), "wrong name or password"),
    ],
)
def test_unmasked_export_needs_an_admin_and_a_reason(demo_dir: Path, who: str | None,
                                                     extra: tuple[str, ...], reason: str) -> None:
    args = ("export", "--data-dir", str(demo_dir), "--what", "calls", *extra)
    res = run_as(who, *args) if who else run(*args)
    assert res.returncode != 0 and res.stdout == ""
    assert reason in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_report_masks_operators_and_is_audited(demo_dir: Path, tmp_path: Path) -> None:
    import stat

    args = ("report", "--data-dir", str(demo_dir), "--from", "2020-01-01", "--to", "2030-12-31")
    masked = json.loads(run(*args).stdout)
    full = json.loads(run_as("Admin", *args, "--unmasked", "--as", "Admin", "--reason", "evaluasi").stdout)
    assert masked["masked"] is True and full["masked"] is False
    names = [o["operator"] for o in full["operators"]]
    assert names and all(len(n) > 2 for n in names)
    assert [o["operator"] for o in masked["operators"]] == [
        " ".join(f"{w[0].upper()}." for w in n.split()) for n in names]
    assert masked["calls"] == full["calls"]  # the figures are the same
    pdf = tmp_path / "r.pdf"
    assert run(*args, "--format", "pdf", "--out", str(pdf)).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF") and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert _audit(demo_dir, "report_unmasked")[-1]["reason"] == "evaluasi"
    assert _audit(demo_dir, "report")[-1]["format"] == "pdf"


def test_subject_report_json_and_pdf(demo_dir: Path, tmp_path: Path) -> None:
    import stat

    from operator_desk.store.database import connect

    conn = connect(demo_dir / "desk.sqlite", readonly=True)  # keyed (store/keys.py)
    number, n = conn.execute(
        "SELECT caller_number, count(*) FROM calls GROUP BY caller_number ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    conn.close()
    pdf = tmp_path / "subjek.pdf"
    args = ("subject-report", "--data-dir", str(demo_dir), "--number", "0" + number[3:], "--out", str(pdf),
            "--as", "Admin", "--reason", "permintaan 1/2026")
    res = run_as("Admin", *args)
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout)
    assert rep["subject"]["number"] == number and len(rep["calls"]) == n
    assert {c["caller_number"] for c in rep["calls"]} == {number}
    assert pdf.read_bytes().startswith(b"%PDF") and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert _audit(demo_dir, "subject_report")[-1]["reason"] == "permintaan 1/2026"
    res = run_as("Rina", *args[:-4], "--as", "Rina", "--reason", "x")  # a supervisor is not an admin
    assert res.returncode != 0 and "may not subject_report" in res.stderr
    res = run_as("Admin", "subject-report", "--data-dir", str(demo_dir), "--number", "bukan nomor",
                 "--as", "Admin", "--reason", "x")
    assert res.returncode != 0 and "not a phone number" in res.stderr


def test_export_eidd(demo_dir: Path) -> None:
    res = run("export-eidd", "--data-dir", str(demo_dir), "--all")
    assert res.returncode == 0, res.stderr
    docs = json.loads(res.stdout)
    number = docs[0]["incidentComponent"]["incidentTrackingIdentifier"]
    one = json.loads(run("export-eidd", "--data-dir", str(demo_dir), "--incident", number).stdout)
    assert one["incidentComponent"]["incidentTrackingIdentifier"] == number
    assert one["locationComponent"][0]["locationByValue"]["coordinates"][0] < 0  # south of the equator
    assert one["callComponent"] and one["callComponent"][0]["callbackNumberURI"].startswith("tel:+62")


def test_check_passes_then_detects_tampering(demo_dir: Path, tmp_path: Path) -> None:
    res = run("check", "--data-dir", str(demo_dir))
    assert res.returncode == 0, res.stdout
    assert json.loads(res.stdout)["ok"] is True
    # a copy whose audit row was altered behind the desk's back (triggers dropped first)
    import shutil

    from operator_desk.store.database import connect

    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(demo_dir / "desk.sqlite", bad / "desk.sqlite")
    shutil.copytree(demo_dir / "keys", bad / "keys")  # the store's key goes with it
    conn = connect(bad / "desk.sqlite")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET operator='mallory' WHERE seq=5")
    conn.commit()
    conn.close()
    res = run("check", "--data-dir", str(bad))
    assert res.returncode == 1
    assert "audit" in res.stderr and "seq 5" in res.stderr or "row 5" in res.stderr


def test_errors_are_one_line_with_the_reason(tmp_path: Path) -> None:
    res = run("export", "--data-dir", str(tmp_path / "nothing"), "--what", "calls")
    assert res.returncode != 0
    assert "no desk store" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = run("export-eidd", "--data-dir", str(tmp_path / "nothing"), "--incident", "X")
    assert res.returncode != 0 and len(res.stderr.strip().splitlines()) == 1


def run_in(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "operator_desk.cli", *args], capture_output=True, text=True, timeout=120,
        input=stdin,
    )


def test_demo_data_lists_its_accounts_with_passwords(demo_dir: Path) -> None:
    res = run("accounts", "list", "--data-dir", str(demo_dir))
    assert res.returncode == 0, res.stderr
    listed = {a["name"]: a["role"] for a in json.loads(res.stdout)}
    assert listed == {"Admin": "admin", "Rina": "supervisor", "Ahmad": "operator", "Siti": "operator",
                      "Yusuf": "operator"}
    from operator_desk.store.database import connect

    conn = connect(demo_dir / "desk.sqlite", readonly=True)  # keyed (store/keys.py)
    try:
        hashes = [r[0] for r in conn.execute("SELECT password_hash FROM accounts")]
    finally:
        conn.close()
    assert len(hashes) == 5 and all(h.startswith("$argon2id$") for h in hashes)  # hashes are stored (read through the store's key) ...
    assert b"$argon2id$" not in (demo_dir / "desk.sqlite").read_bytes()  # ... and never in clear on disk


def test_accounts_add_list_disable_enable_reset(tmp_path: Path) -> None:
    d = str(tmp_path / "d")
    res = run_in("rahasia-admin\n", "accounts", "add", "--data-dir", d, "--name", "Budi", "--role", "admin")
    assert res.returncode == 0, res.stderr
    budi = json.loads(res.stdout)
    assert (budi["name"], budi["role"], budi["disabled"]) == ("Budi", "admin", False)
    res = run_in("rahasia-op-1\n", "accounts", "add", "--data-dir", d, "--name", "Ani", "--role", "operator")
    assert res.returncode == 0, res.stderr
    assert b"rahasia" not in (tmp_path / "d" / "desk.sqlite").read_bytes()  # hashes only
    res = run("accounts", "disable", "--data-dir", d, "--name", "Ani")
    assert res.returncode == 0 and json.loads(res.stdout)["disabled"] is True
    listed = {a["name"]: a for a in json.loads(run("accounts", "list", "--data-dir", d).stdout)}
    assert set(listed) == {"Budi", "Ani"} and listed["Ani"]["disabled"] and not listed["Budi"]["disabled"]
    res = run("accounts", "enable", "--data-dir", d, "--name", "Ani")
    assert res.returncode == 0 and json.loads(res.stdout)["disabled"] is False
    res = run_in("sementara-9\n", "accounts", "reset", "--data-dir", d, "--name", "Ani")
    assert res.returncode == 0 and json.loads(res.stdout)["must_change"] is True
    res = run("accounts", "idle-lock", "--data-dir", d, "--minutes", "20")
    assert res.returncode == 0 and json.loads(res.stdout) == {"idle_lock_minutes": 20}


@pytest.mark.parametrize(
    ("stdin", "args", "reason"),
    [
        ("", ("add", "--name", "X", "--role", "admin"), "no password on stdin"),
        ("pendek\n", ("add", "--name", "X", "--role", "admin"), "at least 8 characters"),
        ("", ("disable", "--name", "Nobody"), "no account named 'Nobody'"),
        ("", ("idle-lock", "--minutes", "45"), "1 to 30 minutes"),
    ],
)
def test_accounts_errors_are_one_line_with_the_reason(tmp_path: Path, stdin: str, args: tuple[str, ...],
                                                      reason: str) -> None:
    res = run_in(stdin, "accounts", args[0], "--data-dir", str(tmp_path / "d"), *args[1:])
    assert res.returncode != 0
    assert reason in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_login_from_stdin_for_a_screenshot_and_a_refused_one(tmp_path: Path) -> None:
    import os

    d = str(tmp_path / "d")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    assert run_in("rahasia-admin\n", "accounts", "add", "--data-dir", d, "--name", "Budi", "--role",
                  "admin").returncode == 0

    def desk(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "operator_desk.cli", "--data-dir", d,
                               "--call-source", "simulator", *args], capture_output=True, text=True,
                              timeout=120, input=stdin, env=env)

    shot = tmp_path / "in.png"
    res = desk("rahasia-admin\n", "--login", "Budi", "--screenshot", str(shot))
    assert res.returncode == 0, res.stderr
    assert shot.stat().st_size > 10_000
    res = desk("salah-sandi\n", "--login", "Budi", "--screenshot", str(tmp_path / "no.png"))
    assert res.returncode == 2 and "bad_credentials" in res.stderr and not (tmp_path / "no.png").exists()
    res = desk("", "--operator", "Budi")  # a typed name is not a log-in
    assert res.returncode == 2 and "--login" in res.stderr
    login_shot = tmp_path / "login.png"
    res = desk("", "--screenshot", str(login_shot))  # nobody logged in: the log-in dialog is in the picture
    assert res.returncode == 0, res.stderr
    assert login_shot.stat().st_size > 10_000
