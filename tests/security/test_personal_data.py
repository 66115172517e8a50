"""Personal data at rest without encryption (UU PDP; issue 11): the data dir and every file the desk
writes are its user's only, and the desk's log never holds a caller's number, name or narrative."""

from __future__ import annotations

import logging
import logging.handlers
import os
import stat
from pathlib import Path

import pytest

from operator_desk import paths
from operator_desk.domain.location import Location
from operator_desk.domain.privacy import mask_number
from operator_desk.services.demo import generate_demo

NUMBER = "+6281234563373"
NAME = "Sulastri Wibisono"
NARRATIVE = "Asap tebal keluar dari dapur rumah panggung di belakang pasar Martapura"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_desk_session_leaves_private_files_and_a_log_without_personal_data(
    tmp_path: Path, banjar_dir: Path
) -> None:
    from operator_desk.app import setup_logging
    from operator_desk.core import build_core

    os.umask(0o022)  # what a desktop session usually has
    data = paths.data_dir(tmp_path / "desk")
    data.mkdir()
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    setup_logging(data)
    try:
        core = build_core(data, banjar_dir, "simulator", start_sync=False)
        try:
            core.set_operator("Rina")
            generate_demo(core.store, calls=60, days=2, seed=3)
            live = core.session.ring("sim-1", "0812-3456-3373")
            core.session.wait_written()
            core.calls.history(NUMBER, exclude_call=live.call_id)
            core.session.answer()
            loc = Location(lat=-3.41, lon=114.85, address="Jl. Mawar 3", source="operator", confirmed=True)
            incident = core.incidents.create(
                {"category": "fire", "priority": "P1", "location": loc, "caller_name": NAME,
                 "caller_number": NUMBER, "narrative": NARRATIVE},
                call_id=live.call_id,
            )
            core.session.finish_emergency(incident)
            logging.getLogger("operator_desk.test").warning("session done for call %s", live.call_id)
            core.store.drain()
            journal = {p.name: mode(p) for p in data.glob("desk.sqlite-*")}
            assert journal == {"desk.sqlite-wal": 0o600, "desk.sqlite-shm": 0o600}  # while the desk runs
        finally:
            core.close()
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
                h.close()
        root.setLevel(level)
    log = data / "logs" / "desk.log"
    text = log.read_text(encoding="utf-8")
    assert "session done for call" in text  # the log was written to
    national = "0" + NUMBER[3:]
    for secret in (NUMBER, NUMBER[1:], national, "0812-3456-3373", "0812 3456 3373", NAME, "Sulastri",
                   NARRATIVE[:30]):
        assert secret not in text, secret
    # what the session wrote is private: the folder 0700, every file in it 0600
    assert mode(data) == 0o700
    assert mode(data / "logs") == 0o700
    written = [p for p in data.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"desk.sqlite", "desk.log"}
    assert {str(p.relative_to(data)): oct(mode(p)) for p in written if mode(p) != 0o600} == {}
    assert {str(p.relative_to(data)) for p in data.rglob("*") if p.is_dir() and mode(p) != 0o700} == set()


def test_an_older_install_is_made_private_when_its_store_opens(tmp_path: Path) -> None:
    from operator_desk.store.store import Store

    data = tmp_path / "old"
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "desk.log").write_text("x")
    Store(data / "desk.sqlite").close()
    os.umask(0o022)
    for p in (data, data / "logs"):
        p.chmod(0o755)
    for p in (data / "desk.sqlite", data / "logs" / "desk.log"):
        p.chmod(0o644)
    store = Store(data / "desk.sqlite")
    try:
        store.write(lambda tx: tx.audit("x", "t", "1"))
    finally:
        store.close()
    assert (mode(data), mode(data / "logs")) == (0o700, 0o700)
    assert mode(data / "desk.sqlite") == mode(data / "logs" / "desk.log") == 0o600
    assert all(mode(p) == 0o600 for p in data.glob("desk.sqlite*"))


def test_a_shared_folder_is_never_narrowed(tmp_path: Path) -> None:
    """A store put straight into a sticky folder (like /tmp) leaves that folder's modes alone."""
    from operator_desk.store.store import Store

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    Store(shared / "desk.sqlite").close()
    assert mode(shared) == 0o1777 and mode(shared / "desk.sqlite") == 0o600
    other = tmp_path / "other"
    other.mkdir()
    other.chmod(0o755)
    Store(other / "not-a-desk.sqlite").close()  # not a data dir: only the file is narrowed
    assert mode(other) == 0o755 and mode(other / "not-a-desk.sqlite") == 0o600


def test_an_export_over_a_readable_file_makes_it_private(tmp_path: Path) -> None:
    out = tmp_path / "calls.jsonl"
    out.write_text("old")
    out.chmod(0o644)
    with paths.open_private(out) as fh:
        fh.write(mask_number(NUMBER) or "")
    assert mode(out) == 0o600 and out.read_text() == "0812-****-3373"


def test_the_desk_window_logs_no_caller_data(qtbot, tmp_path: Path, banjar_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The same through the real window: the ring shows the caller's history, the incident is saved."""
    from operator_desk.app import create_desk, setup_logging

    data = paths.data_dir(tmp_path / "gui")
    data.mkdir()
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    setup_logging(data)
    try:
        desk = create_desk(data, region=banjar_dir, call_source="simulator", operator="Rina")
        try:
            qtbot.addWidget(desk.window)
            generate_demo(desk.store, calls=40, days=2, seed=5)
            for _ in range(2):  # earlier calls, so the history has something to show
                desk.simulator.ring("0812-3456-3373")
                desk.session.answer()
                desk.session.close("prank")
            desk.simulator.ring("0812-3456-3373")
            desk.settle()
            assert desk.window.history.history is not None and desk.window.history.history.prank_count == 2
            live = desk.session.answer()
            loc = Location(lat=-3.41, lon=114.85, address="Jl. Mawar 3", source="operator", confirmed=True)
            incident = desk.core.incidents.create(
                {"category": "fire", "priority": "P1", "location": loc, "caller_name": NAME,
                 "caller_number": NUMBER, "narrative": NARRATIVE},
                call_id=live.call_id,
            )
            desk.session.finish_emergency(incident)
            desk.settle()
            logging.getLogger("operator_desk.test").warning("window session done")
        finally:
            desk.close()
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
                h.close()
        root.setLevel(level)
    text = (data / "logs" / "desk.log").read_text(encoding="utf-8")
    assert "window session done" in text
    for secret in (NUMBER, NUMBER[1:], "0" + NUMBER[3:], "0812-3456-3373", NAME, "Sulastri", NARRATIVE[:30]):
        assert secret not in text, secret
    assert mode(data / "logs" / "desk.log") == 0o600 and mode(data) == 0o700
