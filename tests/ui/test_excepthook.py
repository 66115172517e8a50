"""The last line of defence on the real window: an exception in a slot or a thread goes to desk.log with
its traceback, the status bar says a short translated sentence, the desk goes on. No library text on the
screen: not from a bug, not from the store, not from PortAudio (no sound card here, so it really fails)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QPushButton

from operator_desk import i18n
from operator_desk.app import Desk, setup_logging
from operator_desk.domain.errors import ErrorCode, NotFound
from operator_desk.domain.location import Location
from operator_desk.store.database import StoreError
from operator_desk.telephony.audio.devices import AudioDeviceError
from operator_desk.ui.errors import ExceptHook, error_label, install_excepthook, main_window_notifier
from operator_desk.ui.referral_board import ReferralBoard, ToneAlert

SECRET = "sqlite3.ProgrammingError: secret-library-text"


@pytest.fixture
def desk_log(tmp_path: Path) -> Iterator[Path]:
    """The real desk log of app.setup_logging (a RotatingFileHandler on the root logger), this test's only."""
    root = logging.getLogger()
    saved_level, saved = root.level, [h for h in root.handlers if isinstance(h, logging.FileHandler)]
    for h in saved:
        root.removeHandler(h)
    data = tmp_path / "data"
    setup_logging(data)
    added = [h for h in root.handlers if isinstance(h, logging.FileHandler)]
    yield data / "logs" / "desk.log"
    for h in added:
        root.removeHandler(h)
        h.close()
    for h in saved:
        root.addHandler(h)
    root.setLevel(saved_level)


@pytest.fixture
def hook(qapp, desk_log: Path) -> Iterator[ExceptHook]:  # type: ignore[no-untyped-def]
    """The call run_gui makes, right after install_translator."""
    h = install_excepthook(logging.getLogger("operator_desk"), main_window_notifier(qapp))
    yield h
    h.uninstall()


@pytest.fixture
def indonesian(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    tr = QTranslator()
    assert tr.load(str(i18n.translations_dir() / "operator_desk_id.qm"))
    QCoreApplication.installTranslator(tr)
    yield
    QCoreApplication.removeTranslator(tr)


def _broken_button(desk: Desk, exc: BaseException) -> QPushButton:
    def broken_slot() -> None:
        raise exc

    button = QPushButton("x", desk.window)
    button.clicked.connect(broken_slot)
    return button


@pytest.mark.qt_no_exception_capture
def test_a_slot_that_raises_is_logged_and_shown_briefly(
    qtbot, desk: Desk, desk_log: Path, hook, press
) -> None:  # type: ignore[no-untyped-def]
    assert desk_log.exists()
    button = _broken_button(desk, KeyError(SECRET))
    button.click()  # Qt calls the slot; its exception reaches sys.excepthook
    text = desk_log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in broken_slot" in text and SECRET in text
    shown = desk.window.statusBar().currentMessage()
    assert shown == error_label(ErrorCode.INTERNAL)
    assert "secret" not in shown and "KeyError" not in shown and "Traceback" not in shown
    assert hook.last_code is ErrorCode.INTERNAL
    # The desk goes on: the next call is answered and closed by keys.
    desk.simulator.ring("081234567890")
    press(Qt.Key.Key_F2)
    assert desk.session.current is not None
    press(Qt.Key.Key_F5)
    desk.settle()
    assert [r["outcome"] for r in desk.store.query("SELECT outcome FROM calls")] == ["ghost"]


@pytest.mark.qt_no_exception_capture
def test_a_desk_error_in_a_slot_shows_the_label_of_its_code(qtbot, desk: Desk, desk_log: Path, hook) -> None:  # type: ignore[no-untyped-def]
    _broken_button(
        desk, AudioDeviceError("ring_device_unavailable", "ring output None: Error querying device -1")
    ).click()
    shown = desk.window.statusBar().currentMessage()
    assert shown == error_label(ErrorCode.RING_DEVICE_UNAVAILABLE)
    assert "querying" not in shown
    assert "Error querying device -1" in desk_log.read_text(encoding="utf-8")  # the detail is in the log


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_thread_reaches_the_log_and_the_status_bar(
    qtbot, desk: Desk, desk_log: Path, hook
) -> None:  # type: ignore[no-untyped-def]
    def work() -> None:
        raise ValueError(SECRET)

    t = threading.Thread(target=work, name="stats-worker")
    t.start()
    t.join(5)
    qtbot.waitUntil(
        lambda: desk.window.statusBar().currentMessage() == error_label(ErrorCode.INTERNAL), timeout=2000
    )
    text = desk_log.read_text(encoding="utf-8")
    assert "in thread stats-worker" in text and "in work" in text and SECRET in text


def test_without_the_hook_nothing_is_caught_by_it(qtbot, desk: Desk, desk_log: Path) -> None:  # type: ignore[no-untyped-def]
    """The other side: uninstall puts the previous hooks back (pytest-qt's capture sees the error)."""
    import sys

    before = sys.excepthook, threading.excepthook
    h = install_excepthook(logging.getLogger("operator_desk"), None)
    assert sys.excepthook is h and threading.excepthook == h.thread_hook
    h.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


@pytest.mark.qt_no_exception_capture
def test_in_indonesian_no_english_and_no_exception_text(
    qtbot, desk: Desk, desk_log: Path, hook, indonesian
) -> None:  # type: ignore[no-untyped-def]
    _broken_button(desk, RuntimeError(SECRET)).click()
    shown = desk.window.statusBar().currentMessage()
    assert shown == error_label(ErrorCode.INTERNAL)  # through the Indonesian translator
    assert "kesalahan" in shown.lower() and "log meja" in shown
    for english in ("Unexpected", "error", "desk", "details"):
        assert english not in shown, shown
    assert "secret" not in shown and "RuntimeError" not in shown


# -- MainWindow._guarded: the operator-key boundary --------------------------------------------------
def test_guarded_shows_labels_and_logs_the_rest(qtbot, desk: Desk, caplog) -> None:  # type: ignore[no-untyped-def]
    bar = desk.window.statusBar()
    with caplog.at_level(logging.INFO, logger="operator_desk"):
        desk.window._guarded(lambda: (_ for _ in ()).throw(RuntimeError(SECRET)))
    assert bar.currentMessage() == error_label(ErrorCode.INTERNAL)
    assert SECRET in caplog.text and "Traceback" in caplog.text

    def missing() -> None:
        raise NotFound("incident", "x")

    desk.window._guarded(missing)
    assert bar.currentMessage() == error_label(ErrorCode.NOT_FOUND)

    def fill(conn: sqlite3.Connection) -> None:  # SQLite's own "database or disk is full"
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")

    desk.store.raw_write(fill)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="operator_desk"):
        desk.window._guarded(
            lambda: desk.store.write(
                lambda tx: tx.insert_record("callers", {"number": "+62811", "name": "x" * 200_000})
            )
        )
    shown = bar.currentMessage()
    assert shown.startswith("Not saved") and error_label(ErrorCode.STORE_FULL) in shown
    assert "database or disk" not in shown and "database or disk is full" in caplog.text


def test_store_error_in_the_incident_form_is_a_label(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)
    form = desk.window.form
    form.category.setCurrentIndex(form.category.findData("medical"))
    form.location = Location(lat=-3.41, lon=114.85, desa_code="63.03.05.2001", source="map", confirmed=True)
    form.narrative.setPlainText("Korban tidak sadar " * 800)  # long: it needs new pages
    desk.store.raw_write(
        lambda conn: conn.execute(
            f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}"
        )
    )
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.errors.text() != "", timeout=5000)  # the save runs off the GUI thread
    assert error_label(ErrorCode.STORE_FULL) in form.errors.text()
    assert "database or disk" not in form.errors.text() and "(" not in form.errors.text()
    form.dirty = True
    form.save_draft()
    assert form.info.text().endswith(error_label(ErrorCode.STORE_FULL))


# -- the alert sound with a real PortAudio and no sound card ------------------------------------------
def _portaudio_fails() -> str:
    try:
        import numpy as np
        import sounddevice as sd

        sd.play(np.zeros(8, dtype=np.float32), 8000)
        sd.stop()
    except Exception as exc:  # noqa: BLE001 - whatever PortAudio says is what the board must not show
        return str(exc)
    return ""


@pytest.fixture
def overdue_board(qtbot, store, clock) -> Iterator[ReferralBoard]:  # type: ignore[no-untyped-def]
    """A referral to Damkar unacknowledged for 10 min: the board sounds red at once, with a real ToneAlert."""
    from operator_desk.services.agencies import AgencyService
    from operator_desk.services.incidents import IncidentService
    from operator_desk.services.referrals import ReferralService

    raw = _portaudio_fails()
    if not raw:
        pytest.skip("this machine has a sound card: the alert plays, there is no failure to show")
    heard: list[logging.LogRecord] = []  # our own handler: caplog depends on what earlier tests did to logging

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record)

    keep = _Keep(logging.WARNING)
    board_log = logging.getLogger("operator_desk.ui.referral_board")
    board_log.addHandler(keep)
    was_disabled, board_log.disabled = board_log.disabled, False
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    incidents = IncidentService(store)
    loc = Location(
        address="Jl. Sukaramai", kecamatan_code="63.03.05", kecamatan_name="Martapura", confirmed=True
    )
    inc = incidents.create({"category": "fire", "priority": "P1", "location": loc})
    referrals = ReferralService(store)
    referrals.refer(inc, next(a for a in agencies.all() if a["kind"] == "fire")["id"])
    clock.advance(10 * 60_000)
    board = ReferralBoard(
        referrals=referrals,
        agencies=agencies,
        incidents=incidents,
        now_ms=clock,
        alert=ToneAlert(),
        tick_ms=5000,
    )
    qtbot.addWidget(board)
    board.raw_portaudio_text = raw  # type: ignore[attr-defined]
    board.heard_log = heard  # type: ignore[attr-defined]
    yield board
    board.stop()
    board_log.removeHandler(keep)
    board_log.disabled = was_disabled


def test_alert_sound_unavailable_shows_the_label_not_portaudio(qtbot, overdue_board, caplog) -> None:  # type: ignore[no-untyped-def]
    board = overdue_board
    with caplog.at_level(logging.WARNING):
        qtbot.waitUntil(lambda: board.status.text() != "", timeout=5000)
    assert board.status.text() == error_label(ErrorCode.ALERT_SOUND_UNAVAILABLE)
    assert board.raw_portaudio_text not in board.status.text()  # e.g. "Error querying device -1"
    assert "querying" not in board.status.text().lower()

    def logged() -> bool:  # PortAudio's text is in the log (the tone may fail while the fixture builds)
        records = board.heard_log
        return any(
            "alert sound failed" in r.getMessage() and board.raw_portaudio_text in r.getMessage()
            for r in records
        )

    qtbot.waitUntil(logged, timeout=2000)


def test_alert_sound_unavailable_in_indonesian(qtbot, indonesian, overdue_board) -> None:  # type: ignore[no-untyped-def]
    board = overdue_board
    qtbot.waitUntil(lambda: board.status.text() != "", timeout=5000)
    shown = board.status.text()
    assert shown.startswith("Suara peringatan tidak tersedia")
    assert "Alert sound" not in shown and board.raw_portaudio_text not in shown and "device" not in shown


def test_store_error_code_reaches_the_operator_not_sqlite(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    """A StoreError raised by hand with SQLite's text: the label, whatever the text says."""
    bar = desk.window.statusBar()

    def boom() -> None:
        raise StoreError("desk.sqlite: write failed (attempt to write a readonly database)")

    desk.window._guarded(boom)
    assert bar.currentMessage() == QCoreApplication.translate("MainWindow", "Not saved: {reason}").format(
        reason=error_label(ErrorCode.STORE_READ_ONLY)
    )


def test_settings_dialog_device_errors_are_labels(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The headset microphone of the settings (a name PortAudio does not know) fails for real: the dialog
    says which device cannot be opened, in its words, not PortAudio's."""
    from operator_desk import settings as st
    from operator_desk.ui.settings_dialog import SettingsDialog

    raw = _portaudio_fails()
    if not raw:
        pytest.skip("this machine has a sound card")
    d = SettingsDialog(st.DeskSettings(audio=st.AudioSettings(headset_input="USB Headset Mic")), tmp_path)
    qtbot.addWidget(d)
    try:
        assert d.start_meter() is False
        shown = d.audio_status.text()
        assert shown in (error_label(ErrorCode.INPUT_DEVICE_UNAVAILABLE), error_label(ErrorCode.NO_PORTAUDIO))
        assert raw not in shown and "PortAudio" not in shown and "querying" not in shown.lower()
    finally:
        d.stop_meter()
