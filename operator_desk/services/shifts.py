"""Shifts and their handover: what the next shift must pick up.

A shift is a record (started, later ended). Ending it writes the handover, an append-only row that
syncs to every desk: the free-text notes plus the ids of the open items at that moment.
Open items are computed, never stored by hand:
- open incidents: every incident not yet closed (resolved ones still wait for their closing);
- overdue referrals: open referrals with an amber or red timer (see `referrals.step_timers`);
- callbacks: numbers whose last abandoned call (in the look-back window) has no later answered call
  from the same number.

Who is on duty is who is logged in (`store.operator`, the name the status bar shows): `on_duty` says
since when — the open shift's start, else the operator's last log-in on this desk (the audit row of
the log-in). `hand_over` ends the open shift, or, when none was started by hand, records one from that
log-in to now; the handover names the receiving operator (an account), the shift's name and the
calls of the shift by type, inside `open_items` (`received_by`, `shift`, `calls`), and the audit row
of `shift_end` names both operators.

Shift names by the region's local time (`SHIFT_STARTS`): pagi (morning) 07:00-14:59, siang
(afternoon) 15:00-22:59, malam (night) 23:00-06:59.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.errors import DomainError, NotFound
from ..domain.records import IncidentSummary, OverdueReferral
from ..domain.timeutil import WITA, local
from ..store.repositories import IncidentRepository
from ..store.store import Store
from ..store.tx import Tx
from .referrals import ReferralService

CALLBACK_WINDOW_MS = 24 * 3_600_000
# (local hour the shift starts, its code); the UI names them pagi / siang / malam.
SHIFT_STARTS: tuple[tuple[int, str], ...] = ((7, "morning"), (15, "afternoon"), (23, "night"))
LOGIN_ACTIONS = ("login", "switch_user")  # an unlock after the idle lock is the same duty

CALL_COUNTS_SQL = """
SELECT coalesce(outcome, 'open') AS outcome, count(*) AS n FROM calls
WHERE started_at >= ? AND started_at < ? GROUP BY 1
"""

CALLBACKS_SQL = """
SELECT c.caller_number, max(c.started_at) AS last_at, count(*) AS attempts, max(c.caller_raw) AS caller_raw
FROM calls c
WHERE c.outcome = 'abandoned' AND c.caller_number IS NOT NULL AND c.started_at >= ?
  AND NOT EXISTS (SELECT 1 FROM calls l WHERE l.caller_number = c.caller_number
                  AND l.started_at > c.started_at AND l.answered_at IS NOT NULL)
GROUP BY c.caller_number ORDER BY last_at
"""


@dataclass
class HandoverItems:
    """What is open at a moment, as typed rows for the view (callbacks: plain rows) and ids for the record."""

    open_incidents: list[IncidentSummary] = field(default_factory=list)
    overdue_referrals: list[OverdueReferral] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)

    def ids(self) -> dict[str, list[str]]:
        return {
            "incidents": [r["id"] for r in self.open_incidents],
            "referrals": [r["id"] for r in self.overdue_referrals],
            "callbacks": [r["caller_number"] for r in self.callbacks],
        }


def shift_window(ms: int, zone: ZoneInfo = WITA) -> tuple[str, int, int]:
    """The shift (code, start ms, end ms) that `ms` falls in, by the local clock of `zone`."""
    at = local(ms, zone)
    day = at.date()
    # the last start at or before `at` (the night shift began yesterday before its first start hour)
    candidates = [
        (datetime.combine(day + timedelta(days=d), time(h), zone), code)
        for d in (-1, 0, 1)
        for h, code in SHIFT_STARTS
    ]
    candidates.sort()
    begun = [c for c in candidates if c[0] <= at]
    start, code = begun[-1]
    following = candidates[candidates.index(begun[-1]) + 1][0]
    return code, int(start.timestamp() * 1000), int(following.timestamp() * 1000)


def shift_name(ms: int, zone: ZoneInfo = WITA) -> str:
    """The shift's code at `ms`: "morning" (pagi), "afternoon" (siang) or "night" (malam)."""
    return shift_window(ms, zone)[0]


@dataclass(frozen=True)
class Duty:
    """Who is on duty at this desk now and since when (`since_ms` None: not known)."""

    operator: str | None
    since_ms: int | None
    shift_id: str | None  # the open shift record, if one was started
    shift: str  # the shift's code by the clock (morning / afternoon / night)
    shift_start_ms: int  # where the shift by the clock began (counts start here when `since` is unknown)


class ShiftService:
    """Start and end shifts on this desk; compute and record the handover."""

    def __init__(self, store: Store, referrals: ReferralService | None = None, zone: ZoneInfo = WITA) -> None:
        self.store = store
        self.referrals = referrals or ReferralService(store)
        self.zone = zone

    def on_duty(self, now_ms: int | None = None) -> Duty:
        """The logged-in operator, since their open shift began or else since their last log-in here."""
        now = now_ms if now_ms is not None else self.store.now_ms()
        who = self.store.operator
        code, start, _end = shift_window(now, self.zone)
        if not who:
            return Duty(None, None, None, code, start)
        current = self.current(who)
        if current is not None:
            return Duty(who, int(current["started_at"]), str(current["id"]), code, start)
        marks = ",".join("?" * len(LOGIN_ACTIONS))
        rows = self.store.query(
            f"SELECT max(at) FROM audit WHERE site_id=? AND operator=? AND action IN ({marks}) AND at <= ?",
            (self.store.site_id, who, *LOGIN_ACTIONS, now),
        )
        since = rows[0][0] if rows and rows[0][0] is not None else None
        return Duty(who, None if since is None else int(since), None, code, start)

    def call_counts(self, from_ms: int, to_ms: int) -> dict[str, int]:
        """Calls started in [from, to) by outcome code ("open": still ringing or in progress)."""
        return {str(r["outcome"]): int(r["n"]) for r in self.store.query(CALL_COUNTS_SQL, (from_ms, to_ms))}

    def receivers(self) -> list[str]:
        """Who can take over: the names of the enabled accounts other than the logged-in one."""
        rows = self.store.query(
            "SELECT name FROM accounts WHERE coalesce(disabled, 0) = 0 ORDER BY name COLLATE NOCASE"
        )
        return [str(r["name"]) for r in rows if r["name"] != self.store.operator]

    def hand_over(self, notes: str = "", received_by: str | None = None, now_ms: int | None = None) -> str:
        """End the logged-in operator's duty with a handover to `received_by` (an account's name).

        Ends the open shift, or records the shift from the operator's log-in (else from the start of the
        shift by the clock) when none was started by hand. Codes: `no_operator`, `receiver_unknown`, `receiver_is_sender`.
        """
        now = now_ms if now_ms is not None else self.store.now_ms()
        duty = self.on_duty(now)
        if not duty.operator:
            raise DomainError("no_operator", "a shift needs the operator on duty", "operator")
        if duty.shift_id is not None:
            return self.end(duty.shift_id, notes, now, received_by)
        # no log-in known (automation): the shift by the clock is the one handed over
        started = duty.since_ms if duty.since_ms is not None else duty.shift_start_ms
        return self._write_end(None, duty.operator, started, notes, now, received_by)

    def current(self, operator: str | None = None) -> dict[str, Any] | None:
        """The open shift of the operator on this desk, if any."""
        who = operator or self.store.operator
        rows = self.store.query(
            "SELECT * FROM shifts WHERE ended_at IS NULL AND operator IS ? AND site_id=? "
            "ORDER BY started_at DESC LIMIT 1",
            (who, self.store.site_id),
        )
        return dict(rows[0]) if rows else None

    def start(self, operator: str | None = None) -> str:
        """Start the operator's shift (starting twice returns the open one). Code `no_operator`."""
        who = operator or self.store.operator
        if not who:
            raise DomainError("no_operator", "a shift needs the operator on duty", "operator")
        open_shift = self.current(who)
        if open_shift:
            return str(open_shift["id"])

        def fn(tx: Tx) -> str:
            pk = tx.insert_record(
                "shifts", {"operator": who, "site_id": tx.site_id, "started_at": tx.now_ms()}
            )
            tx.audit("shift_start", "shifts", pk)
            return pk

        return self.store.write(fn, operator=who)

    def end(
        self, shift_id: str, notes: str = "", now_ms: int | None = None, received_by: str | None = None
    ) -> str:
        """End the shift and write its handover (notes + open items now). Returns the handover id."""
        now = now_ms if now_ms is not None else self.store.now_ms()
        return self._write_end(shift_id, None, None, notes, now, received_by)

    def _write_end(
        self,
        shift_id: str | None,
        operator: str | None,
        started: int | None,
        notes: str,
        now: int,
        received_by: str | None,
    ) -> str:
        items = self.items(now)
        receiver = (received_by or "").strip() or None

        def fn(tx: Tx) -> str:
            if shift_id is None:  # no shift started by hand: the one from the log-in to now
                sid = tx.insert_record(
                    "shifts", {"operator": operator, "site_id": tx.site_id, "started_at": started}
                )
                tx.audit("shift_start", "shifts", sid)
            else:
                sid = shift_id
            row = tx.one("SELECT * FROM shifts WHERE id=?", (sid,))
            if row is None:
                raise NotFound("shift", sid)
            if row["ended_at"] is not None:
                raise DomainError("shift_ended", f"shift {sid} has already ended", "shift")
            if receiver is not None:
                if receiver == row["operator"]:
                    raise DomainError("receiver_is_sender", "hand over to another operator", "received_by")
                known = tx.one(
                    "SELECT 1 FROM accounts WHERE name=? AND coalesce(disabled, 0) = 0", (receiver,)
                )
                if known is None:
                    raise DomainError("receiver_unknown", f"no account {receiver!r}", "received_by")
            begun = int(row["started_at"])
            open_items: dict[str, Any] = {
                **items.ids(),
                "received_by": receiver,
                "shift": shift_name(begun, self.zone),
                "calls": {str(o): int(n) for o, n in tx.conn.execute(CALL_COUNTS_SQL, (begun, now))},
            }
            hid = tx.append(
                "shift_handovers",
                {
                    "operator": row["operator"],
                    "started_at": row["started_at"],
                    "ended_at": now,
                    "notes": notes.strip(),
                    "open_items": open_items,
                },
            )
            tx.update_record("shifts", sid, {"ended_at": now, "handover_id": hid})
            tx.audit(
                "shift_end",
                "shifts",
                sid,
                {"handover": hid, "operator": row["operator"], "received_by": receiver},
            )
            return hid

        return self.store.write(fn)

    def items(self, now_ms: int | None = None, callback_window_ms: int = CALLBACK_WINDOW_MS) -> HandoverItems:
        """The open items at `now_ms`."""
        now = now_ms if now_ms is not None else self.store.now_ms()
        incidents = IncidentRepository(self.store.reader()).not_closed()
        callbacks = [dict(r) for r in self.store.query(CALLBACKS_SQL, (now - callback_window_ms,))]
        return HandoverItems(incidents, self.referrals.overdue(now), callbacks)

    def last_handover(self) -> dict[str, Any] | None:
        """The latest handover written on any desk (it syncs): what the previous shift left."""
        rows = self.store.query("SELECT * FROM shift_handovers ORDER BY ended_at DESC, id DESC LIMIT 1")
        if not rows:
            return None
        out = dict(rows[0])
        out["open_items"] = json.loads(out["open_items"]) if out.get("open_items") else {}
        return out
