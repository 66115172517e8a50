"""How each synced table merges. Shared by the local writer and the sync apply.

- RECORD tables merge per field, last writer wins by (hlc, site_id); `status` only moves forward.
- APPEND tables are insert-only rows that never conflict (notes, events, audit).
Local-only tables (drafts, outbox, meta, field_clock) never leave the desk.
"""

from __future__ import annotations

RECORD_TABLES: dict[str, tuple[str, ...]] = {
    "calls": (
        "site_id",
        "caller_number",
        "caller_raw",
        "source",
        "started_at",
        "answered_at",
        "ended_at",
        "outcome",
        "incident_id",
        "operator",
        "notes",
        "device_location",
        "recording_path",
        "recording_duration_s",
        "recording_sha256",
    ),
    "callers": ("number", "name", "notes", "flag"),
    "incidents": (
        "number",
        "site_id",
        "category",
        "priority",
        "status",
        "location",
        "caller_name",
        "caller_number",
        "narrative",
        "casualties",
        "disposition",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ),
    "referrals": (
        "incident_id",
        "agency_id",
        "sent_at",
        "acknowledged_at",
        "on_scene_at",
        "feedback_at",
        "closed_at",
        "feedback",
        "status",
        "operator",
        "escalated_to",
        "resent_at",
        "resend_count",
        "reopened_at",
        "reopen_count",
    ),
    "agencies": (
        "name",
        "kind",
        "phone",
        "radio",
        "whatsapp",
        "categories",
        "kecamatan_codes",
        "ack_minutes",
        "arrive_minutes",
        "active",
    ),
    "operators": ("name", "role", "active"),
    "shifts": ("operator", "site_id", "started_at", "ended_at", "handover_id"),
    "landmarks": ("name", "kind", "lat", "lon", "desa_code", "kecamatan_code", "created_by", "created_at"),
    # Written by the sync server when it ingests a write that did not see the value it replaces;
    # resolved by a supervisor on a desk. Syncs like any record so every replica has the same set.
    "conflicts": (
        "tbl",
        "pk",
        "col",
        "local_value",
        "local_hlc",
        "local_site",
        "remote_value",
        "remote_hlc",
        "remote_site",
        "detected_at",
        "resolved_at",
        "resolved_by",
        "resolution",
    ),
}

APPEND_TABLES: dict[str, tuple[str, ...]] = {
    "incident_notes": ("incident_id", "at", "operator", "text"),
    "status_events": ("incident_id", "status_from", "status_to", "at", "operator"),
    "referral_events": ("referral_id", "step", "at", "operator", "detail"),
    "shift_handovers": ("operator", "started_at", "ended_at", "notes", "open_items"),
    # Device locations as received (AML SMS/HTTPS, PIDF-LO); `call_id` is the call it was attached to.
    "device_locations": (
        "number",
        "lat",
        "lon",
        "radius_m",
        "time",
        "method",
        "source",
        "received_at",
        "call_id",
    ),
}

JSON_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {
        ("incidents", "location"),
        ("calls", "device_location"),
        ("agencies", "categories"),
        ("agencies", "kecamatan_codes"),
        ("shift_handovers", "open_items"),
    }
)

FORWARD_ONLY: frozenset[tuple[str, str]] = frozenset({("incidents", "status")})


def is_synced(table: str) -> bool:
    return table in RECORD_TABLES or table in APPEND_TABLES
