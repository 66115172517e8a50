"""Typed errors of the core. Each carries an `ErrorCode` the UI translates, never text an operator reads.

`ErrorCode` is the one list of every error an operator or IT staff can be shown; its values are the
strings the core already uses (the validation codes of domain/rules.py, the services' refusals, the
audio, SIP and sync status codes), so comparing a code with its string keeps working.
ui/errors.py gives each member an English and an Indonesian label; a test fails on a missing one.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every error the desk can report. The value is the wire/status string; the UI maps it to words."""

    # -- the local store (SQLite) ----------------------------------------------------------------
    STORE_NOT_WRITABLE = "store_not_writable"  # I/O error, file cannot be opened for writing
    STORE_FULL = "store_full"  # SQLITE_FULL: the disk is full
    STORE_READ_ONLY = "store_read_only"  # read-only folder or file
    STORE_CORRUPT = "store_corrupt"  # not a database, malformed, a foreign SQLite file
    STORE_CLOSED = "store_closed"  # the desk is shutting down
    STORE_BUSY = "store_busy"  # locked by another program longer than the busy timeout
    STORE_MISSING = "store_missing"  # no store in that folder
    STORE_KEY_MISSING = "store_key_missing"  # the store is encrypted and its key file is not there
    STORE_KEY_WRONG = "store_key_wrong"  # the key file does not open the store (wrong key, or damaged)
    SYNC_TLS_UNTRUSTED = "tls_untrusted"  # the hub's certificate is not the pinned CA's, or another name
    # -- sync with the hub ---------------------------------------------------------------------
    SYNC_OFFLINE = "offline"  # sync.client.OfflineError
    SYNC_FAILED = "error"  # sync.client.SyncClientError without a more precise code
    SYNC_NOT_OUR_HUB = "not_our_hub"  # the address answers, but not as an Operator Desk hub (or not ours)
    CLOCK_SKEW = "clock_skew"  # the server refused: this PC's clock is more than 5 min off
    NOT_ENROLLED = "unauthorized"  # no, unknown or revoked credential
    SERVER_FORBIDDEN = "forbidden"  # the credential may not do this
    SERVER_REFUSED = "bad_request"  # the server refused the request as malformed
    # -- region pack ---------------------------------------------------------------------------
    REGION_PACK_INVALID = "region_pack_invalid"
    REGION_PACK_MISSING = "region_pack_missing"
    # -- audio (sounddevice / PortAudio) -----------------------------------------------------------
    NO_PORTAUDIO = "no_portaudio"  # libportaudio2 is not installed
    NO_AUDIO_DEVICE = "no_audio_device"  # no output device for replay or the headset
    RING_DEVICE_UNAVAILABLE = "ring_device_unavailable"
    INPUT_DEVICE_UNAVAILABLE = "input_device_unavailable"  # the headset microphone cannot be opened
    AUDIO_DEVICE_LOST = "audio_device_lost"  # a device unplugged while in use
    ALERT_SOUND_UNAVAILABLE = "alert_sound_unavailable"  # the referral board's alert tone
    # -- SIP softphone -------------------------------------------------------------------------
    SIP_NOT_REGISTERED = "not_registered"
    SIP_RESTARTING = "worker_crashed"  # the SIP process died; it is being restarted
    SIP_NOT_STARTED = "not_started"
    SIP_STOPPED = "stopped"
    SIP_BAD_CONFIG = "bad_config"
    SIP_START_FAILED = "sip_start_failed"
    # -- recordings ----------------------------------------------------------------------------
    RECORDING_MISSING = "recording_missing"
    RECORDING_CORRUPT = "recording_corrupt"  # does not match the SHA-256 kept with the call
    RECORDING_UNREADABLE = "recording_unreadable"
    RECORDING_WRITE_FAILED = "write_failed"
    # -- validation of forms (field -> code; domain/rules.py and the services) --------------------
    REQUIRED = "required"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_PRIORITY = "unknown_priority"
    UNKNOWN_OUTCOME = "unknown_outcome"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_FIELD = "unknown_field"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_COUNT = "not_a_count"
    NOT_A_NUMBER = "not_a_number"
    TOO_LONG = "too_long"
    INVALID_VALUE = "invalid_value"  # a value that does not fit its column (type, allowed values, size)
    INVALID_PHONE = "invalid_phone"
    # -- the work: calls, incidents, referrals, shifts, conflicts ----------------------------------
    NOT_FOUND = "not_found"
    STATUS_BACKWARDS = "status_backwards"
    UNKNOWN_STATUS = "unknown_status"
    INCIDENT_OPEN = "incident_open"  # reopening an incident that is not resolved or closed
    REOPEN_REASON_REQUIRED = "reopen_reason_required"
    REASON_REQUIRED = "reason_required"  # a status move from the incident detail needs a reason
    MERGE_INVALID = "merge_invalid"  # merging an incident into itself, a merged or a closed one
    CALL_ENDED = "call_ended"
    INCIDENT_CLOSED = "incident_closed"
    DISPOSITION_REQUIRED = "disposition_required"
    FEEDBACK_REQUIRED = "feedback_required"
    OVERRIDE_REASON_REQUIRED = "override_reason_required"
    REFERRAL_CLOSED = "referral_closed"
    REFERRAL_OPEN = "referral_open"
    REFERRAL_ESCALATED = "referral_escalated"
    UNKNOWN_STEP = "unknown_step"
    STEP_BACKWARDS = "step_backwards"
    STEP_DONE = "step_done"
    SAME_AGENCY = "same_agency"
    NO_OPERATOR = "no_operator"
    RECEIVER_UNKNOWN = "receiver_unknown"  # the handover names a receiving operator without an account
    RECEIVER_IS_SENDER = "receiver_is_sender"  # a shift handed over to the operator handing it over
    SHIFT_ENDED = "shift_ended"
    CONFLICT_RESOLVED = "conflict_resolved"
    NOT_RESOLVABLE = "not_resolvable"
    UNKNOWN_RESOLUTION = "unknown_resolution"
    SUPERVISOR_REQUIRED = "supervisor_required"  # permission denied: a supervisor must do this
    ADMIN_REQUIRED = "admin_required"  # permission denied: an admin must do this
    BAD_CREDENTIALS = "bad_credentials"  # log-in: unknown name or wrong password (never says which)
    ACCOUNT_LOCKED = "account_locked"  # too many failed log-ins: locked for a while
    ACCOUNT_DISABLED = "account_disabled"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"  # reset by an admin: choose a new password
    PASSWORD_TOO_SHORT = "password_too_short"
    ACCOUNT_EXISTS = "account_exists"
    # -- settings and the rest -----------------------------------------------------------------
    SETTINGS_INVALID = "settings_invalid"  # the settings file cannot be read; defaults are used
    SETTINGS_NOT_SAVED = "settings_not_saved"
    INTERNAL = "internal_error"  # a bug: details in the desk log


class DeskError(Exception):
    """Base of the errors the desk reports by code: `code` is shown (translated), `detail` only logged.

    `str(exc)` is the detail, for the log and the command line; the UI never shows it.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or str(code))
        self.code: str = code
        self.detail = detail or str(code)


class DomainError(DeskError):
    """Base of expected errors: shown inline to the operator, never as a crash."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(code, message)
        self.field = field


class ValidationError(DomainError):
    """One or more fields are invalid; `problems` maps field -> code."""

    def __init__(self, problems: dict[str, str], detail: str | None = None) -> None:
        self.problems = dict(problems)
        first_field, first_code = next(iter(self.problems.items()))
        text = detail or "invalid " + ", ".join(f"{f}: {c}" for f, c in self.problems.items())
        super().__init__(first_code, text, first_field)


class StatusRegression(DomainError):
    """A status change that would move backwards."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(
            ErrorCode.STATUS_BACKWARDS, f"status cannot move from {current} back to {wanted}", "status"
        )


class NotFound(DomainError):
    """A record that does not exist in this store."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"{what} {key!r} not found", what)
