"""Referrals: the incident handed to an agency, followed step by step until feedback.

Each step (sent, acknowledged, on scene, feedback, closed) records who and when, as a field of the
referral and as an append-only `referral_events` row. A referral can be re-sent (the acknowledge timer
restarts from `resent_at`; `sent_at` stays the first send, the one the statistics measure from),
escalated to another agency (the old referral closes, pointing at the new one) or reopened after it
was closed. Closing an incident needs a disposition and every agency's feedback, or a supervisor's
override with a reason; that rule lives here (`check_can_close`) so every path that closes uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain.enums import IncidentStatus
from ..domain.errors import DomainError, NotFound
from ..domain.rules import can_advance
from ..store.store import Store
from ..store.tx import Tx
from .agencies import is_supervisor

STEPS: tuple[str, ...] = ("sent", "acknowledged", "on_scene", "feedback", "closed")
STEP_COLUMN = {
    "sent": "sent_at",
    "acknowledged": "acknowledged_at",
    "on_scene": "on_scene_at",
    "feedback": "feedback_at",
    "closed": "closed_at",
}
OPEN_STEPS: tuple[str, ...] = STEPS[:-1]

# Timer levels. A step is amber once its expected time has passed and red once it is overdue by half
# the expected time again (5 min to acknowledge: amber at 5:00, red at 7:30).
OK, AMBER, RED = "ok", "amber", "red"
LEVEL_RANK = {OK: 0, AMBER: 1, RED: 2}
RED_FACTOR = 1.5
MINUTE_MS = 60_000

BOARD_SQL = """
SELECT r.*, i.number AS incident_number, i.category AS category, i.priority AS priority,
       i.status AS incident_status, json_extract(i.location, '$.kecamatan_name') AS kecamatan_name,
       a.name AS agency_name, a.kind AS agency_kind, a.ack_minutes AS ack_minutes,
       a.arrive_minutes AS arrive_minutes
FROM referrals r
LEFT JOIN incidents i ON i.id = r.incident_id
LEFT JOIN agencies a ON a.id = r.agency_id
"""


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


def check_can_close(
    tx: Tx, incident_id: str, disposition: str | None, override_reason: str | None
) -> list[Any]:
    """Raise DomainError unless the incident may close now; returns its referral rows.

    Codes: `disposition_required`, `incident_closed`, `feedback_required` (a referral without the
    agency's feedback, or no referral at all), `supervisor_required` (override by a non-supervisor),
    `override_reason_required`.
    """
    inc = tx.one("SELECT status FROM incidents WHERE id=?", (incident_id,))
    if inc is None:
        raise NotFound("incident", incident_id)
    if inc["status"] == IncidentStatus.CLOSED:
        raise DomainError("incident_closed", f"incident {incident_id} is already closed", "status")
    if not (disposition or "").strip():
        raise DomainError("disposition_required", "closing an incident needs a disposition", "disposition")
    refs = tx.all("SELECT * FROM referrals WHERE incident_id=?", (incident_id,))
    live = [r for r in refs if not r["escalated_to"]]
    missing = [r for r in live if r["feedback_at"] is None]
    if live and not missing:
        return refs
    if override_reason is None:
        raise DomainError(
            "feedback_required",
            f"incident {incident_id}: {len(missing)} referral(s) without the agency's feedback"
            if live
            else f"incident {incident_id} was never referred: closing needs a supervisor's override",
            "feedback",
        )
    if not override_reason.strip():
        raise DomainError("override_reason_required", "a supervisor override needs a reason", "override")
    if not is_supervisor(tx.conn, tx.operator):
        raise DomainError(
            "supervisor_required",
            f"operator {tx.operator!r} is not a supervisor: cannot override",
            "override",
        )
    return refs


class ReferralService:
    """Each step records who and when, as a field of the referral and an append-only event."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- commands ---------------------------------------------------------------------------------
    def refer(self, incident_id: str, agency_id: str, sent_at: int | None = None) -> str:
        def fn(tx: Tx) -> str:
            return self._refer(tx, incident_id, agency_id, sent_at)

        return self.store.write(fn)

    def _refer(self, tx: Tx, incident_id: str, agency_id: str, sent_at: int | None) -> str:
        inc = tx.one("SELECT status FROM incidents WHERE id=?", (incident_id,))
        if inc is None:
            raise NotFound("incident", incident_id)
        if inc["status"] == IncidentStatus.CLOSED:
            raise DomainError("incident_closed", f"incident {incident_id} is closed", "status")
        if tx.one("SELECT 1 FROM agencies WHERE id=?", (agency_id,)) is None:
            raise NotFound("agency", agency_id)
        at = sent_at if sent_at is not None else tx.now_ms()
        pk = tx.insert_record(
            "referrals",
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
        tx.append("referral_events", {"referral_id": pk, "step": "sent", "at": at, "operator": tx.operator})
        tx.audit("referral_sent", "referrals", pk, {"incident_id": incident_id, "agency_id": agency_id})
        self._advance_incident(tx, incident_id, inc["status"], IncidentStatus.REFERRED, at)
        return pk

    @staticmethod
    def _advance_incident(tx: Tx, incident_id: str, current: str, wanted: str, at: int) -> None:
        if current == wanted or not can_advance(current, wanted):
            return
        tx.update_record(
            "incidents", incident_id, {"status": str(wanted), "updated_at": at, "updated_by": tx.operator}
        )
        tx.append(
            "status_events",
            {
                "incident_id": incident_id,
                "status_from": current,
                "status_to": str(wanted),
                "at": at,
                "operator": tx.operator,
            },
        )

    @staticmethod
    def _open_row(tx: Tx, referral_id: str) -> Any:
        row = tx.one("SELECT * FROM referrals WHERE id=?", (referral_id,))
        if row is None:
            raise NotFound("referral", referral_id)
        if row["status"] == "closed":
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
            current = row["status"] or "sent"
            if STEPS.index(step) < STEPS.index(current):
                raise DomainError("step_backwards", f"referral is already {current}", "step")
            if row[STEP_COLUMN[step]] is not None:
                raise DomainError("step_done", f"referral step {step} is already recorded", "step")
            if step == "closed" and row["feedback_at"] is None:
                raise DomainError(
                    "feedback_required", "close the referral after the agency's feedback", "step"
                )
            now = tx.now_ms()
            fields: dict[str, Any] = {STEP_COLUMN[step]: now, "status": step}
            if step == "feedback" and detail:
                fields["feedback"] = detail
            tx.update_record("referrals", referral_id, fields)
            tx.append(
                "referral_events",
                {
                    "referral_id": referral_id,
                    "step": step,
                    "at": now,
                    "operator": tx.operator,
                    "detail": detail,
                },
            )
            tx.audit(f"referral_{step}", "referrals", referral_id)
            if step == "on_scene":
                inc = tx.one("SELECT status FROM incidents WHERE id=?", (row["incident_id"],))
                if inc is not None:
                    self._advance_incident(
                        tx, row["incident_id"], inc["status"], IncidentStatus.ON_SCENE, now
                    )

        self.store.write(fn)

    def resend(self, referral_id: str) -> None:
        """Send again (no answer on the radio): the acknowledge timer restarts, `sent_at` stays."""

        def fn(tx: Tx) -> None:
            row = self._open_row(tx, referral_id)
            now = tx.now_ms()
            tx.update_record(
                "referrals",
                referral_id,
                {"resent_at": now, "resend_count": int(row["resend_count"] or 0) + 1},
            )
            tx.append(
                "referral_events",
                {"referral_id": referral_id, "step": "resent", "at": now, "operator": tx.operator},
            )
            tx.audit("referral_resent", "referrals", referral_id)

        self.store.write(fn)

    def escalate(self, referral_id: str, agency_id: str, reason: str | None = None) -> str:
        """Hand the incident to another agency: the old referral closes pointing at the new one."""

        def fn(tx: Tx) -> str:
            row = self._open_row(tx, referral_id)
            if row["agency_id"] == agency_id:
                raise DomainError("same_agency", "escalate to a different agency", "agency")
            new_id = self._refer(tx, row["incident_id"], agency_id, None)
            now = tx.now_ms()
            tx.update_record(
                "referrals", referral_id, {"status": "closed", "closed_at": now, "escalated_to": new_id}
            )
            tx.append(
                "referral_events",
                {
                    "referral_id": referral_id,
                    "step": "escalated",
                    "at": now,
                    "operator": tx.operator,
                    "detail": reason,
                },
            )
            tx.audit("referral_escalated", "referrals", referral_id, {"to": new_id, "agency_id": agency_id})
            return new_id

        return self.store.write(fn)

    def reopen(self, referral_id: str, reason: str | None = None) -> None:
        """Reopen a closed referral (the agency must act and report again); the incident must be open."""

        def fn(tx: Tx) -> None:
            row = tx.one("SELECT * FROM referrals WHERE id=?", (referral_id,))
            if row is None:
                raise NotFound("referral", referral_id)
            if row["status"] != "closed":
                raise DomainError("referral_open", f"referral {referral_id} is not closed", "step")
            if row["escalated_to"]:
                raise DomainError(
                    "referral_escalated", "an escalated referral is followed by its successor", "step"
                )
            inc = tx.one("SELECT status FROM incidents WHERE id=?", (row["incident_id"],))
            if inc is not None and inc["status"] == IncidentStatus.CLOSED:
                raise DomainError("incident_closed", "the incident is closed", "status")
            back = "on_scene" if row["on_scene_at"] else "acknowledged" if row["acknowledged_at"] else "sent"
            now = tx.now_ms()
            tx.update_record(
                "referrals",
                referral_id,
                {
                    "status": back,
                    "closed_at": None,
                    "feedback_at": None,
                    "reopened_at": now,
                    "reopen_count": int(row["reopen_count"] or 0) + 1,
                },
            )
            tx.append(
                "referral_events",
                {
                    "referral_id": referral_id,
                    "step": "reopened",
                    "at": now,
                    "operator": tx.operator,
                    "detail": reason,
                },
            )
            tx.audit("referral_reopened", "referrals", referral_id)

        self.store.write(fn)

    def close_incident(self, incident_id: str, disposition: str, override_reason: str | None = None) -> None:
        """Close the incident (rules in `check_can_close`); its open referrals close with it."""

        def fn(tx: Tx) -> None:
            refs = check_can_close(tx, incident_id, disposition, override_reason)
            now = tx.now_ms()
            for r in refs:
                if r["status"] != "closed":
                    tx.update_record("referrals", r["id"], {"status": "closed", "closed_at": now})
                    tx.append(
                        "referral_events",
                        {
                            "referral_id": r["id"],
                            "step": "closed",
                            "at": now,
                            "operator": tx.operator,
                            "detail": "incident_closed",
                        },
                    )
            current = tx.all("SELECT status FROM incidents WHERE id=?", (incident_id,))[0]["status"]
            tx.update_record(
                "incidents",
                incident_id,
                {
                    "status": str(IncidentStatus.CLOSED),
                    "disposition": disposition,
                    "updated_at": now,
                    "updated_by": tx.operator,
                },
            )
            tx.append(
                "status_events",
                {
                    "incident_id": incident_id,
                    "status_from": current,
                    "status_to": "closed",
                    "at": now,
                    "operator": tx.operator,
                },
            )
            if override_reason is not None:
                tx.audit("incident_close_override", "incidents", incident_id, {"reason": override_reason})
            else:
                tx.audit("incident_status", "incidents", incident_id, {"from": current, "to": "closed"})

        self.store.write(fn)

    # -- queries ----------------------------------------------------------------------------------
    def for_incident(self, incident_id: str) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.store.query(
                "SELECT r.*, a.name AS agency_name, a.kind AS agency_kind FROM referrals r "
                "LEFT JOIN agencies a ON a.id = r.agency_id WHERE r.incident_id=? ORDER BY r.sent_at",
                (incident_id,),
            )
        ]

    def get(self, referral_id: str) -> dict[str, Any]:
        rows = self.store.query(BOARD_SQL + " WHERE r.id=?", (referral_id,))
        if not rows:
            raise NotFound("referral", referral_id)
        return dict(rows[0])

    def open_board(self) -> list[dict[str, Any]]:
        """Every open referral with what the board shows, oldest first (indexed by status)."""
        marks = ",".join("?" * len(OPEN_STEPS))
        rows = self.store.query(
            BOARD_SQL + f" WHERE r.status IN ({marks}) ORDER BY r.sent_at, r.id", OPEN_STEPS
        )
        return [dict(r) for r in rows]

    def overdue(self, now_ms: int) -> list[dict[str, Any]]:
        """Open referrals with at least one amber or red timer, with `level` and `timers` added."""
        out = []
        for row in self.open_board():
            timers = step_timers(row, now_ms)
            level = worst_level(timers)
            if level != OK:
                out.append({**row, "level": level, "timers": timers})
        return out

    def events(self, referral_id: str) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.store.query(
                "SELECT step, at, operator, detail FROM referral_events WHERE referral_id=? ORDER BY at, id",
                (referral_id,),
            )
        ]
