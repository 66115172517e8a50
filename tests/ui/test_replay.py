"""The call-recording replay widget: background load, waveform, seek, speed, unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from operator_desk.telephony.audio.dsp import ToneGenerator
from operator_desk.telephony.audio.recorder import CallRecorder


def make_recording(path: Path, seconds: float = 2.0) -> Path:
    rec = CallRecorder(path, 8000)
    caller, operator = ToneGenerator(1234.0, 8000), ToneGenerator(700.0, 8000)
    for _ in range(int(seconds * 50)):
        rec.push(caller.next_int16(160), operator.next_int16(160))
    return Path(rec.close().path)


def test_loads_in_background_and_draws_both_tracks(qtbot, tmp_path: Path) -> None:
    from operator_desk.ui.replay import ReplayWidget

    path = make_recording(tmp_path / "call.flac")
    widget = ReplayWidget()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000) as blocker:
        widget.load(path)
    assert blocker.args == [pytest.approx(2.0)]
    x, y = widget._caller_curve.getData()
    assert len(x) > 100 and y.min() > 0.0  # the caller trace sits above the axis
    _, y_op = widget._operator_curve.getData()
    assert y_op.max() < 0.0  # the operator trace below it
    assert widget.findChild(type(widget._play_button), "replayPlay").isEnabled()

    widget.seek(1.0)
    assert widget.player.position_s == pytest.approx(1.0)
    assert widget._time.text() == "0:01 / 0:02"
    assert widget._cursor.value() == pytest.approx(1.0)
    widget._speed.setCurrentIndex(widget._speed.findData(1.5))
    assert widget.player.speed == 1.5


def test_unreadable_file_reports_a_code(qtbot, tmp_path: Path) -> None:
    from operator_desk.ui.replay import ReplayWidget

    bad = tmp_path / "broken.flac"
    bad.write_bytes(b"not audio")
    widget = ReplayWidget()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.failed, timeout=5000) as blocker:
        widget.load(bad)
    assert blocker.args == ["recording_unreadable"]
    assert widget._status.text()
    assert not widget._play_button.isEnabled()


def test_a_newer_load_wins(qtbot, tmp_path: Path) -> None:
    from operator_desk.ui.replay import ReplayWidget

    first = make_recording(tmp_path / "a.flac", 3.0)
    second = make_recording(tmp_path / "b.flac", 1.0)
    widget = ReplayWidget()
    qtbot.addWidget(widget)
    widget.load(first)
    with qtbot.waitSignal(widget.loaded, timeout=5000, check_params_cb=lambda d: d == pytest.approx(1.0)):
        widget.load(second)
    qtbot.wait(200)
    assert widget.player.recording is not None
    assert widget.player.recording.duration_s == pytest.approx(1.0)
