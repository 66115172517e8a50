"""Referrals: the incident handed to an agency, followed step by step until feedback.

Each step (sent, acknowledged, on scene, feedback, closed) records who and when, as a field of the
referral and as an append-only `referral_events` row. A referral can be re-sent (the acknowledge timer
restarts from `resent_at`; `sent_at` stays the first send, the one the statistics measure from),
escalated to another agency (the old referral closes, pointing at the new one) or reopened after it
was closed. Closing an incident needs a disposition and every agency's feedback, or a supervisor's
override with a reason: that rule is `domain.rules.plan_close`, applied by the incident lifecycle
(services/lifecycle.py) for every path that closes. The SQL lives in store/repositories.py; the board
reads through `ReferralBoardQuery` (typed rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain.enums import IncidentStatus
from ..domain.errors import DomainError, NotFound
from ..domain.records import BoardRow, OverdueReferral, Referral, ReferralEvent
from ..store.repositories import (
    OPEN_REFERRAL_STEPS,
    IncidentRepository,
    ReferralRepository,
    append_referral_event,
    insert_referral,
    update_referral,
)
from ..store.store import Store
from ..store.tx import Tx
from .lifecycle import IncidentLifecycle

STEPS: tuple[str, ...] = ("sent", "acknowledged", "on_scene", "feedback", "closed")
STEP_COLUMN = {
    "sent": "sent_at",
    "acknowledged": "acknowledged_at",
    "on_scene": "on_scene_at",
    "feedback": "feedback_at",
    "closed": "closed_at",
}
OPEN_STEPS: tuple[str, ...] = OPEN_REFERRAL_STEPS

# Timer levels. A step is amber once its expected time has passed and red once it is overdue by half
# the expected time again (5 min to acknowledge: amber at 5:00, red at 7:30).
OK, AMBER, RED = "ok", "amber", "red"
LEVEL_RANK = {OK: 0, AMBER: 1, RED: 2}
RED_FACTOR = 1.5
MINUTE_MS = 60_000


@dataclass(frozen=True)
class StepTimer:
    """A running timer of one referral step: when it is due and how late it is now."""

    step: str  # "acknowledged" or "on_scene"
    started_ms: int
    due_ms: int
    level: str  # OK, AMBER or RED
    overdue_ms: int  # <= 0 while not yet due


def _level(elapsed: int, expected: int) -> str:
    if elapsed >= expected * RED_FACTOR:
        return RED
    if elapsed >= expected:
        return AMBER
    return OK


def step_timers(ref: Mapping[str, Any], now_ms: int) -> dict[str, StepTimer]:
    """Timers still running for an open referral, against the agency's ack/arrive minutes.

    Pure: `ref` is a board row (referral fields plus the agency's ack_minutes/arrive_minutes).
    A step already done, or made moot by feedback, has no timer.
    """
    if ref.get("status") == "closed" or ref.get("closed_at") is not None or ref.get("sent_at") is None:
        return {}
    out: dict[str, StepTimer] = {}
    base = int(ref.get("resent_at") or ref["sent_at"])
    done_feedback = ref.get("feedback_at") is not None
    targets = (
        ("acknowledged", "acknowledged_at", "ack_minutes"),
        ("on_scene", "on_scene_at", "arrive_minutes"),
    )
    for step, col, minutes_key in targets:
        minutes = ref.get(minutes_key)
        if ref.get(col) is not None or done_feedback or not minutes:
            continue
        expected = int(minutes) * MINUTE_MS
        elapsed = now_ms - base
        out[step] = StepTimer(step, base, base + expected, _level(elapsed, expected), elapsed - expected)
    return out


def worst_level(timers: Mapping[str, StepTimer]) -> str:
    return max((t.level for t in timers.values()), key=LEVEL_RANK.__getitem__, default=OK)


def next_due(ref: Mapping[str, Any], now_ms: int) -> StepTimer | None:
    """The running timer that falls due first (the board's countdown), or None when none runs."""
    timers = step_timers(ref, now_ms)
    return min(timers.values(), key=lambda t: t.due_ms, default=None)


def board_order(rows: list[BoardRow], now_ms: int) -> list[BoardRow]:
    """What is due first comes first: the longest overdue, then the smallest time left; referrals
    with no running timer (waiting only for feedback) after them, newest first. A new referral has
    its whole acknowledge time left, so it sits right under the overdue ones, never at the bottom."""

    def key(row: BoardRow) -> tuple[int, int, str]:
        timer = next_due(row, now_ms)
        if timer is not None:
            return (0, timer.due_ms, str(row["id"]))
        return (1, -int(row.get("resent_at") or row.get("sent_at") or 0), str(row["id"]))

    return sorted(rows, key=key)


class ReferralBoardQuery:
    """What the referral board (and the handover) read: open referrals with their incident and agency."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _repo(self) -> ReferralRepository:
        return ReferralRepository(self.store.reader())

    def open_rows(self) -> list[BoardRow]:
        """Every open referral, oldest first."""
        return self._repo().board_open()

    def due_rows(self, now_ms: int) -> list[BoardRow]:
        """Every open referral in the board's order at `now_ms` (`board_order`: due first)."""
        return board_order(self.open_rows(), now_ms)

    def row(self, referral_id: str) -> BoardRow:
        row = self._repo().board_row(referral_id)
        if row is None:
            raise NotFound("referral", referral_id)
        return row

    def of_incident(self, incident_id: str) -> list[BoardRow]:
        return self._repo().board_of_incident(incident_id)

    def overdue(self, now_ms: int) -> list[OverdueReferral]:
        """Open referrals with at least one amber or red timer, with the worst `level` and the `timers`."""
        out = []
        for row in self.open_rows():
            timers = step_timers(row, now_ms)
            level = worst_level(timers)
            if level != OK:
                out.append(OverdueReferral(**dict(row), level=level, timers=timers))
        return out


class ReferralService:
    """Each step records who and when, as a field of the referral and an append-only event."""

    def __init__(self, store: Store, lifecycle: IncidentLifecycle | None = None) -> None:
        self.store = store
        self.lifecycle = lifecycle or IncidentLifecycle(store)
        self.board = ReferralBoardQuery(store)

    # -- commands ---------------------------------------------------------------------------------
    def refer(self, incident_id: str, agency_id: str, sent_at: int | None = None) -> str:
        def fn(tx: Tx) -> str:
            return self._refer(tx, incident_id, agency_id, sent_at)

        return self.store.write(fn)

    def _refer(self, tx: Tx, incident_id: str, agency_id: str, sent_at: int | None) -> str:
        status = IncidentRepository(tx.conn).status(incident_id)
        if status is None:
            raise NotFound("incident", incident_id)
        if status == IncidentStatus.CLOSED:
            raise DomainError("incident_closed", f"incident {incident_id} is closed", "status")
        if tx.one("SELECT 1 FROM agencies WHERE id=?", (agency_id,)) is None:
            raise NotFound("agency", agency_id)
        at = sent_at if sent_at is not None else tx.now_ms()
        pk = insert_referral(
            tx,
            {
                "incident_id": incident_id,
                "agency_id": agency_id,
                "sent_at": at,
                "status": "sent",
                "operator": tx.operator,
                "resend_count": 0,
                "reopen_count": 0,
            },
        )
        append_referral_event(tx, pk, "sent", at)
        tx.audit("referral_sent", "referrals", pk, {"incident_id": incident_id, "agency_id": agency_id})
        self.lifecycle.follow_in(tx, incident_id, IncidentStatus.REFERRED, at)
        return pk

    @staticmethod
    def _open_row(tx: Tx, referral_id: str) -> Referral:
        row = ReferralRepository(tx.conn).require(referral_id)
        if row.status == "closed":
            raise DomainError("referral_closed", f"referral {referral_id} is closed", "step")
        return row

    def step(self, referral_id: str, step: str, detail: str | None = None) -> None:
        """Record the next step (acknowledged, on_scene, feedback, closed). Steps never go back.

        Codes: `unknown_step`, `step_backwards`, `step_done` (pressed twice: the first time stays),
        `referral_closed`, `feedback_required` (closing before the agency's feedback).
        """
        if step not in STEPS[1:]:
            raise DomainError("unknown_step", f"unknown referral step {step!r}", "step")

        def fn(tx: Tx) -> None:
            row = self._open_row(tx, referral_id)
            current = row.status or "sent"
            if STEPS.index(step) < STEPS.index(current):
                raise DomainError("step_backwards", f"referral is already {current}", "step")
            if row[STEP_COLUMN[step]] is not None:
                raise DomainError("step_done", f"referral step {step} is already recorded", "step")
            if step == "closed" and row.feedback_at is None:
                raise DomainError(
                    "feedback_required", "close the referral after the agency's feedback", "step"
                )
            now = tx.now_ms()
            fields: dict[str, Any] = {STEP_COLUMN[step]: now, "status": step}
            if step == "feedback" and detail:
                fields["feedback"] = detail
            update_referral(tx, referral_id, fields)
            append_referral_event(tx, referral_id, step, now, detail)
            tx.audit(f"referral_{step}", "referrals", referral_id)
            if step == "on_scene":
                self.lifecycle.follow_in(tx, row.incident_id, IncidentStatus.ON_SCENE, now)

        self.store.write(fn)

    def resend(self, referral_id: str) -> None:
        """Send again (no answer on the radio): the acknowledge timer restarts, `sent_at` stays."""

        def fn(tx: Tx) -> None:
            row = self._open_row(tx, referral_id)
            now = tx.now_ms()
            update_referral(
                tx, referral_id, {"resent_at": now, "resend_count": int(row.resend_count or 0) + 1}
            )
            append_referral_event(tx, referral_id, "resent", now)
            tx.audit("referral_resent", "referrals", referral_id)

        self.store.write(fn)

    def escalate(self, referral_id: str, agency_id: str, reason: str | None = None) -> str:
        """Hand the incident to another agency: the old referral closes pointing at the new one."""

        def fn(tx: Tx) -> str:
            row = self._open_row(tx, referral_id)
            if row.agency_id == agency_id:
                raise DomainError("same_agency", "escalate to a different agency", "agency")
            new_id = self._refer(tx, row.incident_id, agency_id, None)
            now = tx.now_ms()
            update_referral(tx, referral_id, {"status": "closed", "closed_at": now, "escalated_to": new_id})
            append_referral_event(tx, referral_id, "escalated", now, reason)
            tx.audit("referral_escalated", "referrals", referral_id, {"to": new_id, "agency_id": agency_id})
            return new_id

        return self.store.write(fn)

    def reopen(self, referral_id: str, reason: str | None = None) -> None:
        """Reopen a closed referral (the agency must act and report again); the incident must be open."""

        def fn(tx: Tx) -> None:
            row = ReferralRepository(tx.conn).require(referral_id)
            if row.status != "closed":
                raise DomainError("referral_open", f"referral {referral_id} is not closed", "step")
            if row.escalated_to:
                raise DomainError(
                    "referral_escalated", "an escalated referral is followed by its successor", "step"
                )
            if IncidentRepository(tx.conn).status(row.incident_id) == IncidentStatus.CLOSED:
                raise DomainError("incident_closed", "the incident is closed", "status")
            back = "on_scene" if row.on_scene_at else "acknowledged" if row.acknowledged_at else "sent"
            now = tx.now_ms()
            update_referral(
                tx,
                referral_id,
                {
                    "status": back,
                    "closed_at": None,
                    "feedback_at": None,
                    "reopened_at": now,
                    "reopen_count": int(row.reopen_count or 0) + 1,
                },
            )
            append_referral_event(tx, referral_id, "reopened", now, reason)
            tx.audit("referral_reopened", "referrals", referral_id)

        self.store.write(fn)

    def close_incident(self, incident_id: str, disposition: str, override_reason: str | None = None) -> None:
        """Close the incident through the lifecycle (rules in `domain.rules.plan_close`); its open
        referrals close with it. The override reason counts only when an agency's feedback is missing."""
        self.lifecycle.close(incident_id, disposition, override_reason)

    # -- queries ----------------------------------------------------------------------------------
    def for_incident(self, incident_id: str) -> list[BoardRow]:
        return self.board.of_incident(incident_id)

    def get(self, referral_id: str) -> BoardRow:
        return self.board.row(referral_id)

    def open_board(self) -> list[BoardRow]:
        """Every open referral with what the board shows, oldest first (see `ReferralBoardQuery`)."""
        return self.board.open_rows()

    def overdue(self, now_ms: int) -> list[OverdueReferral]:
        return self.board.overdue(now_ms)

    def events(self, referral_id: str) -> list[ReferralEvent]:
        return ReferralRepository(self.store.reader()).events(referral_id)
