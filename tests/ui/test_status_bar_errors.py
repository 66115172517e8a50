"""The status bar's sync and telephony texts are the labels of their codes, never a raw code or message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from operator_desk.domain.errors import ErrorCode
from operator_desk.domain.timeutil import WITA
from operator_desk.sync.engine import SyncStatus
from operator_desk.telephony.source import SourceStatus
from operator_desk.ui.errors import error_label
from operator_desk.ui.status import DeskStatusBar


@pytest.fixture
def bar(qtbot) -> Iterator[DeskStatusBar]:  # type: ignore[no-untyped-def]
    b = DeskStatusBar("D1", WITA, lambda: 1_764_800_000_000)
    qtbot.addWidget(b)
    yield b
    b.stop()


@pytest.mark.parametrize(
    "code", [ErrorCode.CLOCK_SKEW, ErrorCode.NOT_ENROLLED, ErrorCode.SERVER_FORBIDDEN, ErrorCode.SYNC_FAILED]
)
def test_a_refused_sync_shows_the_label_of_its_code(bar: DeskStatusBar, code: ErrorCode) -> None:
    bar.set_sync(SyncStatus(online=code is not ErrorCode.SYNC_FAILED, waiting=3, error=str(code)))
    text = bar.sync.text()
    assert text.startswith(error_label(code)) and "3 changes waiting" in text
    assert str(code) not in text.replace(error_label(code), "")
    assert "bold" in bar.sync.styleSheet()


def test_online_offline_and_an_unknown_code(bar: DeskStatusBar) -> None:
    bar.set_sync(SyncStatus(online=True))
    assert bar.sync.text() == "Online" and bar.sync.styleSheet() == ""
    bar.set_sync(SyncStatus(online=False, error="offline"))
    assert bar.sync.text() == "Offline"
    bar.set_sync(SyncStatus(online=True, error="teapot_418"))  # a server newer than this desk
    assert bar.sync.text() == error_label(ErrorCode.INTERNAL) and "teapot" not in bar.sync.text()


def test_call_source_problems_are_labels(bar: DeskStatusBar) -> None:
    bar.set_source(SourceStatus("sip", False, "worker_crashed"))
    assert bar.source.text() == error_label(ErrorCode.SIP_RESTARTING)
    bar.set_source(SourceStatus("sip", False, "no_audio_device"))
    assert bar.source.text() == "SIP — " + error_label(ErrorCode.NO_AUDIO_DEVICE)
    bar.set_source(SourceStatus("sip", False, "PJSIP_EINVAL 70004"))  # never the raw detail
    assert "PJSIP" not in bar.source.text() and error_label(ErrorCode.INTERNAL) in bar.source.text()
    bar.set_source(SourceStatus("sip", True))
    assert bar.source.text() == "SIP" and bar.source.styleSheet() == ""
