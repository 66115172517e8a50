"""The referral send dialog (objectName `referralSend`) on real widgets over a real store: the clipboard's
text, the wa.me link the desk opens (caught with QDesktopServices.setUrlHandler, Qt's own hook for a
scheme), an SMS that cannot go without a gateway, the unmatched SMS list, and the board's button."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication

from operator_desk.domain.location import Location
from operator_desk.services.agencies import AgencyService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referral_sending import ReferralMessaging
from operator_desk.services.referrals import ReferralService
from operator_desk.store.store import Store
from operator_desk.ui.referral_send_dialog import ReferralSendDialog, open_referral_send
from operator_desk.ui.tasks import TaskRunner


class UrlCatcher(QObject):
    """Receives the URLs the desk asks the system to open (registered for the https scheme)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def world(qapp, tmp_path: Path) -> Iterator[tuple[Store, ReferralMessaging, TaskRunner, str, str]]:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "desk.sqlite")
    store.operator = "Rina"
    runner = TaskRunner()
    try:
        agencies = AgencyService(store)
        agencies.ensure_defaults()
        fire = next(a["id"] for a in agencies.all() if a["kind"] == "fire")
        store.write(
            lambda tx: tx.update_record(
                "agencies", fire, {"phone": "+625114721234", "whatsapp": "+628115000113"}
            )
        )
        loc = Location(
            lat=-3.4123,
            lon=114.8456,
            address="Jl. Sukaramai",
            desa_code="63.03.05.2003",
            desa_name="Tambak Baru",
            kecamatan_name="Martapura",
            confirmed=True,
        )
        inc = IncidentService(store).create(
            {
                "category": "fire",
                "priority": "P1",
                "location": loc,
                "caller_number": "+6281234563373",
                "narrative": "Gudang terbakar",
            }
        )
        number = store.query("SELECT number FROM incidents WHERE id=?", (inc,))[0][0]
        rid = ReferralService(store).refer(inc, fire)
        yield store, ReferralMessaging(store, center="112 Banjar"), runner, number, rid
    finally:
        runner.shutdown()
        store.close()


def _dialog(qtbot, world) -> ReferralSendDialog:  # type: ignore[no-untyped-def]
    store, msg, runner, _number, rid = world
    dialogs: list[ReferralSendDialog] = []
    open_referral_send(None, msg, runner, rid, shown=dialogs.append)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    qtbot.addWidget(dialogs[0])
    return dialogs[0]


def _state(store: Store, rid: str) -> tuple:
    row = store.query(
        "SELECT message_channel, message_status, message_error, message_to FROM referrals WHERE id=?", (rid,)
    )[0]
    return tuple(row)


def test_the_message_is_the_template_and_editable(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    store, _msg, _runner, number, rid = world
    dialog = _dialog(qtbot, world)
    assert dialog.objectName() == "referralSend"
    text = dialog.message()
    assert f"No. kejadian: {number}" in text and "Kategori: Kebakaran" in text
    assert "Peta: https://www.google.com/maps?q=-3.412300,114.845600" in text
    assert "Nomor pelapor (hubungi kembali): 0812-3456-3373" in text
    assert "Desa Tambak Baru, Kec. Martapura" in text
    assert dialog.sms_number.text() == "(0511) 4721234" or "4721234" in dialog.sms_number.text()
    assert "SMS" in dialog.counter.text()
    dialog.text.setPlainText("ubah")
    assert dialog.message() == "ubah"
    qtbot.mouseClick(dialog.findChild(type(dialog.copy_btn), "referralReset"), _left())
    assert dialog.message() == text


def _left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_copy_puts_the_edited_text_on_the_clipboard_and_records_it(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    store, _msg, _runner, number, rid = world
    dialog = _dialog(qtbot, world)
    edited = dialog.message() + "\nAkses lewat gang samping masjid"
    dialog.text.setPlainText(edited)
    qtbot.mouseClick(dialog.copy_btn, _left())
    assert QGuiApplication.clipboard().text() == edited
    qtbot.waitUntil(lambda: _state(store, rid)[:2] == ("clipboard", "copied"), timeout=5000)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Copied to the clipboard at"), timeout=5000)
    stored = store.query("SELECT message_text FROM referrals WHERE id=?", (rid,))[0][0]
    assert stored == edited


def test_whatsapp_opens_wa_me_with_the_text(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    store, _msg, _runner, number, rid = world
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    try:
        dialog = _dialog(qtbot, world)
        dialog.text.setPlainText(dialog.message() + "\nKorban: 2 orang & 1 anak #lantai2")
        expected = dialog.message()
        qtbot.mouseClick(dialog.wa_btn, _left())
        assert len(catcher.urls) == 1
        url = urlparse(catcher.urls[0].toString(QUrl.ComponentFormattingOption.FullyEncoded))
        assert (url.scheme, url.netloc, url.path) == ("https", "wa.me", "/628115000113")
        assert parse_qs(url.query)["text"] == [expected]
        assert number in parse_qs(url.query)["text"][0]
        qtbot.waitUntil(
            lambda: _state(store, rid) == ("whatsapp", "opened", None, "+628115000113"), timeout=5000
        )
        # A number typed by the operator wins; no number at all records why.
        dialog.wa_number.setText("0812 7777 8888")
        qtbot.mouseClick(dialog.wa_btn, _left())
        assert urlparse(catcher.urls[1].toString()).path == "/6281277778888"
        dialog.wa_number.setText("")
        qtbot.mouseClick(dialog.wa_btn, _left())
        assert len(catcher.urls) == 2
        qtbot.waitUntil(lambda: _state(store, rid)[:3] == ("whatsapp", "failed", "no_number"), timeout=5000)
        qtbot.waitUntil(lambda: "the agency has no phone number" in dialog.status.text(), timeout=5000)
    finally:
        QDesktopServices.unsetUrlHandler("https")


def test_sms_without_a_gateway_says_so_and_stays_ready(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    store, _msg, _runner, _number, rid = world
    dialog = _dialog(qtbot, world)
    assert "No SMS gateway" in dialog.sms_btn.toolTip()
    qtbot.mouseClick(dialog.sms_btn, _left())
    qtbot.waitUntil(lambda: _state(store, rid)[:3] == ("sms", "failed", "no_gateway"), timeout=5000)
    qtbot.waitUntil(lambda: "Ready to send again" in dialog.status.text(), timeout=5000)
    assert "no SMS gateway is set up on this desk" in dialog.status.text()
    assert dialog.sms_btn.isEnabled()


def test_unmatched_sms_are_listed_and_marked_done(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    store, msg, _runner, _number, _rid = world

    def add(tx) -> None:  # type: ignore[no-untyped-def]
        for i, (sender, text, reason) in enumerate(
            (
                ("+6281299990000", "OK BJR-X", "unknown_sender"),
                ("+625114721234", "Siap meluncur", "not_a_reply"),
            )
        ):
            tx.conn.execute(
                "INSERT INTO sms_inbound (file, received_at, sender, text, state, reason) VALUES (?,?,?,?,?,?)",
                (f"IN{i}", store.now_ms() + i, sender, text, "unmatched", reason),
            )

    store.write(add)
    dialog = _dialog(qtbot, world)
    rows = [dialog.unmatched.item(i).text() for i in range(dialog.unmatched.count())]
    assert len(rows) == 2
    assert "Siap meluncur" in rows[0] and "not a reply" in rows[0]
    assert "OK BJR-X" in rows[1] and "unknown sender" in rows[1] and "0812-9999-0000" in rows[1]
    dialog.unmatched.setCurrentRow(0)
    qtbot.mouseClick(dialog.dismiss_btn, _left())
    qtbot.waitUntil(lambda: dialog.unmatched.count() == 1, timeout=5000)
    assert [u.reason for u in msg.unmatched()] == ["unknown_sender"]
    assert store.query("SELECT handled_by FROM sms_inbound WHERE state='dismissed'")[0][0] == "Rina"


def test_the_boards_message_button_opens_the_dialog_for_the_selected_referral(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    core = desk.core
    core.agencies.ensure_defaults()
    fire = next(a["id"] for a in core.agencies.all() if a["kind"] == "fire")
    loc = Location(
        address="Jl. Sukaramai", desa_name="Tambak Baru", kecamatan_name="Martapura", confirmed=True
    )
    inc = core.incidents.create({"category": "fire", "priority": "P1", "location": loc})
    rid = core.referrals.refer(inc, fire)
    board = desk.ui.board
    board.refresh()
    qtbot.waitUntil(lambda: board.select(rid), timeout=5000)
    qtbot.mouseClick(board.findChild(QPushButton, "referralMessage"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(d.objectName() == "referralSend" for d in desk.ui.dialogs), timeout=5000)
    dialog = next(d for d in desk.ui.dialogs if d.objectName() == "referralSend")
    assert dialog.draft.referral_id == rid and "Kategori: Kebakaran" in dialog.message()
    assert desk.ui.sms is None  # no [sms] in this desk's settings: no polling
    dialog.close()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # deleted on close, and forgotten
    assert not desk.ui.dialogs
    dock = desk.window.docks["referralDock"]
    dock.show()
    dock.raise_()
    desk.window.activateWindow()
    board.table.setFocus()
    qtbot.waitUntil(board.table.hasFocus, timeout=5000)
    qtbot.keyClick(board.table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: [d.objectName() for d in desk.ui.dialogs] == ["referralSend"], timeout=5000)


def test_a_desk_with_the_sms_gateway_polls_it_on_the_runner(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """[sms] enabled: the desk follows the gateway by itself (a QTimer, the poll on the task runner) and an
    agency's reply in the inbox ticks the step on the board's data; the desk stops the poll at close."""
    import threading

    from operator_desk.app import create_desk

    spool = tmp_path / "spool"
    for name in ("inbox", "outbox", "sent", "error"):
        (spool / name).mkdir(parents=True)
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.toml").write_text(f'[sms]\nenabled = true\nspool = "{spool}"\npoll_seconds = 1\n')
    desk = create_desk(data, call_source="simulator", operator="Rina")
    qtbot.addWidget(desk.window)
    try:
        assert desk.ui.sms is not None and desk.ui.sms.timer.isActive()
        core = desk.core
        core.agencies.ensure_defaults()
        fire = next(a["id"] for a in core.agencies.all() if a["kind"] == "fire")
        core.store.write(lambda tx: tx.update_record("agencies", fire, {"phone": "+625114721234"}))
        inc = core.incidents.create(
            {
                "category": "fire",
                "priority": "P1",
                "location": Location(address="Jl. Sukaramai", confirmed=True),
            }
        )
        rid = core.referrals.refer(inc, fire)
        number = core.store.query("SELECT number FROM incidents WHERE id=?", (inc,))[0][0]
        threads: set[str] = set()
        poll = desk.ui.sms.messaging.poll
        desk.ui.sms.messaging.poll = lambda: (threads.add(threading.current_thread().name), poll())[1]  # type: ignore[method-assign]
        (spool / "inbox" / "IN20261204_120000_00_+625114721234_00.txt").write_bytes(
            b"\xfe\xff" + f"OK {number}".encode("utf-16-be")
        )
        qtbot.waitUntil(
            lambda: (
                core.store.query("SELECT acknowledged_at FROM referrals WHERE id=?", (rid,))[0][0] is not None
            ),
            timeout=10000,
        )
        assert threads and threading.main_thread().name not in threads
    finally:
        desk.close()
    assert desk.ui.sms is not None and not desk.ui.sms.timer.isActive()
