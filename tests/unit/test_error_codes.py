"""One ErrorCode list: every code the core raises is in it, every member has an English label and a
finished Indonesian translation, and a store error says which problem it is (real SQLite failures)."""

from __future__ import annotations

import ast
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from operator_desk import i18n
from operator_desk.domain.errors import DeskError, DomainError, ErrorCode, NotFound, ValidationError
from operator_desk.store.database import StoreError, connect
from operator_desk.store.store import Store
from operator_desk.telephony.audio.devices import AudioDeviceError
from operator_desk.ui.errors import code_of, error_label, labels_table, message_for

PACKAGE = Path(__file__).resolve().parents[2] / "operator_desk"


def _ts_messages(context: str) -> dict[str, tuple[str, str]]:
    """source -> (translation text, type) of one context of the shipped Indonesian .ts."""
    ts = i18n.translations_dir() / "operator_desk_id.ts"
    found: dict[str, tuple[str, str]] = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        if ctx.findtext("name") != context:
            continue
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            text = (tr.text or "").strip() if tr is not None else ""
            kind = (tr.get("type") or "") if tr is not None else "missing"
            found[msg.findtext("source") or ""] = (text, kind)
    return found


def test_every_code_has_one_english_label() -> None:
    table = labels_table()
    assert set(table) == set(ErrorCode), f"no label for {set(ErrorCode) - set(table)}"
    for code, label in table.items():
        assert label.strip() and label != code.value, f"{code.name}: {label!r}"
    duplicates = {label for label in table.values() if list(table.values()).count(label) > 1}
    assert not duplicates, f"two codes share a label: {duplicates}"


def test_every_label_has_a_finished_indonesian_translation() -> None:
    messages = _ts_messages("Errors")
    problems = []
    for code, english in labels_table().items():
        text, kind = messages.get(english, ("", "missing"))
        if not text or kind in ("missing", "unfinished", "vanished", "obsolete") or text == english:
            problems.append(f"{code.name}: {english!r} ({kind or 'not translated'})")
    assert problems == [], "Errors context of operator_desk_id.ts:\n" + "\n".join(problems)


def test_an_unknown_code_gets_the_generic_label_never_the_code() -> None:
    generic = labels_table()[ErrorCode.INTERNAL]
    assert error_label("no_such_code") == generic
    assert error_label(None) == generic
    assert error_label("incident_closed") == labels_table()[ErrorCode.INCIDENT_CLOSED] != generic


# -- every code the core raises or reports is an ErrorCode -------------------------------------------
RAISERS = ("DomainError", "DeskError", "AudioDeviceError", "StoreError", "SyncRejected")


def _codes_in_the_core() -> dict[str, set[str]]:
    """Literal codes given to the core's errors, validation problems, call-source and sync statuses."""
    found: dict[str, set[str]] = {}

    def add(value: object, where: str) -> None:
        if isinstance(value, str) and value.isidentifier():
            found.setdefault(value, set()).add(where)

    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(PACKAGE / "ui") or path.is_relative_to(PACKAGE / "server"):
            continue  # the UI maps codes; the server's codes reach a desk through SyncRejected
        where = str(path.relative_to(PACKAGE))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                # StoreError's first argument is its log text, not a code
                if (
                    name in RAISERS
                    and name != "StoreError"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    add(node.args[0].value, where)
                for kw in node.keywords:
                    if name in RAISERS and kw.arg == "code" and isinstance(kw.value, ast.Constant):
                        add(kw.value.value, where)
                if name == "ValidationError" and node.args and isinstance(node.args[0], ast.Dict):
                    for v in node.args[0].values:
                        add(getattr(v, "value", None), where)
                if name == "SourceStatus" and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
                    add(node.args[2].value, where)
                if name == "_set_status" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                    add(node.args[1].value, where)  # the SIP call source's status detail
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                target = node.targets[0]
                if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") == "problems":
                    add(node.value.value, where)  # problems[field] = "code"
                if isinstance(target, ast.Name) and target.id.startswith("E_") and where.startswith("sync"):
                    add(node.value.value, where)  # the wire's error codes (sync/protocol.py)
            elif isinstance(node, ast.ClassDef) and node.name.endswith("Error") and where.startswith("sync"):
                for stmt in node.body:  # SyncClientError.code = "offline", ...
                    if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", "") == "code":
                        add(getattr(stmt.value, "value", None), where)
            elif isinstance(node, ast.Dict) and where.startswith("telephony"):
                for k, v in zip(node.keys, node.values, strict=True):  # {"ev": "status", "detail": code}
                    if isinstance(k, ast.Constant) and k.value == "detail" and isinstance(v, ast.Constant):
                        add(v.value, where)
    return found


def test_every_code_the_core_raises_is_an_error_code() -> None:
    found = _codes_in_the_core()
    # the scan sees what it must: refusals, validation, audio, SIP status, sync
    for expected in (
        "incident_closed",
        "unknown_outcome",
        "not_a_count",
        "ring_device_unavailable",
        "worker_crashed",
        "bad_config",
        "offline",
        "clock_skew",
        "unauthorized",
    ):
        assert expected in found, f"the scan missed {expected!r}"
    values = {c.value for c in ErrorCode}
    unknown = {code: sorted(where) for code, where in found.items() if code not in values}
    assert unknown == {}, f"codes without an ErrorCode (add them, with a label): {unknown}"


# -- the exceptions carry their code ----------------------------------------------------------------
def test_domain_and_audio_errors_are_desk_errors_with_their_code() -> None:
    exc = ValidationError({"category": "required", "narrative": "too_long"})
    assert isinstance(exc, DeskError) and exc.code == ErrorCode.REQUIRED and exc.field == "category"
    assert code_of(NotFound("incident", "x")) is ErrorCode.NOT_FOUND
    audio = AudioDeviceError("no_audio_device", "replay output None: Error querying device -1")
    assert isinstance(audio, RuntimeError) and isinstance(audio, DeskError)
    assert code_of(audio) is ErrorCode.NO_AUDIO_DEVICE
    assert "Error querying device" in str(audio)  # the library's text is kept for the log ...
    assert "querying" not in message_for(audio)  # ... and never shown
    assert code_of(DomainError("made_up", "x")) is ErrorCode.INTERNAL
    assert code_of(RuntimeError("boom")) is ErrorCode.INTERNAL
    assert code_of(RuntimeError("boom"), ErrorCode.NO_AUDIO_DEVICE) is ErrorCode.NO_AUDIO_DEVICE
    assert code_of(OSError(28, "No space left on device")) is ErrorCode.STORE_FULL


def test_a_full_disk_is_store_full(store: Store) -> None:
    def fill(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")

    store.raw_write(fill)
    with pytest.raises(StoreError) as info:
        store.write(lambda tx: tx.insert_record("callers", {"number": "+628123", "name": "x" * 200_000}))
    assert info.value.code == ErrorCode.STORE_FULL
    assert "full" in str(info.value)  # SQLite's text stays in the message, for the log


def test_a_damaged_or_foreign_file_is_store_corrupt(tmp_path: Path) -> None:
    bad = tmp_path / "desk.sqlite"
    bad.write_bytes(b"this is not sqlite\n" * 100)
    with pytest.raises(StoreError) as info:
        Store(bad)
    assert info.value.code == ErrorCode.STORE_CORRUPT


def test_a_closed_store_and_a_read_only_file(tmp_path: Path) -> None:
    s = Store(tmp_path / "desk.sqlite")
    s.close()
    with pytest.raises(StoreError) as info:
        s.query("SELECT 1")
    assert info.value.code == ErrorCode.STORE_CLOSED
    ro = connect(tmp_path / "desk.sqlite", readonly=True)  # keyed (store/keys.py)
    try:
        with pytest.raises(sqlite3.OperationalError) as raw:
            ro.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    finally:
        ro.close()
    try:
        raise StoreError(f"desk.sqlite: write failed ({raw.value})") from raw.value
    except StoreError as exc:
        assert exc.code == ErrorCode.STORE_READ_ONLY
    assert StoreError("anything", ErrorCode.STORE_BUSY).code == ErrorCode.STORE_BUSY
    assert StoreError("disk I/O error").code == ErrorCode.STORE_NOT_WRITABLE
