"""Device locations (AML SMS/HTTPS, PIDF-LO) kept as an append-only log and attached to calls. Qt-free.

AML arrives ~20 s after the call starts, sometimes after it ended. `record()` appends the fix to
`device_locations` and, in the same transaction, puts it in `calls.device_location` of the live or
recent call of that number. It never touches an incident: the operator takes the device location
into the incident with one key (the form's "use device location"), so what the operator confirmed
is never silently overwritten.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from ..domain import phone
from ..store.store import Store
from ..store.tx import Tx

RECENT_MS = 30 * 60_000  # a call that ended up to 30 min before the fix still gets it
LIVE_MAX_MS = 4 * 3_600_000  # a call without an end older than this is a crash leftover, not live
EARLY_MS = 60_000  # a fix may be received up to a minute before the ring is written (clock skew)


class DeviceLocationError(ValueError):
    """The location dict cannot be recorded; the message names the field."""


def _number(loc: dict[str, Any]) -> str | None:
    raw = loc.get("number")
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    digits = text.lstrip("+")
    if not text.startswith("+") and digits.isdigit() and digits.startswith("62") and len(digits) >= 10:
        text = "+" + digits  # AML senders often give the international number without '+'
    return phone.normalise(text)


def _coord(loc: dict[str, Any], key: str, limit: float) -> float:
    value = loc.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DeviceLocationError(f"device location: {key} must be a number, got {value!r}")
    if not -limit <= value <= limit:
        raise DeviceLocationError(f"device location: {key} {value} outside [-{limit:g}, {limit:g}]")
    return float(value)


def _row(loc: dict[str, Any], number: str | None, received_at: int, call_id: str | None) -> dict[str, Any]:
    radius = loc.get("radius_m")
    return {
        "number": number,
        "lat": _coord(loc, "lat", 90.0),
        "lon": _coord(loc, "lon", 180.0),
        "radius_m": float(radius)
        if isinstance(radius, int | float) and not isinstance(radius, bool)
        else None,
        "time": loc.get("time") if isinstance(loc.get("time"), str) else None,
        "method": str(loc.get("method") or "unknown"),
        "source": str(loc.get("source") or "unknown"),
        "received_at": received_at,
        "call_id": call_id,
    }


class DeviceLocationService:
    """Records device locations and attaches them to the matching call (never to an incident)."""

    def __init__(self, store: Store, recent_ms: int = RECENT_MS) -> None:
        self.store = store
        self.recent_ms = recent_ms

    def _find_call(self, tx: Tx, number: str, at: int, site_id: str | None = None) -> str | None:
        """The newest call of the number that is live, or ended at most `recent_ms` before `at`."""
        row = tx.one(
            "SELECT id FROM calls WHERE caller_number=? AND started_at BETWEEN ? AND ? "
            "AND ((ended_at IS NULL AND started_at >= ?) OR ended_at >= ?) "
            "AND (? IS NULL OR site_id = ?) ORDER BY started_at DESC LIMIT 1",
            (
                number,
                at - LIVE_MAX_MS,
                at + EARLY_MS,
                at - LIVE_MAX_MS,
                at - self.recent_ms,
                site_id,
                site_id,
            ),
        )
        return None if row is None else str(row["id"])

    @staticmethod
    def _attach(tx: Tx, call_id: str, loc: dict[str, Any], location_id: str, received_at: int) -> bool:
        """Put the fix in the call's device_location unless the call already holds a later fix."""
        current = tx.one("SELECT device_location FROM calls WHERE id=?", (call_id,))
        if current is not None and current["device_location"]:
            old = json.loads(current["device_location"])
            old_time, new_time = old.get("time"), loc.get("time")
            if isinstance(old_time, str) and isinstance(new_time, str) and old_time > new_time:
                return False  # an older fix arriving late does not replace a newer one
        value = {k: v for k, v in loc.items() if k != "raw"}
        value.update({"device_location_id": location_id, "received_at": received_at})
        tx.update_record("calls", call_id, {"device_location": value})
        tx.audit("call_device_location", "calls", call_id, {"device_location_id": location_id})
        return True

    def record(self, loc: dict[str, Any], received_at: int | None = None) -> str | None:
        """Append the fix and attach it to the live or recent call of its number; the call id or None.

        `loc` is a `DeviceLocation.to_json()` dict (lat, lon, radius_m, time, method, source, number, …).
        """
        at = received_at if received_at is not None else self.store.now_ms()
        number = _number(loc)
        _row(loc, number, at, None)  # validate before the transaction

        def fn(tx: Tx) -> str | None:
            call_id = self._find_call(tx, number, at) if number else None
            location_id = tx.append("device_locations", _row(loc, number, at, call_id))
            if call_id is not None:
                self._attach(tx, call_id, loc, location_id, at)
            tx.audit("device_location", "device_locations", location_id, {"call_id": call_id})
            return call_id

        return self.store.write(fn)

    def attach_synced(self, location_ids: Iterable[str]) -> dict[str, str]:
        """Rows that came by sync (e.g. the hub's AML intake, call_id empty): attach each to this
        desk's own live or recent call of that number. Returns {location_id: call_id} attached.

        Only calls of this site are touched, so of all desks receiving the row just the one that
        took the call writes it (no concurrent writes, no conflicts).
        """
        ids = list(location_ids)

        def fn(tx: Tx) -> dict[str, str]:
            done: dict[str, str] = {}
            for location_id in ids:
                row = tx.one("SELECT * FROM device_locations WHERE id=?", (location_id,))
                if row is None or row["call_id"] is not None or not row["number"]:
                    continue
                call_id = self._find_call(tx, row["number"], row["received_at"], tx.site_id)
                if call_id is None:
                    continue
                loc = {k: row[k] for k in ("lat", "lon", "radius_m", "time", "method", "source", "number")}
                if self._attach(tx, call_id, loc, location_id, row["received_at"]):
                    done[location_id] = call_id
            return done

        return self.store.write(fn) if ids else {}

    def get(self, location_id: str) -> dict[str, Any] | None:
        rows = self.store.query("SELECT * FROM device_locations WHERE id=?", (location_id,))
        return dict(rows[0]) if rows else None

    def for_number(self, number_raw: str, limit: int = 20) -> list[dict[str, Any]]:
        """The latest fixes of a number, newest first (for the caller panel and the map)."""
        e164 = phone.normalise(number_raw)
        rows = self.store.query(
            "SELECT * FROM device_locations WHERE number=? ORDER BY received_at DESC LIMIT ?", (e164, limit)
        )
        return [dict(r) for r in rows]
