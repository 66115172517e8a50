"""The OpenAPI 3.1 description served at /openapi.json (hand-written: the API is small and stable).

Every route and every status it can answer is listed: tests/security/test_schemathesis.py runs
schemathesis (`--checks all`) against a real hub with it.
"""

from __future__ import annotations

from typing import Any

from ..domain import tables as t
from ..domain.enums import LocationSource
from ..sync.protocol import MAX_KEY_CHARS, MAX_SEQ

_ERR = {
    "description": "error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(ref: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_AUTH = [{"bearer": []}]
_HLC = "^[0-9]{13}-[0-9]{5}$"
_CALL_ID = {
    "name": "call_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"},
}
_LOCATION_KEYS = {
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "accuracy_m": {"type": "number", "minimum": 0, "maximum": 1e7},
    "address": {"type": "string", "maxLength": 4 * 1024},
    "landmark": {"type": "string", "maxLength": 4 * 1024},
    "desa_code": {"type": "string", "maxLength": 1024},
    "desa_name": {"type": "string", "maxLength": 1024},
    "kecamatan_code": {"type": "string", "maxLength": 1024},
    "kecamatan_name": {"type": "string", "maxLength": 1024},
    "source": {"enum": sorted(str(m.value) for m in LocationSource)},
    "confirmed": {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}]},
}


def column_schema(col: t.Column) -> dict[str, Any]:
    """The JSON Schema of one column's value, from the table declaration the server validates with.
    Text limits are in bytes on the server; the schema says characters (equal for ASCII)."""
    schema: dict[str, Any]
    if col.type == "text":
        if col.choices is not None:
            schema = {"enum": sorted(col.choices)}
        else:
            schema = {"type": "string", "maxLength": col.max_bytes}
    elif col.type in ("int", "time"):
        schema = {
            "type": "integer",
            "minimum": int(col.min) if col.min is not None else t.INT_MIN,
            "maximum": int(col.max) if col.max is not None else t.INT_MAX,
        }
    elif col.type == "real":
        schema = {"type": "number"}
        if col.min is not None:
            schema["minimum"] = col.min
        if col.max is not None:
            schema["maximum"] = col.max
    elif col.type == "bool":
        schema = {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}]}
    elif col.type == "location":
        schema = {"type": "object", "properties": _LOCATION_KEYS}
    elif col.shape == "array":
        items = {"enum": sorted(col.items)} if col.items is not None else {"type": "string", "maxLength": 1024}
        schema = {"type": "array", "items": items, "maxItems": 100}
    else:
        schema = {"type": "object"}
    if col.nullable:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def change_schemas() -> list[dict[str, Any]]:
    """One Change schema per synced (table, column), and per append table with its whole row."""
    common: dict[str, Any] = {
        "server_seq": {"type": "integer", "description": "set by the server on pull"},
        "site_id": {
            "anyOf": [{"type": "string", "minLength": 1, "maxLength": MAX_KEY_CHARS}, {"type": "null"}],
            "description": "origin; a desk's is taken from its credential (null, or its own id)",
        },
        "site_seq": {"type": "integer", "minimum": 1, "maximum": MAX_SEQ},
        "hlc": {"type": "string", "pattern": _HLC},
        "pk": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_CHARS},
        "base_hlc": {
            "anyOf": [{"type": "string", "pattern": _HLC}, {"type": "null"}],
            "description": "clock of the value this write replaced",
        },
        "operator": {"anyOf": [{"type": "string", "maxLength": MAX_KEY_CHARS}, {"type": "null"}]},
    }
    required = ["site_seq", "hlc", "tbl", "pk", "col"]
    out = []
    for table in t.TABLES:
        if table.kind == "record":
            for col in table.columns:
                props = {**common, "tbl": {"const": table.name}, "col": {"const": col.name}}
                props["value"] = column_schema(col)
                need = required if col.nullable else [*required, "value"]  # a missing value is null
                out.append({"type": "object", "required": need, "properties": props})
        elif table.kind == "append":
            row: dict[str, Any] = {
                "type": "object",
                "additionalProperties": False,
                "properties": {c.name: column_schema(c) for c in table.columns},
                "required": [c.name for c in table.columns if not c.nullable],
            }
            if table.name == "audit":  # the chain's hashes (a row whose hash is not its own: 409)
                row["properties"]["hash"] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
                row["properties"]["prev_hash"] = {"type": "string", "pattern": "^([0-9a-f]{64})?$"}
                row["required"] = [*row["required"], "hash", "prev_hash"]
            props = {**common, "tbl": {"const": table.name}, "col": {"const": "*"}, "value": row}
            out.append({"type": "object", "required": [*required, "value"], "properties": props})
    return out
# What any authenticated route may answer besides its own codes.
_AUTHED = {"401": _ERR, "429": _ERR, "503": _ERR}
_BODY = {"400": _ERR, "408": _ERR, "413": _ERR}


def _op(summary: str, ok: dict[str, Any], *extra: str, **more: Any) -> dict[str, Any]:
    """An authenticated operation answering `ok` and the error statuses `extra` (plus _AUTHED)."""
    responses: dict[str, Any] = {**ok, **_AUTHED}
    for code in extra:
        responses[code] = _ERR
    return {"summary": summary, "security": _AUTH, "responses": responses, **more}


def _ok(code: str, description: str, ref: str | None = None) -> dict[str, Any]:
    return {code: {"description": description, **(_json(ref) if ref else {})}}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Operator Desk sync server", "version": "1"},
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "token '<site_id>.<secret>' from `operator-desk-server enroll`",
            }
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "detail"],
                "properties": {
                    "error": {
                        "enum": [
                            "unauthorized",
                            "forbidden",
                            "clock_skew",
                            "audit_mismatch",
                            "bad_request",
                            "not_found",
                            "too_large",
                            "timeout",
                            "rate_limited",
                            "busy",
                            "sha256_mismatch",
                            "recording_exists",
                            "recording_mismatch",
                            "not_flac",
                            "wrong_duration",
                        ]
                    },
                    "detail": {"type": "string"},
                },
            },
            "Change": {
                "description": "one field of a record (or a whole append-only row, col '*'); its value as "
                "the table's declaration allows",
                "oneOf": change_schemas(),
            },
            "Push": {
                "type": "object",
                "required": ["changes"],
                "properties": {
                    "changes": {
                        "type": "array",
                        "maxItems": 5000,
                        "items": {"$ref": "#/components/schemas/Change"},
                    }
                },
            },
            "PushResult": {
                "type": "object",
                "properties": {
                    "accepted": {"type": "integer"},
                    "duplicates": {"type": "integer"},
                    "conflicts": {"type": "array", "items": {"type": "string"}},
                    "refused": {
                        "type": "array",
                        "description": "changes set aside: this credential may not write them",
                        "items": {"type": "object"},
                    },
                    "head": {"type": "integer"},
                    "server_id": {"type": "string"},
                    "checkpoint": {
                        "type": "object",
                        "description": "the hub's signed checkpoint of this site's audit tree (Ed25519, "
                        "RFC 9162 Merkle root): server_id, site_id, tree_size, root_hash, signature, public_key",
                    },
                },
            },
            "Aml": {
                "type": "object",
                "required": ["accepted", "reason", "detail"],
                "properties": {
                    "accepted": {"type": "boolean"},
                    "reason": {"type": ["string", "null"]},
                    "detail": {"type": "string"},
                },
            },
            "PulledChange": {
                "type": "object",
                "description": "a change as the log holds it (snapshot fields have site_seq 0)",
                "required": ["server_seq", "site_id", "site_seq", "hlc", "tbl", "pk", "col"],
                "properties": {
                    "server_seq": {"type": "integer", "minimum": 0},
                    "site_id": {"type": "string"},
                    "site_seq": {"type": "integer", "minimum": 0},
                    "hlc": {"type": "string", "pattern": _HLC},
                    "tbl": {"type": "string"},
                    "pk": {"type": "string"},
                    "col": {"type": "string"},
                    "value": {},
                    "base_hlc": {"type": ["string", "null"]},
                    "operator": {"type": ["string", "null"]},
                },
            },
            "Page": {
                "type": "object",
                "properties": {
                    "changes": {"type": "array", "items": {"$ref": "#/components/schemas/PulledChange"}},
                    "cursor": {"type": "integer"},
                    "more": {"type": "boolean"},
                    "server_id": {"type": "string"},
                    "server_ms": {"type": "integer"},
                },
            },
            "Enrolled": {
                "type": "object",
                "properties": {
                    "site_id": {"type": "string"},
                    "token": {"type": "string"},
                    "kind": {"type": "string"},
                    "name": {"type": "string"},
                },
            },
            "Resolve": {
                "type": "object",
                "required": ["resolution"],
                "properties": {
                    "resolution": {"type": "string"},
                    "resolved_by": {"type": "string"},
                    "value": {"description": "optional: the value the field should take"},
                },
            },
        },
    },
    "paths": {
        "/health": {"get": {"summary": "liveness and log head", "responses": _ok("200", "ok")}},
        "/openapi.json": {"get": {"summary": "this description", "responses": _ok("200", "ok")}},
        "/metrics": {
            "get": _op(
                "Prometheus text counters (from another machine: an admin credential)",
                {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}},
                "403",
            )
            | {"security": [{}, {"bearer": []}]}
        },
        "/v1/enroll": {
            "post": _op(
                "enrol a desk, hub, admin or wall (admin credential)",
                _ok("201", "enrolled", "Enrolled"),
                "400",
                "403",
                "408",
                "413",
                requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
            )
        },
        "/v1/push": {
            "post": _op(
                "ingest a batch in site_seq order; committed before the answer; idempotent by "
                "(site_id, site_seq)",
                _ok("200", "committed", "PushResult"),
                "400",
                "403",
                "408",
                "413",
                requestBody={"required": True, **_json("Push")},
            )
            | {
                "responses": {
                    **_op("", _ok("200", "committed", "PushResult"), "400", "403", "408", "413")["responses"],
                    "409": {
                        "description": "clock_skew: a change is > 5 min ahead; audit_mismatch: an audit row "
                        "whose hash is not the hash of its content",
                        **_json("Error"),
                    },
                }
            }
        },
        "/v1/pull": {
            "get": _op(
                "others' changes after a cursor; long-polls up to `wait` s",
                _ok("200", "a page", "Page"),
                "400",
                "403",
                parameters=[
                    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0,
                                                                 "maximum": 9223372036854775807}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
                    {
                        "name": "wait",
                        "in": "query",
                        "description": "seconds to wait for a change; the server may answer sooner",
                        "schema": {"type": "number", "minimum": 0, "maximum": 30},
                    },
                ],
            )
        },
        "/v1/snapshot": {
            "get": _op("merged state as changes plus the cursor to pull from", _ok("200", "ok", "Page"), "403")
        },
        "/v1/status": {"get": _op("head, sites, open conflicts, upstream cursors", _ok("200", "ok"))},
        "/v1/conflicts": {
            "get": _op(
                "conflict records (open=1: unresolved only)",
                _ok("200", "ok"),
                "400",
                parameters=[
                    {"name": "open", "in": "query", "schema": {"enum": ["0", "1", "true", "false", "yes", "no"]}}
                ],
            )
        },
        "/v1/conflicts/{conflict_id}/resolve": {
            "post": _op(
                "resolve a conflict (admin, or a desk flagged supervisor); syncs like any edit",
                _ok("200", "resolved"),
                "400",
                "403",
                "404",
                "408",
                "413",
                parameters=[
                    {"name": "conflict_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                requestBody={"required": True, **_json("Resolve")},
            )
        },
        "/v1/admin/sites": {
            "get": _op("credentials with kind, flags and last seen (admin)", _ok("200", "ok"), "403")
        },
        "/v1/admin/sites/{site}/revoke": {
            "post": _op(
                "refuse a credential from now on (admin); honoured within a second",
                _ok("200", "revoked"),
                "400",
                "403",
                "404",
                parameters=[{"name": "site", "in": "path", "required": True, "schema": {"type": "string"}}],
            )
        },
        "/v1/admin/sites/{site}/supervisor": {
            "post": _op(
                "flag a desk supervisor or not (admin)",
                _ok("200", "set"),
                "400",
                "403",
                "404",
                "408",
                "413",
                parameters=[{"name": "site", "in": "path", "required": True, "schema": {"type": "string"}}],
                requestBody={
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "required": ["on"], "properties": {"on": {"type": "boolean"}}}
                        }
                    },
                },
            )
        },
        "/aml": {
            "post": {
                "summary": "AML location from the mobile network's gateway (off until a secret or an "
                "allowlist is configured); an authenticated gateway always gets 2xx",
                "parameters": [
                    {"name": "from", "in": "query", "schema": {"type": "string"}},
                    {"name": "X-SMS-From", "in": "header", "schema": {"type": "string"}},
                    {"name": "X-AML-Timestamp", "in": "header", "schema": {"type": "string"}},
                    {"name": "X-AML-Signature", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                        "text/plain": {"schema": {"type": "string"}},
                    }
                },
                "responses": {
                    code: {"description": text, **_json("Aml")}
                    for code, text in (
                        ("200", "taken (accepted) or discarded with a reason"),
                        ("403", "intake off, sender not allowed, bad or stale signature"),
                        ("408", "body stalled"),
                        ("409", "a replayed signed message"),
                        ("413", "body too large to verify"),
                    )
                },
            }
        },
        "/floor/state": {
            "post": _op(
                "a desk's state on the floor (desk credential; heartbeat every 2 s): answers pending messages",
                _ok("200", "taken"),
                "400",
                "403",
                "408",
                "413",
                requestBody={"required": True, "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["state", "since_ms"],
                    "additionalProperties": False,
                    "properties": {
                        "state": {"enum": ["ready", "ringing", "on_call", "wrap_up", "break", "locked", "logged_out"]},
                        "operator": {"type": ["string", "null"], "minLength": 1, "maxLength": 80,
                                     "pattern": "^[^\\x00-\\x1f]*\\S[^\\x00-\\x1f]*$"},
                        "since_ms": {"type": "integer", "description": "within a day of the hub's clock"},
                        "call_started_ms": {"type": ["integer", "null"]},
                        "ringing_since_ms": {"type": "array", "maxItems": 50, "items": {"type": "integer"}},
                        "ack": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 64}},
                    },
                }}}},
            )
        },
        "/floor": {
            "get": _op(
                "every desk's state, ringing calls, messages (supervisor desk, admin or wall); long-polls",
                _ok("200", "the floor"),
                "400",
                "403",
                parameters=[
                    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": -1,
                                                                 "maximum": 4611686018427387904}},
                    {"name": "wait", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 25}},
                ],
            )
        },
        "/floor/message": {
            "post": _op(
                "a supervisor's short message to one desk (its site id) or to all",
                _ok("201", "sent"),
                "400",
                "403",
                "408",
                "413",
                requestBody={"required": True, "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["to", "text"],
                    "properties": {
                        "to": {"type": "string", "maxLength": 64, "description": "'all' or a desk's site id on the floor"},
                        "text": {"type": "string", "minLength": 1, "maxLength": 280,
                                 "pattern": "^[^\\x00-\\x1f]*\\S[^\\x00-\\x1f]*$"},
                    },
                }}}},
            )
        },
        "/recordings/{call_id}": {
            "put": _op(
                "upload the FLAC recording of a call (only the desk that took it)",
                {
                    "200": {"description": "already stored (same bytes)"},
                    "201": {"description": "stored"},
                },
                "400",
                "403",
                "404",
                "409",
                "413",
                "415",
                "422",
                parameters=[
                    _CALL_ID,
                    {
                        "name": "X-Content-SHA256",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
                    },
                ],
                requestBody={
                    "required": True,
                    "description": "the FLAC file (desks send Content-Type audio/flac)",
                    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                },
            ),
            "get": _op(
                "SHA-256 and size of a stored recording",
                _ok("200", "ok"),
                "400",
                "403",
                "404",
                parameters=[_CALL_ID],
            ),
        },
    },
}
