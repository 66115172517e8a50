"""Replay from the call log: Enter on a recorded call opens its waveform; the replay is audited."""

from __future__ import annotations

import hashlib

import numpy as np
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from operator_desk.app import Desk
from operator_desk.services.recordings import RecordingService


def _record(desk: Desk, tmp_path) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    call_id = desk.calls.ring("081234567890")
    desk.calls.close(call_id, "information")
    t = np.arange(8000 * 2) / 8000
    audio = np.stack([0.3 * np.sin(2 * np.pi * 1234 * t), 0.3 * np.sin(2 * np.pi * 700 * t)], axis=1)
    path = tmp_path / "call.flac"
    sf.write(path, audio, 8000, format="FLAC")
    RecordingService(desk.store, desk.store.path.parent).attach(
        call_id, str(path), 2.0, hashlib.sha256(path.read_bytes()).hexdigest())
    return call_id, path


def _open_from_log(qtbot, desk: Desk):  # type: ignore[no-untyped-def]
    """Enter on the newest row; returns the replay dialog it opened."""
    table = desk.window.call_log.table
    qtbot.waitUntil(lambda: desk.window.call_log.model.rowCount() >= 1, timeout=2000)
    table.setFocus()
    table.setCurrentIndex(desk.window.call_log.model.index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)

    def dialogs() -> list:  # type: ignore[type-arg]
        return [w for w in QApplication.topLevelWidgets() if w.objectName() == "replayDialog" and w.isVisible()]

    try:  # the file is hashed and the replay audited off the GUI thread, then the dialog opens
        qtbot.waitUntil(lambda: bool(dialogs()), timeout=3000)
    except AssertionError:
        return None
    return dialogs()[-1]


def test_enter_on_recorded_call_opens_replay_and_audits(qtbot, desk: Desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    call_id, _path = _record(desk, tmp_path)
    dialog = _open_from_log(qtbot, desk)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.warning.text() == ""  # the file matches its SHA-256
    qtbot.waitUntil(lambda: dialog.loaded_s is not None, timeout=5000)  # loaded off the GUI thread
    assert dialog.loaded_s == 2.0  # the waveform of the 2-second recording is drawn
    audits = desk.store.query("SELECT detail FROM audit WHERE action='recording_replay' AND pk=?", (call_id,))
    assert len(audits) == 1 and '"verified": true' in audits[0][0]
    dialog.close()


def test_tampered_recording_is_flagged(qtbot, desk: Desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _call_id, path = _record(desk, tmp_path)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    dialog = _open_from_log(qtbot, desk)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert "SHA-256" in dialog.warning.text()
    dialog.close()
