"""Data at rest (issue 11): a copied desk store (with its WAL), hub database or recording reveals no
caller's number or words; without the key none of them opens (one clear error); a plaintext store from
before is encrypted on open without losing anything; no file of the data dir holds the sync token or
the SIP password in plain text.

Real parts throughout: the desk's Store and services, a real hub process (hubproc.Hub) that the desk
syncs with and uploads its recording to, the command line for the refusals.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile
from hubproc import Hub

from operator_desk import settings as desk_settings
from operator_desk.domain.errors import ErrorCode
from operator_desk.domain.location import Location
from operator_desk.server import recordings as hub_recordings
from operator_desk.server.sqlite_backend import DB_FILE, HubKeyError, connect_hub
from operator_desk.services.calls import CallService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.recordings import RecordingService, RecordingUploader
from operator_desk.store import database, keys
from operator_desk.store.database import StoreError, connect
from operator_desk.store.store import Store
from operator_desk.sync.cli import credentials, join
from operator_desk.sync.engine import SyncEngine
from operator_desk.telephony.audio.player import load_recording
from operator_desk.telephony.audio.recorder import CallRecorder

NUMBER = "+6281255501234"
NATIONAL = "081255501234"
NAME = "Siti Rahmawati Aminah"
NARRATIVE = "Rumah terbakar di belakang Masjid Al-Falah, dua anak terjebak di lantai atas"
NOTE = "Penelepon menangis, minta Damkar segera datang"
SECRETS = (NUMBER, NATIONAL, NAME, NARRATIVE[:30], NOTE[:25])
DESK = [sys.executable, "-m", "operator_desk.cli"]


def leaks(files: list[Path], needles: tuple[str, ...] = SECRETS) -> list[str]:
    """Which known values appear in the raw bytes of which file (UTF-8 and UTF-16, as SQLite may hold)."""
    found = []
    for f in files:
        raw = f.read_bytes()
        for needle in needles:
            for form in (needle.encode("utf-8"), needle.encode("utf-16-le")):
                if form in raw:
                    found.append(f"{f.name}: {needle!r}")
    return found


def fill(store: Store) -> tuple[str, str]:
    """A caller card, a call with a note, an emergency with its narrative; returns (call id, incident id)."""
    store.write(lambda tx: tx.insert_record("callers", {"number": NUMBER, "name": NAME}))
    calls = CallService(store)
    call_id = calls.ring(NATIONAL)
    incident = IncidentService(store).create(
        {
            "category": "fire",
            "priority": "P1",
            "narrative": NARRATIVE,
            "caller_name": NAME,
            "caller_number": NUMBER,
            "location": Location(address="Jl. Sekumpul Gg. Purnama", confirmed=True),
        },
        call_id=call_id,
    )
    store.write(lambda tx: tx.update_record("calls", call_id, {"notes": NOTE}))
    return call_id, incident


def record(path: Path, seconds: float = 1.0) -> tuple[str, float, str]:
    rec = CallRecorder(path, 8000)
    t = np.arange(int(8000 * seconds)) / 8000
    tone = (np.sin(2 * np.pi * 523 * t) * 9000).astype(np.int16)
    rec.push(tone, tone[::-1].copy())
    res = rec.close()
    return res.path, res.duration_s, res.sha256


def copy_files(src: Path, dest: Path, names: list[str]) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name in names:
        if (src / name).exists():
            shutil.copyfile(src / name, dest / name)
            out.append(dest / name)
    return out


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Path, Store]]:
    data = tmp_path / "desk"
    store = Store(data / "desk.sqlite")
    yield data, store
    store.close()


def test_a_copied_store_and_its_wal_reveal_nothing_and_do_not_open(
    desk: tuple[Path, Store], tmp_path: Path
) -> None:
    data, store = desk
    call_id, incident = fill(store)
    # the live files, as someone copying them off the running desk would get them (WAL not checkpointed)
    copies = copy_files(data, tmp_path / "stolen", ["desk.sqlite", "desk.sqlite-wal"])
    assert {p.name for p in copies} == {"desk.sqlite", "desk.sqlite-wal"}
    assert leaks(copies) == []
    # the other side: the desk itself reads every value back through its key
    assert store.query("SELECT narrative FROM incidents WHERE id=?", (incident,))[0][0] == NARRATIVE
    assert store.query("SELECT notes FROM calls WHERE id=?", (call_id,))[0][0] == NOTE
    # without the key: one clear error, not a traceback; plain SQLite sees no database at all
    with pytest.raises(StoreError) as missing:
        connect(tmp_path / "stolen" / "desk.sqlite", readonly=True)
    assert missing.value.code == ErrorCode.STORE_KEY_MISSING and "key file" in str(missing.value)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(tmp_path / "stolen" / "desk.sqlite").execute("SELECT * FROM calls").fetchall()
    # a key, but another desk's: refused as the wrong key (and the copy is not damaged by the try)
    keys.create_key(tmp_path / "stolen" / "keys" / "desk.sqlite.key")
    with pytest.raises(StoreError) as wrong:
        Store(tmp_path / "stolen" / "desk.sqlite")
    assert wrong.value.code == ErrorCode.STORE_KEY_WRONG and "does not open" in str(wrong.value)
    # with the desk's key file beside it the copy opens (what a restore with its key gets)
    shutil.copyfile(keys.key_file_for(data / "desk.sqlite"), tmp_path / "stolen" / "keys" / "desk.sqlite.key")
    conn = connect(tmp_path / "stolen" / "desk.sqlite", readonly=True)
    try:
        assert (
            conn.execute("SELECT narrative FROM incidents WHERE id=?", (incident,)).fetchone()[0] == NARRATIVE
        )
    finally:
        conn.close()


def test_the_command_line_names_a_missing_key_in_one_line(desk: tuple[Path, Store], tmp_path: Path) -> None:
    data, store = desk
    fill(store)
    store.close()
    stolen = tmp_path / "stolen"
    copy_files(data, stolen, ["desk.sqlite"])
    res = subprocess.run(
        [*DESK, "export", "--what", "calls", "--data-dir", str(stolen)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode != 0 and res.stdout == ""
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "key file" in lines[0] and "Traceback" not in res.stderr, res.stderr
    assert not (stolen / "keys").exists()  # no new key was made for a store that has one elsewhere


def test_hub_database_and_recordings_reveal_nothing(desk: tuple[Path, Store], tmp_path: Path) -> None:
    data, store = desk
    hub = Hub(tmp_path).start()
    try:
        token = hub.enroll("desk A")["token"]
        join(store, hub.url, token)  # first: the calls are then taken under the enrolled site id
        call_id, _ = fill(store)
        path, duration, sha = record(data / "recordings" / f"{call_id}.flac")
        RecordingService(store, data).attach(call_id, path, duration, sha)
        # the desk's recording: sealed (no FLAC header, undecodable as it lies), replayable in memory
        raw = Path(path).read_bytes()
        assert not raw.startswith(b"fLaC") and b"fLaC" not in raw
        with pytest.raises(soundfile.LibsndfileError):
            soundfile.read(path)
        assert load_recording(path).duration_s == pytest.approx(1.0, abs=0.01)
        engine = SyncEngine(store, hub.url, token, wait_s=0)
        try:
            engine.sync_once()
        finally:
            engine.stop()
        up = RecordingUploader(store, hub.url, token, data)
        try:
            assert up.run_once() == 1, up.stats
        finally:
            up.stop()
        stolen = copy_files(hub.dir, tmp_path / "hub-copy", [DB_FILE, f"{DB_FILE}-wal"])
        assert stolen and leaks(stolen) == []
        on_hub = hub.dir / "recordings" / f"{call_id}.flac"
        assert b"fLaC" not in on_hub.read_bytes()
        # the other side: with the hub's key, its log holds the narrative and the recording decodes
        conn = connect_hub(hub.dir)
        try:
            values = " ".join(r[0] or "" for r in conn.execute("SELECT value FROM log WHERE tbl='incidents'"))
        finally:
            conn.close()
        assert NARRATIVE in values
        with keys.open_recording(on_hub, hub_recordings.hub_recording_key(hub.dir / "recordings")) as f:
            assert soundfile.info(f).frames == 8000
        assert keys.plaintext_sha256(on_hub, hub_recordings.hub_recording_key(hub.dir / "recordings")) == sha
    finally:
        hub.stop()
    # a copied hub database without its key: a clear refusal, in Python and on the command line
    with pytest.raises(HubKeyError, match="store_key_missing"):
        connect_hub(tmp_path / "hub-copy")
    res = subprocess.run(
        [sys.executable, "-m", "operator_desk.server.cli", "check", "--data-dir", str(tmp_path / "hub-copy")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode != 0 and "store_key_missing" in res.stderr and "Traceback" not in res.stderr


def _plaintext_desk(data: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, str]:
    """A desk as it was before encryption at rest: plaintext store, plain FLAC recording."""
    monkeypatch.setattr(database, "ENCRYPT", False)
    store = Store(data / "desk.sqlite")
    try:
        call_id, incident = fill(store)
        rec = data / "recordings" / f"{call_id}.flac"
        rec.parent.mkdir(parents=True)
        soundfile.write(rec, np.zeros((8000, 2), dtype=np.int16), 8000, format="FLAC", subtype="PCM_16")
        sha = keys.plaintext_sha256(rec, None)
        RecordingService(store, data).attach(call_id, str(rec), 1.0, sha)
    finally:
        store.close()
    monkeypatch.setattr(database, "ENCRYPT", True)
    assert (
        keys.is_plaintext(data / "desk.sqlite") and NARRATIVE.encode() in (data / "desk.sqlite").read_bytes()
    )
    return call_id, incident, sha


def test_a_plaintext_store_from_before_is_encrypted_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "old"
    call_id, incident, sha = _plaintext_desk(data, monkeypatch)
    plain = sqlite3.connect(data / "desk.sqlite")
    counts = {
        t: plain.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("calls", "outbox", "audit")
    }
    plain.close()
    (data / "desk.sqlite.encrypting").write_bytes(b"left by a crash mid-way")  # an earlier attempt's leftover
    store = Store(data / "desk.sqlite")
    try:
        assert not keys.is_plaintext(data / "desk.sqlite")
        assert not (data / "desk.sqlite.encrypting").exists()
        for t, n in counts.items():
            if t == "audit":
                assert store.query(f"SELECT count(*) FROM {t}")[0][0] >= n  # reading adds no row; writes may
            else:
                assert store.query(f"SELECT count(*) FROM {t}")[0][0] == n
        assert store.query("SELECT narrative FROM incidents WHERE id=?", (incident,))[0][0] == NARRATIVE
        store.write(lambda tx: tx.update_record("calls", call_id, {"notes": NOTE + " (lanjutan)"}))
        # the older recording was sealed in place and still checks against the hash in its call record
        rec = data / "recordings" / f"{call_id}.flac"
        assert keys.is_sealed(rec) and RecordingService(store, data).verify(call_id)
    finally:
        store.close()
    assert leaks([f for f in data.iterdir() if f.is_file()]) == []
    key_file = keys.key_file_for(data / "desk.sqlite")
    assert key_file.stat().st_mode & 0o777 == 0o600 and key_file.parent.stat().st_mode & 0o777 == 0o700
    from operator_desk.services.check import check_store

    report = check_store(data / "desk.sqlite")
    assert report["problems"] == [], report["problems"]


def test_a_plaintext_store_with_changes_still_in_its_wal_loses_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "old"
    call_id, _, _ = _plaintext_desk(data, monkeypatch)
    # a process killed with a change in the WAL only (never checkpointed into the main file)
    conn = sqlite3.connect(data / "desk.sqlite", isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("UPDATE calls SET notes='hanya di WAL' WHERE id=?", (call_id,))
    crashed = tmp_path / "crashed"
    shutil.copytree(data, crashed)
    conn.close()
    assert (crashed / "desk.sqlite-wal").stat().st_size > 0
    store = Store(crashed / "desk.sqlite")
    try:
        assert store.query("SELECT notes FROM calls WHERE id=?", (call_id,))[0][0] == "hanya di WAL"
    finally:
        store.close()
    assert not keys.is_plaintext(crashed / "desk.sqlite")


def test_no_file_holds_the_token_or_the_sip_password_in_plain_text(
    desk: tuple[Path, Store], tmp_path: Path
) -> None:
    from operator_desk.server.auth import cheap_hasher
    from operator_desk.server.core import SyncServer
    from operator_desk.server.sqlite_backend import SqliteStorage

    data, store = desk
    hub = SqliteStorage(tmp_path / "hub")
    try:
        token = SyncServer(hub, hasher=cheap_hasher()).enroll("desk A")["token"]
    finally:
        hub.close()
    join(store, "https://hub.banjar.example:8112", token)
    password = "Rahasia-SIP-7731"
    sip = desk_settings.SipSettings(registrar="sip:pbx.banjar.example", user="desk1", password=password)
    desk_settings.save(desk_settings.DeskSettings(call_source="sip", sip=sip), data)
    secret_part = token.split(".", 1)[1]
    files = [f for f in data.rglob("*") if f.is_file()]
    assert {"settings.toml", "desk.sqlite"} <= {f.name for f in files}
    assert leaks(files, (secret_part, password)) == []
    # both sides: the desk gets them back through its key
    assert credentials(store) == ("https://hub.banjar.example:8112", token)
    assert desk_settings.load(data).sip.password == password
    # an older settings.toml with the password in clear is encrypted when it is next read
    (data / "settings.toml").write_text(
        f'call_source = "sip"\n[sip]\npassword = "{password}"\n', encoding="utf-8"
    )
    assert desk_settings.load(data).sip.password == password
    assert password not in (data / "settings.toml").read_text(encoding="utf-8")
    assert desk_settings.load(data).sip.password == password
    # the password sealed by another desk's key does not open here: a clear settings error
    other = tmp_path / "other"
    desk_settings.save(desk_settings.DeskSettings(sip=sip), other)
    shutil.copyfile(other / "settings.toml", data / "settings.toml")
    with pytest.raises(desk_settings.SettingsError, match="sip.password"):
        desk_settings.load(data)
