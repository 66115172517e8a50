"""Referral messages that reach the agency: the draft, the channels, what the agency answered.

- `draft(referral_id)` is the message of `referral_messages.compose_message` for that referral, with
  the agency's numbers, what was last sent and how, and the SMS that could not be matched.
- Channels, each recorded on the referral (`message_channel`, `message_to`, `message_status`,
  `message_error`, `message_at`, `message_sent_at`, `message_ref`, `message_text`) with an audit row:
  the clipboard (`copied`), WhatsApp (`opened`: the link was opened; WhatsApp says nothing back) and
  SMS through gammu-smsd (`queued`, then `sent` or `failed` as the gateway's folders say).
- A message that cannot be sent (no gateway configured, the gateway's folders unusable, no number, too
  long, the modem refused it, the daemon never took it) is recorded `failed` with that reason and can be
  sent again: nothing about the referral's steps changes.
- `poll()` (on a worker: the desk's TaskRunner every few seconds) follows the queued messages and reads
  the gateway's inbox. A reply ``OK <number>`` / ``TIBA <number>`` / ``SELESAI <number> <text>`` from a
  number of an agency the incident is referred to records that step through `ReferralService.step`
  (so the same rules hold), in one transaction with an `sms_reply` audit row naming the number it came
  from. Anything else (unknown sender, not a reply, unknown incident, not referred to that agency, a
  closed referral, over the rate) is kept in `sms_inbound` for the operator and never applied.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from ..domain import phone as phones
from ..domain.errors import DomainError, NotFound
from ..domain.privacy import mask_number
from ..store.repositories import IncidentRepository, update_referral
from ..store.store import Store
from ..store.tx import Tx
from .referral_messages import compose_message, facts_from, message_problem
from .referrals import ReferralService
from .sms_gateway import GammuFilesGateway, GatewayError, InboundSms, parse_reply

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_STORED_TEXT = 2000  # characters of the message kept on the referral (8 KB column)
SEND_TIMEOUT_MS = 5 * 60_000  # a message the daemon did not take in this time is withdrawn: failed
RATE_WINDOW_MS = 10 * 60_000
RATE_PER_SENDER = 10  # inbound SMS from one number per window; more are left for the operator
POLL_LIMIT = 100  # inbound messages handled per poll (the rest at the next one)


@dataclass(frozen=True)
class UnmatchedSms:
    """An SMS the desk did not apply: who sent it, what it said (cleaned), why it was left."""

    id: int
    received_at: int
    sender: str
    text: str
    reason: str


@dataclass(frozen=True)
class MessageDraft:
    """What the send dialog shows for one referral (plain data, made on a worker)."""

    referral_id: str
    incident_id: str
    incident_number: str
    agency_name: str
    sms_number: str | None  # E.164 of the agency's phone
    whatsapp_number: str | None  # E.164 of its WhatsApp number, else its phone
    text: str  # the message to send (unmasked)
    masked_text: str
    gateway: str | None  # None: no SMS gateway on this desk; "ok"; or a problem code
    channel: str | None = None  # what was last sent
    status: str | None = None
    error: str | None = None
    at: int | None = None
    sent_at: int | None = None
    unmatched: list[UnmatchedSms] = field(default_factory=list)


@dataclass(frozen=True)
class MessageState:
    """The referral's message fields after a send or a poll."""

    referral_id: str
    channel: str | None
    status: str | None
    error: str | None
    to: str | None
    at: int | None
    sent_at: int | None
    ref: str | None = None


@dataclass
class PollResult:
    """What one poll did: message states changed, replies applied, SMS left for the operator."""

    updated: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    unmatched: int = 0
    duplicates: int = 0

    def __bool__(self) -> bool:
        return bool(self.updated or self.applied or self.unmatched or self.duplicates)


class _ViaSms:
    """The store, with every write also recording where it came from: an `sms_reply` audit row and the
    inbound row (`applied`) in the same transaction (so a reply is applied exactly once)."""

    def __init__(self, store: Store, sms: InboundSms, word: str, step: str, referral_id: str) -> None:
        self._store, self._sms, self._word, self._step, self._rid = store, sms, word, step, referral_id

    def _wrap(self, fn: Callable[[Tx], T]) -> Callable[[Tx], T]:
        sms, word, step, rid = self._sms, self._word, self._step, self._rid

        def wrapped(tx: Tx) -> T:
            result = fn(tx)
            tx.audit(
                "sms_reply",
                "referrals",
                rid,
                {"from": sms.sender, "word": word, "step": step, "file": sms.file, "via": "sms"},
            )
            _insert_inbound(tx, sms, "applied", None, rid, step)
            return result

        return wrapped

    def write(
        self,
        fn: Callable[[Tx], T],
        operator: str | None = None,
        timeout: float = 30.0,
        *,
        background: bool = False,
    ) -> T:
        return self._store.write(self._wrap(fn), operator, timeout, background=background)

    def write_async(
        self, fn: Callable[[Tx], T], operator: str | None = None, *, background: bool = False
    ) -> Future[T]:
        return self._store.write_async(self._wrap(fn), operator, background=background)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _insert_inbound(
    tx: Tx, sms: InboundSms, state: str, reason: str | None, rid: str | None, step: str | None
) -> None:
    tx.conn.execute(
        "INSERT OR IGNORE INTO sms_inbound (file, received_at, sender, text, state, reason, referral_id, step) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (sms.file, sms.received_at, sms.sender, sms.text, state, reason, rid, step),
    )


class ReferralMessaging:
    """Drafts, sends and follows referral messages; applies the agencies' SMS replies (see module doc)."""

    def __init__(
        self,
        store: Store,
        gateway: GammuFilesGateway | None = None,
        *,
        center: str | None = None,
        send_timeout_ms: int = SEND_TIMEOUT_MS,
        rate_per_sender: int = RATE_PER_SENDER,
    ) -> None:
        self.store = store
        self.gateway = gateway
        self.center = center
        self.send_timeout_ms = send_timeout_ms
        self.rate_per_sender = rate_per_sender
        self.referrals = ReferralService(store)

    # -- the draft ------------------------------------------------------------------------------------
    def _facts_rows(self, referral_id: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        db = self.store.reader()
        ref = db.execute("SELECT * FROM referrals WHERE id=?", (referral_id,)).fetchone()
        if ref is None:
            raise NotFound("referral", referral_id)
        inc = db.execute("SELECT * FROM incidents WHERE id=?", (ref["incident_id"],)).fetchone()
        if inc is None:
            raise NotFound("incident", ref["incident_id"])
        incident = dict(inc)
        try:
            incident["location"] = json.loads(incident.get("location") or "null") or {}
        except ValueError:
            incident["location"] = {}
        agency_row = db.execute("SELECT * FROM agencies WHERE id=?", (ref["agency_id"],)).fetchone()
        return ref, incident, dict(agency_row) if agency_row is not None else {}

    def draft(self, referral_id: str) -> MessageDraft:
        ref, incident, agency = self._facts_rows(referral_id)
        facts = facts_from(incident, agency, self.center)
        with_hint = self.gateway is not None
        phone = phones.normalise(agency.get("phone") or "") if agency.get("phone") else None
        wa = phones.normalise(agency.get("whatsapp") or "") if agency.get("whatsapp") else None
        return MessageDraft(
            referral_id=referral_id,
            incident_id=str(ref["incident_id"]),
            incident_number=facts.number,
            agency_name=str(agency.get("name") or ""),
            sms_number=phone,
            whatsapp_number=wa or phone,
            text=compose_message(facts, with_reply_hint=with_hint),
            masked_text=compose_message(facts, masked=True, with_reply_hint=with_hint),
            gateway=None if self.gateway is None else (self.gateway.problem() or "ok"),
            channel=ref["message_channel"],
            status=ref["message_status"],
            error=ref["message_error"],
            at=ref["message_at"],
            sent_at=ref["message_sent_at"],
            unmatched=self.unmatched(),
        )

    def state(self, referral_id: str) -> MessageState:
        row = (
            self.store.reader()
            .execute(
                "SELECT id, message_channel, message_status, message_error, message_to, message_at, "
                "message_sent_at, message_ref FROM referrals WHERE id=?",
                (referral_id,),
            )
            .fetchone()
        )
        if row is None:
            raise NotFound("referral", referral_id)
        return MessageState(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])

    # -- channels ---------------------------------------------------------------------------------------
    def _record(self, referral_id: str, fields: dict[str, Any], *, background: bool = False) -> MessageState:
        def fn(tx: Tx) -> None:
            if tx.one("SELECT 1 FROM referrals WHERE id=?", (referral_id,)) is None:
                raise NotFound("referral", referral_id)
            now = tx.now_ms()
            values = {"message_at": now, "message_error": None, "message_ref": None, **fields}
            if values.get("message_status") in ("copied", "opened"):
                values.setdefault("message_sent_at", now)
            update_referral(tx, referral_id, values)
            tx.audit(
                "referral_message",
                "referrals",
                referral_id,
                {
                    "channel": values.get("message_channel"),
                    "status": values.get("message_status"),
                    "error": values.get("message_error"),
                    "to": values.get("message_to"),
                },
            )

        self.store.write(fn, background=background)
        return self.state(referral_id)

    def record_copied(self, referral_id: str, text: str) -> MessageState:
        """The operator copied the message (to paste it into a radio log, another app)."""
        return self._record(
            referral_id,
            {
                "message_channel": "clipboard",
                "message_status": "copied",
                "message_to": None,
                "message_text": text[:MAX_STORED_TEXT],
            },
        )

    def record_whatsapp(self, referral_id: str, number: str | None, text: str) -> MessageState:
        """The WhatsApp link to the agency's number was opened with the text."""
        return self._record(
            referral_id,
            {
                "message_channel": "whatsapp",
                "message_status": "opened",
                "message_to": number,
                "message_text": text[:MAX_STORED_TEXT],
            },
        )

    def record_failure(
        self, referral_id: str, channel: str, error: str, number: str | None, text: str
    ) -> MessageState:
        return self._record(
            referral_id,
            {
                "message_channel": channel,
                "message_status": "failed",
                "message_error": error,
                "message_to": number,
                "message_sent_at": None,
                "message_text": text[:MAX_STORED_TEXT],
            },
        )

    def send_sms(self, referral_id: str, text: str, number: str | None = None) -> MessageState:
        """Queue the message in the gateway's outbox (the agency's phone unless `number`). Whatever
        stops it is recorded on the referral as `failed` with its reason; send again once fixed."""
        if number is None:
            _ref, _inc, agency = self._facts_rows(referral_id)
            number = agency.get("phone") or None
        e164 = phones.normalise(number) if number else None
        if e164 is None or not e164.startswith("+"):
            return self.record_failure(referral_id, "sms", "no_number", None, text)
        problem = message_problem(text)
        if problem:
            return self.record_failure(referral_id, "sms", "too_long", e164, text)
        if self.gateway is None:
            return self.record_failure(referral_id, "sms", "no_gateway", e164, text)
        ref = self._ref()
        try:
            name = self.gateway.submit(e164, text, ref)
        except GatewayError as exc:
            log.warning("SMS to an agency not queued: %s", exc.code)
            return self.record_failure(referral_id, "sms", exc.code, e164, text)
        try:
            return self._record(
                referral_id,
                {
                    "message_channel": "sms",
                    "message_status": "queued",
                    "message_to": e164,
                    "message_ref": name,
                    "message_sent_at": None,
                    "message_text": text[:MAX_STORED_TEXT],
                },
            )
        except Exception:
            self.gateway.withdraw(name)  # not recorded: do not send it behind the operator's back
            raise

    def _ref(self) -> str:
        code = "".join(ch for ch in self.store.site_code if ch.isalnum())[:12]
        return f"od{code}x{uuid.uuid4().hex[:12]}"

    def _mine(self, ref: str | None) -> bool:
        """A queued message this desk's gateway holds (other desks' messages sync here too)."""
        code = "".join(ch for ch in self.store.site_code if ch.isalnum())[:12]
        return bool(ref) and f"_od{code}x" in str(ref)

    # -- following the gateway ----------------------------------------------------------------------------
    def poll(self) -> PollResult:
        """Follow queued messages, then read the inbox. A worker's job (file I/O and writes)."""
        result = PollResult()
        if self.gateway is None:
            return result
        self._follow_queued(result)
        self._read_inbox(result)
        return result

    def _follow_queued(self, result: PollResult) -> None:
        assert self.gateway is not None
        rows = (
            self.store.reader()
            .execute(
                "SELECT id, message_ref, message_at FROM referrals WHERE message_status='queued' "
                "AND message_channel='sms'"
            )
            .fetchall()
        )
        now = self.store.now_ms()
        for rid, ref, at in rows:
            if not self._mine(ref):
                continue
            state, moved = self.gateway.state(ref)
            if state == "sent":
                fields: dict[str, Any] = {
                    "message_status": "sent",
                    "message_sent_at": min(moved or now, now),
                    "message_error": None,
                }
            elif state == "failed":
                fields = {"message_status": "failed", "message_error": "modem_error"}
            elif state == "queued" and now - int(at or now) > self.send_timeout_ms:
                if not self.gateway.withdraw(ref):
                    continue  # the daemon took it just now: see at the next poll
                fields = {"message_status": "failed", "message_error": "gateway_timeout"}
            elif state == "missing":
                fields = {"message_status": "failed", "message_error": "gateway_unavailable"}
            else:
                continue
            self._update(rid, fields)
            result.updated.append(rid)

    def _update(self, referral_id: str, fields: dict[str, Any]) -> None:
        def fn(tx: Tx) -> None:
            update_referral(tx, referral_id, fields)
            tx.audit(
                "referral_message",
                "referrals",
                referral_id,
                {
                    "channel": "sms",
                    "status": fields.get("message_status"),
                    "error": fields.get("message_error"),
                },
            )

        self.store.write(fn, background=True)

    def _read_inbox(self, result: PollResult) -> None:
        assert self.gateway is not None
        db = self.store.reader()
        seen = {r[0] for r in db.execute("SELECT file FROM sms_inbound")}
        messages = self.gateway.inbound(seen, POLL_LIMIT)
        if not messages:
            return
        numbers = self._agency_numbers()
        since = self.store.now_ms() - RATE_WINDOW_MS
        recent: dict[str, int] = {}
        for sms in messages:
            if sms.sender not in recent:
                recent[sms.sender] = db.execute(
                    "SELECT count(*) FROM sms_inbound WHERE sender=? AND received_at>=?", (sms.sender, since)
                ).fetchone()[0]
            recent[sms.sender] += 1
            if recent[sms.sender] > self.rate_per_sender:
                self._leave(sms, "rate_limited")
                result.unmatched += 1
                continue
            outcome = self._handle(sms, numbers)
            if outcome == "applied":
                result.applied.append(sms.file)
            elif outcome == "duplicate":
                result.duplicates += 1
            else:
                result.unmatched += 1

    def _agency_numbers(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for r in self.store.reader().execute("SELECT id, phone, whatsapp FROM agencies"):
            for raw in (r[1], r[2]):
                e164 = phones.normalise(raw) if raw else None
                if e164:
                    out.setdefault(e164, set()).add(r[0])
        return out

    def _handle(self, sms: InboundSms, numbers: dict[str, set[str]]) -> str:
        """Apply one SMS, or leave it for the operator with its reason; returns the state it got."""
        if sms.problem:  # too_large, binary, unreadable, bad_encoding: a person reads it, nothing applies
            return self._leave(sms, sms.problem)
        e164 = phones.normalise(sms.sender) if sms.sender_ok else None
        agencies = numbers.get(e164 or "", set())
        if not agencies:
            return self._leave(sms, "unknown_sender")
        reply = parse_reply(sms.text)
        if reply is None:
            return self._leave(sms, "not_a_reply")
        db = self.store.reader()
        incident_id = IncidentRepository(db).id_of_number(reply.number)
        if incident_id is None:
            return self._leave(sms, "unknown_incident")
        marks = ",".join("?" * len(agencies))
        refs = db.execute(
            f"SELECT id, status FROM referrals WHERE incident_id=? AND agency_id IN ({marks}) "
            "ORDER BY (status = 'closed'), sent_at DESC, id DESC",
            (incident_id, *sorted(agencies)),
        ).fetchall()
        if not refs:
            return self._leave(sms, "not_referred")
        rid, status = refs[0]
        if status == "closed":
            return self._leave(sms, "referral_closed")
        detail = reply.detail if reply.step == "feedback" else f"SMS dari {e164}"
        via = _ViaSms(self.store, sms, reply.word, reply.step, rid)
        try:
            ReferralService(cast(Store, via)).step(rid, reply.step, detail)
        except DomainError as exc:
            if exc.code in ("step_done", "step_backwards"):
                return self._leave(sms, exc.code, state="duplicate", rid=rid, step=reply.step)
            return self._leave(sms, exc.code if exc.code == "referral_closed" else "refused", rid=rid)
        log.info("SMS reply applied to a referral (step %s)", reply.step)
        return "applied"

    def _leave(
        self,
        sms: InboundSms,
        reason: str,
        *,
        state: str = "unmatched",
        rid: str | None = None,
        step: str | None = None,
    ) -> str:
        def fn(tx: Tx) -> None:
            _insert_inbound(tx, sms, state, reason, rid, step)
            tx.audit(
                "sms_" + state,
                "referrals" if rid else "sms_inbound",
                rid or sms.file[:200],
                {
                    "from": sms.sender
                    if rid
                    else mask_number(sms.sender)
                    if sms.sender_ok
                    else "(not a number)",
                    "reason": reason,
                },
            )

        self.store.write(fn, background=True)
        log.info("inbound SMS left for the operator: %s", reason)
        return state

    # -- the operator's list -------------------------------------------------------------------------------
    def unmatched(self, limit: int = 100) -> list[UnmatchedSms]:
        rows = (
            self.store.reader()
            .execute(
                "SELECT id, received_at, sender, text, reason FROM sms_inbound WHERE state='unmatched' "
                "ORDER BY received_at DESC, id DESC LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [UnmatchedSms(int(r[0]), int(r[1]), r[2] or "", r[3] or "", r[4] or "") for r in rows]

    def dismiss(self, sms_id: int) -> None:
        """The operator dealt with an unmatched SMS (called the agency, ticked the step by hand)."""

        def fn(tx: Tx) -> None:
            row = tx.one("SELECT state FROM sms_inbound WHERE id=?", (sms_id,))
            if row is None:
                raise NotFound("sms", str(sms_id))
            tx.conn.execute(
                "UPDATE sms_inbound SET state='dismissed', handled_by=?, handled_at=? WHERE id=?",
                (tx.operator, tx.now_ms(), sms_id),
            )
            tx.audit("sms_dismissed", "sms_inbound", str(sms_id))

        self.store.write(fn)


@dataclass(frozen=True)
class SmsSetup:
    """What the desk's [sms] settings make: the messaging service and how often to poll (None: never)."""

    messaging: ReferralMessaging
    poll_ms: int | None
    problem: str | None = None  # the settings file could not be read (the desk runs without a gateway)


def messaging_for(store: Store, data_dir: Any) -> SmsSetup:
    """The referral messaging of a desk from `<data_dir>/settings.toml` [sms] (no gateway when off)."""
    from .. import settings as desk_settings
    from .sms_gateway import gateway_from_settings

    try:
        sms = desk_settings.load(data_dir).sms
    except desk_settings.SettingsError as exc:
        log.warning("SMS gateway off: %s", exc.key)
        return SmsSetup(ReferralMessaging(store), None, f"settings: {exc.key}")
    gateway = gateway_from_settings(sms)
    messaging = ReferralMessaging(
        store, gateway, center=sms.center, send_timeout_ms=sms.send_timeout_s * 1000
    )
    return SmsSetup(messaging, sms.poll_seconds * 1000 if gateway is not None else None)
