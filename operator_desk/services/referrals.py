"""Referrals: the incident handed to an agency, followed step by step until feedback."""

from __future__ import annotations

from typing import Any

from ..domain.enums import IncidentStatus
from ..domain.errors import DomainError, NotFound
from ..domain.rules import can_advance
from ..store.store import Store
from ..store.tx import Tx

STEPS: tuple[str, ...] = ("sent", "acknowledged", "on_scene", "feedback", "closed")
STEP_COLUMN = {
    "sent": "sent_at",
    "acknowledged": "acknowledged_at",
    "on_scene": "on_scene_at",
    "feedback": "feedback_at",
    "closed": "closed_at",
}


class ReferralService:
    """Each step records who and when, as a field of the referral and an append-only event."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def refer(self, incident_id: str, agency_id: str, sent_at: int | None = None) -> str:
        def fn(tx: Tx) -> str:
            inc = tx.one("SELECT status FROM incidents WHERE id=?", (incident_id,))
            if inc is None:
                raise NotFound("incident", incident_id)
            if tx.one("SELECT 1 FROM agencies WHERE id=?", (agency_id,)) is None:
                raise NotFound("agency", agency_id)
            at = sent_at if sent_at is not None else tx.now_ms()
            pk = tx.insert_record(
                "referrals",
                {"incident_id": incident_id, "agency_id": agency_id, "sent_at": at, "status": "sent",
                 "operator": tx.operator},
            )
            tx.append("referral_events", {"referral_id": pk, "step": "sent", "at": at, "operator": tx.operator})
            tx.audit("referral_sent", "referrals", pk, {"incident_id": incident_id, "agency_id": agency_id})
            if can_advance(inc["status"], IncidentStatus.REFERRED) and inc["status"] != IncidentStatus.REFERRED:
                tx.update_record("incidents", incident_id, {"status": str(IncidentStatus.REFERRED),
                                                            "updated_at": at, "updated_by": tx.operator})
                tx.append(
                    "status_events",
                    {"incident_id": incident_id, "status_from": inc["status"], "status_to": "referred", "at": at,
                     "operator": tx.operator},
                )
            return pk

        return self.store.write(fn)

    def step(self, referral_id: str, step: str, detail: str | None = None) -> None:
        """Record the next step (acknowledged, on_scene, feedback, closed). Steps never go back."""
        if step not in STEPS[1:]:
            raise DomainError("unknown_step", f"unknown referral step {step!r}", "step")

        def fn(tx: Tx) -> None:
            row = tx.one("SELECT * FROM referrals WHERE id=?", (referral_id,))
            if row is None:
                raise NotFound("referral", referral_id)
            if STEPS.index(step) < STEPS.index(row["status"] or "sent"):
                raise DomainError("step_backwards", f"referral is already {row['status']}", "step")
            now = tx.now_ms()
            fields: dict[str, Any] = {STEP_COLUMN[step]: now, "status": step}
            if step == "feedback" and detail:
                fields["feedback"] = detail
            tx.update_record("referrals", referral_id, fields)
            tx.append("referral_events", {"referral_id": referral_id, "step": step, "at": now,
                                          "operator": tx.operator, "detail": detail})
            tx.audit(f"referral_{step}", "referrals", referral_id)

        self.store.write(fn)

    def for_incident(self, incident_id: str) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.store.query(
                "SELECT r.*, a.name AS agency_name, a.kind AS agency_kind FROM referrals r "
                "LEFT JOIN agencies a ON a.id = r.agency_id WHERE r.incident_id=? ORDER BY r.sent_at",
                (incident_id,),
            )
        ]
