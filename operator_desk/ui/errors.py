"""Errors as an operator sees them: one translated label per ErrorCode, and the last line of defence.

The core raises `DeskError`s that carry an `ErrorCode`; this module is the only place that turns a
code into words. Whatever else goes wrong in a slot or a thread reaches `install_excepthook`'s hook:
the full traceback goes to the desk log (logger "operator_desk", the rotating desk.log that
app.setup_logging sets up), the window's status bar shows a short translated message. Never a modal
dialog mid-call, never a library's own text on the screen: that text is for the log only.
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QMainWindow

from ..domain.errors import DeskError, DomainError, ErrorCode

log = logging.getLogger("operator_desk")
STATUS_MS = 15_000  # how long a message stays in the status bar


def labels_table() -> dict[ErrorCode, str]:
    """Every code's label in the current language (a test checks that none is missing)."""
    return {
        ErrorCode.STORE_NOT_WRITABLE: QCoreApplication.translate(
            "Errors", "The desk's data cannot be written"
        ),
        ErrorCode.STORE_FULL: QCoreApplication.translate("Errors", "The disk is full"),
        ErrorCode.STORE_READ_ONLY: QCoreApplication.translate("Errors", "The data folder is read-only"),
        ErrorCode.STORE_CORRUPT: QCoreApplication.translate(
            "Errors", "The data file is damaged or is not a desk's data"
        ),
        ErrorCode.STORE_CLOSED: QCoreApplication.translate("Errors", "The desk is shutting down"),
        ErrorCode.STORE_BUSY: QCoreApplication.translate(
            "Errors", "The data file is in use by another program"
        ),
        ErrorCode.STORE_MISSING: QCoreApplication.translate("Errors", "No desk data in that folder"),
        ErrorCode.STORE_KEY_MISSING: QCoreApplication.translate(
            "Errors", "The key of the desk's data is missing (key file or key medium)"
        ),
        ErrorCode.STORE_KEY_WRONG: QCoreApplication.translate(
            "Errors", "The key file does not open the desk's data"
        ),
        ErrorCode.SYNC_TLS_UNTRUSTED: QCoreApplication.translate(
            "Errors", "The server's certificate is not trusted — sync refused"
        ),
        ErrorCode.SYNC_OFFLINE: QCoreApplication.translate("Errors", "Server not reachable"),
        ErrorCode.SYNC_FAILED: QCoreApplication.translate("Errors", "Sync failed"),
        ErrorCode.SYNC_NOT_OUR_HUB: QCoreApplication.translate(
            "Errors", "The server address is not this center's hub — check the desk's settings"
        ),
        ErrorCode.CLOCK_SKEW: QCoreApplication.translate("Errors", "PC clock wrong — sync refused"),
        ErrorCode.NOT_ENROLLED: QCoreApplication.translate("Errors", "Sync refused: desk not enrolled"),
        ErrorCode.SERVER_FORBIDDEN: QCoreApplication.translate(
            "Errors", "Sync refused: this desk may not do that"
        ),
        ErrorCode.SERVER_REFUSED: QCoreApplication.translate("Errors", "Sync refused by the server"),
        ErrorCode.REGION_PACK_INVALID: QCoreApplication.translate("Errors", "The region pack is invalid"),
        ErrorCode.REGION_PACK_MISSING: QCoreApplication.translate("Errors", "No region pack"),
        ErrorCode.NO_PORTAUDIO: QCoreApplication.translate(
            "Errors", "The audio system is not installed on this PC"
        ),
        ErrorCode.NO_AUDIO_DEVICE: QCoreApplication.translate("Errors", "No audio device"),
        ErrorCode.RING_DEVICE_UNAVAILABLE: QCoreApplication.translate(
            "Errors", "The ring tone device cannot be opened"
        ),
        ErrorCode.INPUT_DEVICE_UNAVAILABLE: QCoreApplication.translate(
            "Errors", "The microphone cannot be opened"
        ),
        ErrorCode.AUDIO_DEVICE_LOST: QCoreApplication.translate(
            "Errors", "The audio device was disconnected"
        ),
        ErrorCode.ALERT_SOUND_UNAVAILABLE: QCoreApplication.translate(
            "Errors", "Alert sound unavailable: no audio device"
        ),
        ErrorCode.SIP_NOT_REGISTERED: QCoreApplication.translate("Errors", "SIP not registered"),
        ErrorCode.SIP_RESTARTING: QCoreApplication.translate("Errors", "SIP restarting"),
        ErrorCode.SIP_NOT_STARTED: QCoreApplication.translate("Errors", "SIP not started"),
        ErrorCode.SIP_STOPPED: QCoreApplication.translate("Errors", "SIP stopped"),
        ErrorCode.SIP_BAD_CONFIG: QCoreApplication.translate(
            "Errors", "The SIP settings are incomplete or wrong"
        ),
        ErrorCode.SIP_START_FAILED: QCoreApplication.translate("Errors", "SIP could not start"),
        ErrorCode.RECORDING_MISSING: QCoreApplication.translate("Errors", "This call has no recording"),
        ErrorCode.RECORDING_CORRUPT: QCoreApplication.translate(
            "Errors", "The recording does not match the SHA-256 kept with the call"
        ),
        ErrorCode.RECORDING_UNREADABLE: QCoreApplication.translate(
            "Errors", "The recording file cannot be read"
        ),
        ErrorCode.RECORDING_WRITE_FAILED: QCoreApplication.translate(
            "Errors", "The recording could not be written completely"
        ),
        ErrorCode.REQUIRED: QCoreApplication.translate("Errors", "Required"),
        ErrorCode.UNKNOWN_CATEGORY: QCoreApplication.translate("Errors", "Unknown category"),
        ErrorCode.UNKNOWN_PRIORITY: QCoreApplication.translate("Errors", "Unknown priority"),
        ErrorCode.UNKNOWN_OUTCOME: QCoreApplication.translate("Errors", "Unknown call outcome"),
        ErrorCode.UNKNOWN_ROLE: QCoreApplication.translate("Errors", "Unknown role"),
        ErrorCode.UNKNOWN_FIELD: QCoreApplication.translate("Errors", "Unknown field"),
        ErrorCode.OUT_OF_RANGE: QCoreApplication.translate("Errors", "Coordinates out of range"),
        ErrorCode.NOT_A_COUNT: QCoreApplication.translate("Errors", "Must be a whole number"),
        ErrorCode.NOT_A_NUMBER: QCoreApplication.translate("Errors", "Must be a number"),
        ErrorCode.TOO_LONG: QCoreApplication.translate("Errors", "Too long"),
        ErrorCode.INVALID_VALUE: QCoreApplication.translate("Errors", "A value does not fit its field"),
        ErrorCode.INVALID_PHONE: QCoreApplication.translate("Errors", "Not a valid phone number"),
        ErrorCode.NOT_FOUND: QCoreApplication.translate("Errors", "Not found"),
        ErrorCode.STATUS_BACKWARDS: QCoreApplication.translate("Errors", "The status cannot move back"),
        ErrorCode.UNKNOWN_STATUS: QCoreApplication.translate("Errors", "Unknown incident status"),
        ErrorCode.INCIDENT_OPEN: QCoreApplication.translate("Errors", "The incident is still open"),
        ErrorCode.REOPEN_REASON_REQUIRED: QCoreApplication.translate(
            "Errors", "Give the reason for reopening"
        ),
        ErrorCode.REASON_REQUIRED: QCoreApplication.translate("Errors", "Give the reason"),
        ErrorCode.MERGE_INVALID: QCoreApplication.translate(
            "Errors", "These incidents cannot be merged"
        ),
        ErrorCode.CALL_ENDED: QCoreApplication.translate("Errors", "The call has already ended"),
        ErrorCode.INCIDENT_CLOSED: QCoreApplication.translate("Errors", "The incident is closed"),
        ErrorCode.DISPOSITION_REQUIRED: QCoreApplication.translate("Errors", "Enter the disposition first"),
        ErrorCode.FEEDBACK_REQUIRED: QCoreApplication.translate("Errors", "The agency's feedback is missing"),
        ErrorCode.OVERRIDE_REASON_REQUIRED: QCoreApplication.translate(
            "Errors", "Give the reason for the override"
        ),
        ErrorCode.REFERRAL_CLOSED: QCoreApplication.translate("Errors", "The referral is closed"),
        ErrorCode.REFERRAL_OPEN: QCoreApplication.translate("Errors", "The referral is still open"),
        ErrorCode.REFERRAL_ESCALATED: QCoreApplication.translate(
            "Errors", "This referral was escalated: follow the new one"
        ),
        ErrorCode.UNKNOWN_STEP: QCoreApplication.translate("Errors", "Unknown referral step"),
        ErrorCode.STEP_BACKWARDS: QCoreApplication.translate("Errors", "That step is already past"),
        ErrorCode.STEP_DONE: QCoreApplication.translate("Errors", "That step is already recorded"),
        ErrorCode.SAME_AGENCY: QCoreApplication.translate("Errors", "Choose another agency"),
        ErrorCode.NO_OPERATOR: QCoreApplication.translate("Errors", "No operator on duty"),
        ErrorCode.RECEIVER_UNKNOWN: QCoreApplication.translate("Errors", "The receiving operator has no account"),
        ErrorCode.RECEIVER_IS_SENDER: QCoreApplication.translate("Errors", "Hand the shift over to another operator"),
        ErrorCode.SHIFT_ENDED: QCoreApplication.translate("Errors", "The shift has already ended"),
        ErrorCode.CONFLICT_RESOLVED: QCoreApplication.translate("Errors", "Already resolved"),
        ErrorCode.NOT_RESOLVABLE: QCoreApplication.translate(
            "Errors", "This conflict cannot be resolved here"
        ),
        ErrorCode.UNKNOWN_RESOLUTION: QCoreApplication.translate("Errors", "Unknown resolution"),
        ErrorCode.SUPERVISOR_REQUIRED: QCoreApplication.translate("Errors", "Only a supervisor may do this"),
        ErrorCode.ADMIN_REQUIRED: QCoreApplication.translate("Errors", "Only an admin may do this"),
        ErrorCode.BAD_CREDENTIALS: QCoreApplication.translate("Errors", "Wrong name or password"),
        ErrorCode.ACCOUNT_LOCKED: QCoreApplication.translate(
            "Errors", "Too many failed log-ins: the account is locked for 10 minutes"
        ),
        ErrorCode.ACCOUNT_DISABLED: QCoreApplication.translate("Errors", "This account is disabled"),
        ErrorCode.PASSWORD_CHANGE_REQUIRED: QCoreApplication.translate(
            "Errors", "Choose a new password to continue"
        ),
        ErrorCode.PASSWORD_TOO_SHORT: QCoreApplication.translate(
            "Errors", "The password needs at least 8 characters"
        ),
        ErrorCode.ACCOUNT_EXISTS: QCoreApplication.translate("Errors", "An account with this name exists"),
        ErrorCode.SETTINGS_INVALID: QCoreApplication.translate(
            "Errors", "The settings file cannot be read; the defaults are used"
        ),
        ErrorCode.SETTINGS_NOT_SAVED: QCoreApplication.translate("Errors", "The settings cannot be saved"),
        ErrorCode.INTERNAL: QCoreApplication.translate(
            "Errors", "Unexpected error — the desk keeps working; the details are in the desk log"
        ),
    }


def error_label(code: str | None) -> str:
    """The translated label of `code`; an unknown code gets the generic label (never the code itself)."""
    table = labels_table()
    try:
        return table[ErrorCode(code or ErrorCode.INTERNAL)]
    except ValueError:
        log.warning("no ErrorCode %r: showing the generic message", code)
        return table[ErrorCode.INTERNAL]


_OS_ERRNO = {
    errno.ENOSPC: ErrorCode.STORE_FULL,
    errno.EROFS: ErrorCode.STORE_READ_ONLY,
    errno.EACCES: ErrorCode.STORE_READ_ONLY,
    errno.EPERM: ErrorCode.STORE_READ_ONLY,
}


def code_of(exc: BaseException, fallback: ErrorCode = ErrorCode.INTERNAL) -> ErrorCode:
    """The ErrorCode of `exc`: its own for a DeskError, a full disk or a read-only folder for those
    OSErrors, `fallback` for anything else (e.g. NO_AUDIO_DEVICE around a PortAudio call)."""
    if isinstance(exc, DeskError):
        try:
            return ErrorCode(exc.code)
        except ValueError:
            return fallback
    if isinstance(exc, OSError) and exc.errno in _OS_ERRNO:
        return _OS_ERRNO[exc.errno]
    return fallback


def message_for(exc: BaseException, fallback: ErrorCode = ErrorCode.INTERNAL) -> str:
    """What the operator reads for `exc`: a translated label, never the exception's own text."""
    return error_label(code_of(exc, fallback))


def report(
    exc: BaseException, show: Callable[[str], None], logger: logging.Logger = log, *, uncaught: bool = False
) -> ErrorCode:
    """Log `exc` and `show` its translated label; returns its code. Used by MainWindow._guarded and the
    excepthook. A refusal (DomainError) is logged in one line, a StoreError with SQLite's text; a bug,
    or anything `uncaught`, with its full traceback."""
    code = code_of(exc)
    if isinstance(exc, DomainError) and not uncaught:
        logger.info("refused: %s (%s)", code, exc)
    elif isinstance(exc, DeskError) and code is not ErrorCode.INTERNAL and not uncaught:
        logger.error("%s: %s", code, exc)
    else:
        what = "uncaught exception" if uncaught else "unexpected error"
        logger.error(
            "%s (%s)\n%s",
            what,
            code,
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip(),
        )
    text = error_label(code)
    try:
        show(text)
    except Exception:  # a dead status bar must not turn one error into a loop of them
        logger.exception("could not show an error message")
    return code


class ExceptHook(QObject):
    """sys.excepthook and threading.excepthook of the desk. Lives on the GUI thread: `notify` runs there,
    also for an exception raised in a worker thread (the message is queued across)."""

    message = Signal(str)

    def __init__(self, logger: logging.Logger, notify: Callable[[str], None] | None) -> None:
        super().__init__()
        self.logger = logger
        self.notify = notify
        self.last_code: ErrorCode | None = None
        self._previous: tuple[Any, Any] = (sys.excepthook, threading.excepthook)
        self.message.connect(self._deliver)

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in a terminal still stops the desk
            sys.__excepthook__(exc_type, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        self.last_code = report(exc, self.message.emit, self.logger, uncaught=True)

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "?"
        self.logger.error("in thread %s:", name)
        self(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str)
    def _deliver(self, text: str) -> None:
        if self.notify is None:
            return
        try:
            self.notify(text)
        except Exception:  # raising here would come back to this hook: once in the log is enough
            self.logger.exception("could not show an error message")

    def uninstall(self) -> None:
        """Put back the hooks that were there before (tests; the desk keeps its hook until exit)."""
        if sys.excepthook == self:
            sys.excepthook = self._previous[0]
        if threading.excepthook == self.thread_hook:
            threading.excepthook = self._previous[1]


def _logger_for(target: logging.Logger | Path | str) -> logging.Logger:
    """A logger, or the "operator_desk" logger writing to this desk.log (unless a handler already does)."""
    if isinstance(target, logging.Logger):
        return target
    path = Path(target).resolve()
    logger = logging.getLogger("operator_desk")
    handlers = [*logging.getLogger().handlers, *logger.handlers]
    if not any(getattr(h, "baseFilename", None) == str(path) for h in handlers):
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    return logger


def install_excepthook(
    log_path_or_logger: logging.Logger | Path | str, notify: Callable[[str], None] | None = None
) -> ExceptHook:
    """Route every uncaught exception (a Qt slot, a thread) to the desk log and a short message.

    Call it on the GUI thread. `notify(text)` shows the message (e.g. a status bar's showMessage, or
    `main_window_notifier(app)`); it may be set later through the returned hook's `notify`.
    """
    hook = ExceptHook(_logger_for(log_path_or_logger), notify)
    sys.excepthook = hook
    threading.excepthook = hook.thread_hook
    return hook


def main_window_notifier(app: QApplication, ms: int = STATUS_MS) -> Callable[[str], None]:
    """A `notify` that shows the text in the status bar of the app's main window(s)."""

    def notify(text: str) -> None:
        for widget in app.topLevelWidgets():
            if isinstance(widget, QMainWindow) and widget.isVisible():
                widget.statusBar().showMessage(text, ms)

    return notify


__all__ = [
    "ExceptHook",
    "code_of",
    "error_label",
    "install_excepthook",
    "labels_table",
    "main_window_notifier",
    "message_for",
    "report",
]
