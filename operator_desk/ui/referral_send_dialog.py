"""The referral's message to the agency (objectName `referralSend`): read, edit, send, see what came back.

Opened from the referral board (its "Message (M)" button, `ReferralBoard.messageRequested`) for the
selected referral: the text of `services.referral_messages` for its category, editable; Copy (the
clipboard), WhatsApp (a wa.me link with the text, opened by the system), SMS (through the desk's
gammu-smsd, when `[sms]` is set up). What was sent last, and why a message did not go, shows on top;
the SMS the desk could not match to a referral ("SMS belum dicocokkan") are listed below, to be dealt
with by hand and marked done.

`SmsPolling` follows the gateway every few seconds on the task runner (file reads and writes never run
on the GUI thread) and tells open dialogs when something changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import phone as phones
from ..domain.timeutil import local
from ..services.referral_messages import MAX_MESSAGE_CHARS, sms_parts, whatsapp_link
from ..services.referral_sending import (
    MessageDraft,
    MessageState,
    PollResult,
    ReferralMessaging,
    UnmatchedSms,
)
from .tasks import TaskRunner

log = logging.getLogger(__name__)


class SmsPolling(QObject):
    """Polls the SMS gateway on the task runner (latest request wins); `polled` after each poll that
    changed something. `stop()` at shutdown."""

    polled = Signal(object)  # PollResult

    def __init__(
        self,
        messaging: ReferralMessaging,
        runner: TaskRunner,
        interval_ms: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.messaging, self.runner = messaging, runner
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        self.runner.run(self.messaging.poll, self._done, self._failed, key=f"sms-poll-{id(self)}")

    def _done(self, result: PollResult) -> None:
        if result:
            self.polled.emit(result)

    @staticmethod
    def _failed(exc: BaseException) -> None:  # a poll that failed is tried again at the next tick
        log.warning("SMS gateway poll failed: %s", type(exc).__name__)

    def stop(self) -> None:
        self.timer.stop()


def _when(ms: int | None) -> str:
    return "" if ms is None else f"{local(ms):%d/%m %H:%M}"


class ReferralSendDialog(QDialog):
    """The message of one referral (see the module docstring). Built from a `MessageDraft` read on the
    task runner; every send and record runs there too."""

    stateChanged = Signal(object)  # MessageState after a send or a poll

    def __init__(
        self,
        draft: MessageDraft,
        messaging: ReferralMessaging,
        runner: TaskRunner,
        parent: QWidget | None = None,
        polling: SmsPolling | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("referralSend")
        self.draft, self.messaging, self.runner = draft, messaging, runner
        self._pending: list[Callable[[], Any]] = []
        self._busy = False
        self.setWindowTitle(self.tr("Message to the agency"))
        head = QLabel(f"<b>{_esc(draft.agency_name)}</b> · {_esc(draft.incident_number)}", self)
        head.setObjectName("referralSendHead")
        self.status = QLabel(self)
        self.status.setObjectName("referralSendStatus")
        self.status.setWordWrap(True)
        self.sms_number = QLineEdit(phones.display(draft.sms_number) if draft.sms_number else "", self)
        self.sms_number.setObjectName("referralSmsNumber")
        self.wa_number = QLineEdit(
            phones.display(draft.whatsapp_number) if draft.whatsapp_number else "", self
        )
        self.wa_number.setObjectName("referralWhatsAppNumber")
        for edit in (self.sms_number, self.wa_number):
            edit.setPlaceholderText(self.tr("The agency has no number: type one"))
        numbers = QFormLayout()
        numbers.addRow(self.tr("SMS to"), self.sms_number)
        numbers.addRow(self.tr("WhatsApp to"), self.wa_number)
        self.text = QPlainTextEdit(draft.text, self)
        self.text.setObjectName("referralSendText")
        self.text.textChanged.connect(self._count)
        self.counter = QLabel(self)
        self.counter.setObjectName("referralSendCount")
        self.copy_btn = QPushButton(self.tr("Copy text (Ctrl+Shift+C)"), self)
        self.copy_btn.setObjectName("referralCopy")
        self.wa_btn = QPushButton(self.tr("Open WhatsApp"), self)
        self.wa_btn.setObjectName("referralWhatsApp")
        self.sms_btn = QPushButton(self.tr("Send SMS"), self)
        self.sms_btn.setObjectName("referralSms")
        if draft.gateway is None:
            self.sms_btn.setToolTip(self.tr("No SMS gateway is set up on this desk"))
        reset_btn = QPushButton(self.tr("Back to the template"), self)
        reset_btn.setObjectName("referralReset")
        close_btn = QPushButton(self.tr("Close"), self)
        self.copy_btn.clicked.connect(self.copy)
        self.wa_btn.clicked.connect(self.open_whatsapp)
        self.sms_btn.clicked.connect(self.send_sms)
        reset_btn.clicked.connect(lambda: self.text.setPlainText(self.draft.text))
        close_btn.clicked.connect(self.close)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.copy)
        buttons = QHBoxLayout()
        for b in (self.copy_btn, self.wa_btn, self.sms_btn, reset_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close_btn)
        self.unmatched = QListWidget(self)
        self.unmatched.setObjectName("referralUnmatched")
        self.dismiss_btn = QPushButton(self.tr("Dealt with"), self)
        self.dismiss_btn.setObjectName("referralDismiss")
        self.dismiss_btn.clicked.connect(self.dismiss)
        unmatched_head = QHBoxLayout()
        title = QLabel(self.tr("SMS not matched"), self)
        bold = title.font()
        bold.setBold(True)
        title.setFont(bold)
        unmatched_head.addWidget(title, 1)
        unmatched_head.addWidget(self.dismiss_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.status)
        lay.addLayout(numbers)
        lay.addWidget(self.text, 3)
        lay.addWidget(self.counter)
        lay.addLayout(buttons)
        lay.addLayout(unmatched_head)
        lay.addWidget(self.unmatched, 1)
        self._count()
        self._show_state(
            MessageState(
                draft.referral_id, draft.channel, draft.status, draft.error, None, draft.at, draft.sent_at
            )
        )
        self._show_unmatched(draft.unmatched)
        if polling is not None:
            polling.polled.connect(lambda _r: self.refresh())
        self.text.setFocus()
        self.resize(760, 640)

    # -- what it shows ----------------------------------------------------------------------------------
    def message(self) -> str:
        return self.text.toPlainText()

    def _count(self) -> None:
        text = self.message()
        encoding, parts = sms_parts(text)
        line = self.tr("{n} characters · {parts} SMS").format(n=len(text), parts=parts)
        if encoding == "ucs2":
            line += " · " + self.tr("special characters: 67 characters per SMS")
        if len(text) > MAX_MESSAGE_CHARS:
            line += " · " + self.tr("too long for SMS (at most {max})").format(max=MAX_MESSAGE_CHARS)
        self.counter.setText(line)

    def status_text(self, state: MessageState) -> str:
        when = _when(state.sent_at or state.at)
        if state.status == "copied":
            return self.tr("Copied to the clipboard at {t}").format(t=when)
        if state.status == "opened":
            return self.tr("WhatsApp opened at {t}").format(t=when)
        if state.status == "queued":
            return self.tr("SMS waiting in the gateway since {t}").format(t=when)
        if state.status == "sent":
            return self.tr("SMS sent at {t}").format(t=when)
        if state.status == "failed":
            return self.tr("Not sent ({t}): {why}. Ready to send again.").format(
                t=when, why=self.error_text(state.error)
            )
        return self.tr("Not sent yet")

    def error_text(self, code: str | None) -> str:
        texts = {
            "no_gateway": self.tr("no SMS gateway is set up on this desk"),
            "gateway_unavailable": self.tr("the SMS gateway's folders cannot be used"),
            "no_number": self.tr("the agency has no phone number"),
            "too_long": self.tr("the message is too long"),
            "modem_error": self.tr("the modem refused the message"),
            "gateway_timeout": self.tr("the gateway did not send it in time"),
        }
        return texts.get(code or "", self.tr("unknown problem"))

    def reason_text(self, code: str) -> str:
        texts = {
            "unknown_sender": self.tr("unknown sender"),
            "not_a_reply": self.tr("not a reply (OK / TIBA / SELESAI and the number)"),
            "unknown_incident": self.tr("no incident with that number"),
            "not_referred": self.tr("the incident is not referred to that agency"),
            "referral_closed": self.tr("the referral is closed"),
            "rate_limited": self.tr("too many SMS from this number"),
            "too_large": self.tr("too large"),
            "binary": self.tr("not text"),
            "unreadable": self.tr("cannot be read"),
            "bad_encoding": self.tr("unreadable characters"),
        }
        return texts.get(code, self.tr("not applied"))

    def _show_state(self, state: MessageState) -> None:
        self.status.setText(self.status_text(state))
        failed = state.status == "failed"
        self.status.setStyleSheet("color: #b03a2e; font-weight: bold;" if failed else "")
        self.stateChanged.emit(state)

    def _show_unmatched(self, items: list[UnmatchedSms]) -> None:
        self.unmatched.clear()
        for u in items:
            sender = phones.display(u.sender) if u.sender.startswith("+") else u.sender
            text = " ".join(u.text.split())
            row = QListWidgetItem(
                f"{_when(u.received_at)}  {sender}: {text[:120]}  — {self.reason_text(u.reason)}"
            )
            row.setData(Qt.ItemDataRole.UserRole, u.id)
            row.setToolTip(u.text)
            self.unmatched.addItem(row)
        self.dismiss_btn.setEnabled(bool(items))

    def refresh(self) -> None:
        rid, msg = self.draft.referral_id, self.messaging
        self.runner.run(lambda: (msg.state(rid), msg.unmatched()), self._refreshed, key=f"send-{id(self)}")

    def _refreshed(self, pair: tuple[MessageState, list[UnmatchedSms]]) -> None:
        self._show_state(pair[0])
        self._show_unmatched(pair[1])

    # -- channels -----------------------------------------------------------------------------------------
    def _run(self, fn: Callable[[], Any]) -> None:
        """Sends and records run one after the other, in the order pressed (the runner has two threads:
        two quick presses must not land, or show, in the other order)."""
        self._pending.append(fn)
        if not self._busy:
            self._next()

    def _next(self) -> None:
        if not self._pending:
            self._busy = False
            return
        self._busy = True
        fn = self._pending.pop(0)

        def done(state: MessageState) -> None:
            self._show_state(state)
            self._next()

        def failed(exc: BaseException) -> None:
            self._failed(exc)
            self._next()

        self.runner.run(fn, done, failed, initiator=self)

    def _failed(self, exc: BaseException) -> None:
        from .errors import message_for

        log.error("referral message failed", exc_info=exc)
        self.status.setText(message_for(exc))

    def copy(self) -> None:
        text, rid = self.message(), self.draft.referral_id
        QGuiApplication.clipboard().setText(text)
        self._run(lambda: self.messaging.record_copied(rid, text))

    def open_whatsapp(self) -> None:
        text, rid, number = self.message(), self.draft.referral_id, self.wa_number.text().strip()
        link = whatsapp_link(number, text)
        if link is None:
            self._run(lambda: self.messaging.record_failure(rid, "whatsapp", "no_number", None, text))
            return
        if not QDesktopServices.openUrl(QUrl.fromEncoded(link.encode("ascii"))):
            self.status.setText(self.tr("WhatsApp could not be opened on this PC: copy the text instead"))
            return
        e164 = phones.normalise(number)
        self._run(lambda: self.messaging.record_whatsapp(rid, e164, text))

    def send_sms(self) -> None:
        text, rid, number = self.message(), self.draft.referral_id, self.sms_number.text().strip()
        self.status.setText(self.tr("Sending…"))
        self._run(lambda: self.messaging.send_sms(rid, text, number or None))

    def dismiss(self) -> None:
        item = self.unmatched.currentItem() or self.unmatched.item(0)
        if item is None:
            return
        sms_id = int(item.data(Qt.ItemDataRole.UserRole))
        msg = self.messaging

        def work() -> list[UnmatchedSms]:
            msg.dismiss(sms_id)
            return msg.unmatched()

        self.runner.run(work, self._show_unmatched, self._failed, initiator=self)


def _esc(text: str) -> str:
    from html import escape

    return escape(text or "")


def open_referral_send(
    parent: QWidget,
    messaging: ReferralMessaging,
    runner: TaskRunner,
    referral_id: str,
    polling: SmsPolling | None = None,
    shown: Callable[[ReferralSendDialog], None] | None = None,
) -> None:
    """Read the draft on the task runner, then show the dialog (non-modal: the desk goes on)."""
    if not referral_id:
        return

    def show(draft: MessageDraft) -> None:
        dialog = ReferralSendDialog(draft, messaging, runner, parent, polling)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        if shown is not None:
            shown(dialog)

    runner.run(lambda: messaging.draft(referral_id), show, key="referral-send")


def bind_referral_messages(ui: Any) -> SmsPolling | None:
    """Wire the message dialog into a composed desk (ui/compose.py): the board's `messageRequested` opens it;
    with `[sms]` enabled a `SmsPolling` follows the gateway (returned: the desk stops it at close). The
    settings file is read once here (a few hundred bytes)."""
    from ..services.referral_sending import messaging_for

    setup = messaging_for(ui.core.store, ui.core.data_dir)
    polling = (
        SmsPolling(setup.messaging, ui.runner, setup.poll_ms, parent=ui.window) if setup.poll_ms else None
    )

    def keep(dialog: ReferralSendDialog) -> None:  # closed with the desk; forgotten once Qt deletes it
        ui.dialogs.append(dialog)
        dialog.destroyed.connect(
            lambda *_: ui.dialogs.__setitem__(slice(None), [d for d in ui.dialogs if d is not dialog])
        )

    def open_for(referral_id: str) -> None:
        open_referral_send(ui.window, setup.messaging, ui.runner, referral_id, polling, shown=keep)

    ui.board.messageRequested.connect(open_for)
    return polling
