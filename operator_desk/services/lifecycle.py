"""The incident lifecycle: the one owner of every status move.

Advance, resolve, close, a supervisor's override close and a supervisor's reopen all pass through
`_move`, which writes the new status, the one status event (`repositories.append_status_event`) and
the audit row, in the caller's transaction. The rules themselves are pure (domain/rules.py): which
moves are allowed, what closing does to open referrals, who may override or reopen. Other services
(incidents, referrals, conflicts, demo) call the `*_in(tx, …)` methods inside their own transaction,
so a referral step that pulls the incident forward and a close from the board or the form leave the
same rows behind.

Sync caveat (for the incident-editing issue): `status` merges forward-only (rules.later_status), so a
reopen made on one desk loses against a replica that still holds `closed`, until the merge learns
about reopen generations.
"""

from __future__ import annotations

from typing import Any

from ..domain.enums import IncidentStatus
from ..domain.errors import DomainError
from ..domain.records import Incident
from ..domain.rules import check_advance, check_merge, check_reopen, later_status, plan_close, reopen_target
from ..store.repositories import (
    IncidentRepository,
    ReferralRepository,
    append_referral_event,
    append_status_event,
    set_status,
    update_referral,
)
from ..store.store import Store
from ..store.tx import Tx
from .agencies import roster_role

CLOSED = str(IncidentStatus.CLOSED)


class IncidentLifecycle:
    """Every status move of an incident, with the referral rules and the audit row.

    Commands run in one transaction each; the `*_in` forms run inside another service's transaction.
    Codes raised (DomainError): `status_backwards`, `not_found`, `incident_closed`,
    `disposition_required`, `feedback_required`, `override_reason_required`, `supervisor_required`,
    `incident_open`, `reopen_reason_required`.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- commands ------------------------------------------------------------------------------------
    def advance(
        self, incident_id: str, status: str, disposition: str | None = None, *, reason: str | None = None
    ) -> None:
        """Move the status forward (never back); moving to `closed` follows the closing rules.
        `reason` (the incident detail asks for one) is kept in the move's audit row."""
        self.store.write(lambda tx: self.advance_in(tx, incident_id, status, disposition, reason=reason))

    def resolve(self, incident_id: str) -> None:
        """The agencies are done: `resolved` (the incident still waits for its closing)."""
        self.advance(incident_id, IncidentStatus.RESOLVED)

    def close(self, incident_id: str, disposition: str, override_reason: str | None = None) -> None:
        """Close with a disposition and every agency's feedback (an override reason is used only when
        that feedback is missing, and then needs a supervisor). Open referrals close with it."""
        self.store.write(lambda tx: self.close_in(tx, incident_id, disposition, override_reason))

    def override_close(self, incident_id: str, disposition: str, reason: str) -> None:
        """A supervisor closes, whatever the referrals say, giving the reason (audited as an override)."""
        self.store.write(lambda tx: self.close_in(tx, incident_id, disposition, reason, force_override=True))

    def reopen(self, incident_id: str, reason: str) -> str:
        """A supervisor brings a resolved or closed incident back to work; returns the status it is back
        in (the last open status it held). Recorded as a status event, with the reason in the audit row."""
        return self.store.write(lambda tx: self.reopen_in(tx, incident_id, reason))

    # -- inside a transaction --------------------------------------------------------------------------
    def created_in(self, tx: Tx, incident_id: str, at: int) -> None:
        """The first status event of a new incident (none → new)."""
        append_status_event(tx, incident_id, None, IncidentStatus.NEW, at)

    def advance_in(
        self,
        tx: Tx,
        incident_id: str,
        status: str,
        disposition: str | None = None,
        at: int | None = None,
        *,
        reason: str | None = None,
    ) -> bool:
        """Forward move in `tx`; False when already there. Closing goes through `close_in`."""
        inc = IncidentRepository(tx.conn).require(incident_id)
        check_advance(inc.status, status)
        if inc.status == status:
            return False
        if status == CLOSED:
            self.close_in(tx, incident_id, disposition, None, at=at, reason=reason)
            return True
        extra = {} if disposition is None else {"disposition": disposition}
        detail = {} if not reason else {"reason": reason.strip()}
        self._move(tx, inc, str(status), at, extra, "incident_status", detail)
        return True

    def follow_in(self, tx: Tx, incident_id: str, status: str, at: int) -> bool:
        """A referral step pulls its incident forward (sent → referred, on scene → on_scene).

        Never moves back and never closes; an unknown incident or a later status is left as it is.
        """
        inc = IncidentRepository(tx.conn).get(incident_id)
        if inc is None or status == CLOSED or later_status(inc.status, status) == inc.status:
            return False
        self._move(tx, inc, str(status), at, {}, "incident_status", {})
        return True

    def close_in(
        self,
        tx: Tx,
        incident_id: str,
        disposition: str | None,
        override_reason: str | None,
        *,
        force_override: bool = False,
        at: int | None = None,
        reason: str | None = None,
    ) -> None:
        """Close in `tx` by the rules of `plan_close`: the open referrals close with the incident."""
        inc = IncidentRepository(tx.conn).require(incident_id)
        refs = ReferralRepository(tx.conn).of_incident(incident_id)
        plan = plan_close(
            inc.status,
            disposition,
            refs,
            override_reason,
            roster_role(tx.conn, tx.operator),
            force_override=force_override,
        )
        now = at if at is not None else tx.now_ms()
        for rid in plan.close_referrals:
            update_referral(tx, rid, {"status": "closed", "closed_at": now})
            append_referral_event(tx, rid, "closed", now, "incident_closed")
        detail: dict[str, Any] = {"disposition": disposition, "referrals_closed": len(plan.close_referrals)}
        if override_reason is not None:
            detail["reason"] = override_reason
        elif reason:
            detail["reason"] = reason.strip()
        action = "incident_close_override" if plan.override else "incident_status"
        self._move(tx, inc, CLOSED, now, {"disposition": disposition}, action, detail)

    def reopen_in(self, tx: Tx, incident_id: str, reason: str) -> str:
        repo = IncidentRepository(tx.conn)
        inc = repo.require(incident_id)
        check_reopen(inc.status, reason, roster_role(tx.conn, tx.operator))
        target = reopen_target(repo.status_events(incident_id))
        self._move(tx, inc, target, None, {}, "incident_reopen", {"reason": reason.strip()})
        return target

    def merge_in(self, tx: Tx, absorbed_id: str, target_id: str, reason: str) -> None:
        """A supervisor's merge in `tx` (rules.check_merge): the absorbed incident points at the one it
        joins (`merged_into`) and closes as a supervisor's override, its open referrals with it. Both
        keep their own rows (calls, notes, events): the detail and the timeline of the target read both.
        """
        repo = IncidentRepository(tx.conn)
        absorbed, target = repo.require(absorbed_id), repo.require(target_id)
        rows = tx.all("SELECT id, merged_into FROM incidents WHERE id IN (?, ?)", (absorbed_id, target_id))
        merged = {r["id"]: r["merged_into"] for r in rows}
        check_merge(
            absorbed_id,
            merged.get(absorbed_id),
            target_id,
            target.status,
            merged.get(target_id),
            roster_role(tx.conn, tx.operator),
        )
        if not (reason or "").strip():
            raise DomainError("reason_required", "a merge needs a reason", "reason")
        why = reason.strip()
        tx.update_record("incidents", absorbed_id, {"merged_into": target_id})
        if absorbed.status != CLOSED:
            self.close_in(tx, absorbed_id, f"merged into {target.number}", why, force_override=True)
        tx.audit(
            "incident_merge",
            "incidents",
            absorbed_id,
            {"into": target_id, "into_number": target.number, "reason": why},
        )
        tx.audit(
            "incident_merge",
            "incidents",
            target_id,
            {"absorbed": absorbed_id, "absorbed_number": absorbed.number, "reason": why},
        )

    # -- the one move ------------------------------------------------------------------------------------
    @staticmethod
    def _move(
        tx: Tx,
        inc: Incident,
        to: str,
        at: int | None,
        extra: dict[str, Any],
        action: str,
        detail: dict[str, Any],
    ) -> None:
        now = at if at is not None else tx.now_ms()
        set_status(tx, inc.id, to, {"updated_at": now, "updated_by": tx.operator, **extra})
        append_status_event(tx, inc.id, inc.status, to, now)
        tx.audit(action, "incidents", inc.id, {"from": inc.status, "to": to, **detail})
