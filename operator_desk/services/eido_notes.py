"""What the EIDO export (services/eido.py) carries beyond the incident's own fields: the updates and the
referrals' steps and messages, as NENA EIDO components.

`extend_eido(store, incident_id, doc)` adds to one EIDO document:
- `notesComponent`: besides the operators' notes (already there, `noteType` "note"), one entry per update
  of the incident — a field changed (old → new), a status move (with its reason), a merge — from the
  incident's timeline (`services.timeline`), `noteType` "update", oldest first;
- `agencyComponent`: for each referral, the time of every step (`referralAcknowledgedTimeStamp`,
  `referralOnSceneTimeStamp`, `referralFeedbackTimeStamp`, `referralClosedTimeStamp`), the agency's
  feedback, the steps as recorded (`referralSteps`: step, time, who, detail, e.g. "SMS dari +62…") and the
  message that reached the agency (`referralMessage`: channel, status, to, times, why it failed).
EIDO's agency and note components allow extension members; the names follow its camelCase style.
"""

from __future__ import annotations

from typing import Any

from ..domain.timeutil import ms_to_iso
from ..store.store import Store

UPDATE_KINDS = frozenset({"field", "status", "merge_into", "merged_from", "conflict_resolved"})


def _update_text(e: Any) -> str:
    if e.kind == "field":
        return f"{e.field}: {_short(e.old)} -> {_short(e.new)}"
    if e.kind == "status":
        return f"status: {e.old or '-'} -> {e.new}" + (f" ({e.detail})" if e.detail else "")
    if e.kind == "merge_into":
        return f"merged into {e.new}" + (f" ({e.detail})" if e.detail else "")
    if e.kind == "merged_from":
        return f"merged {e.new} into this incident" + (f" ({e.detail})" if e.detail else "")
    return f"conflict on {e.field} resolved" + (f": {e.detail}" if e.detail else "")


def _short(value: Any) -> str:
    if isinstance(value, dict):  # a location: its words, not its JSON
        parts = [value.get(k) for k in ("address", "landmark", "desa_name", "kecamatan_name")]
        text = ", ".join(str(p) for p in parts if p) or f"{value.get('lat')}, {value.get('lon')}"
    else:
        text = "-" if value is None else str(value)
    return text if len(text) <= 300 else text[:297] + "..."


def extend_eido(store: Store, incident_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` (one EIDO document of `incident_id`) with the updates and the referrals' steps and messages."""
    from .timeline import TimelineQuery

    events = TimelineQuery(store).events(incident_id)
    notes = list(doc.get("notesComponent") or [])
    for n in notes:
        n.setdefault("noteType", "note")
    for i, e in enumerate(ev for ev in events if ev.kind in UPDATE_KINDS):
        notes.append(
            {
                "componentIdentifier": f"urn:emergency:uid:noteid:{incident_id}:update:{i}",
                "noteDateTimeStamp": ms_to_iso(e.at),
                "noteText": _update_text(e),
                "authorReference": e.who,
                "noteType": "update",
            }
        )
    notes.sort(key=lambda n: n.get("noteDateTimeStamp") or "")
    doc["notesComponent"] = notes

    db = store.reader()
    refs = {
        r["id"]: dict(r) for r in db.execute("SELECT * FROM referrals WHERE incident_id=?", (incident_id,))
    }
    steps: dict[str, list[dict[str, Any]]] = {}
    for row in db.execute(
        "SELECT e.referral_id, e.step, e.at, e.operator, e.detail FROM referral_events e "
        "JOIN referrals r ON r.id = e.referral_id WHERE r.incident_id=? ORDER BY e.at, e.id",
        (incident_id,),
    ):
        steps.setdefault(row[0], []).append(
            {"step": row[1], "timeStamp": ms_to_iso(row[2]), "authorReference": row[3], "detail": row[4]}
        )
    for agency in doc.get("agencyComponent") or []:
        rid = str(agency.get("componentIdentifier", "")).rsplit(":", 1)[-1]
        r = refs.get(rid)
        if r is None:
            continue
        agency.update(
            {
                "referralAcknowledgedTimeStamp": ms_to_iso(r.get("acknowledged_at")),
                "referralOnSceneTimeStamp": ms_to_iso(r.get("on_scene_at")),
                "referralFeedbackTimeStamp": ms_to_iso(r.get("feedback_at")),
                "referralClosedTimeStamp": ms_to_iso(r.get("closed_at")),
                "referralFeedbackText": r.get("feedback"),
                "referralEscalatedTo": f"urn:emergency:uid:referralid:{r['escalated_to']}"
                if r.get("escalated_to")
                else None,
                "referralSteps": steps.get(rid, []),
                "referralMessage": {
                    "channel": r.get("message_channel"),
                    "status": r.get("message_status"),
                    "to": f"tel:{r['message_to']}" if r.get("message_to") else None,
                    "attemptTimeStamp": ms_to_iso(r.get("message_at")),
                    "sentTimeStamp": ms_to_iso(r.get("message_sent_at")),
                    "error": r.get("message_error"),
                }
                if r.get("message_channel")
                else None,
            }
        )
    return doc
