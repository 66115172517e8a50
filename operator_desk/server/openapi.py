"""The OpenAPI 3.1 description served at /openapi.json (hand-written: the API is small and stable)."""

from __future__ import annotations

from typing import Any

_ERR = {
    "description": "error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(ref: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_AUTH = [{"bearer": []}]

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
                        "enum": ["unauthorized", "forbidden", "clock_skew", "bad_request", "not_found"]
                    },
                    "detail": {"type": "string"},
                },
            },
            "Change": {
                "type": "object",
                "required": ["site_seq", "hlc", "tbl", "pk", "col"],
                "properties": {
                    "server_seq": {"type": "integer", "description": "set by the server on pull"},
                    "site_id": {
                        "type": "string",
                        "description": "origin; taken from the credential for desks",
                    },
                    "site_seq": {"type": "integer", "minimum": 1},
                    "hlc": {"type": "string", "pattern": "^[0-9]{13}-[0-9]{5}$"},
                    "tbl": {"type": "string"},
                    "pk": {"type": "string"},
                    "col": {"type": "string", "description": "field name, or '*' for an append-only row"},
                    "value": {"description": "the decoded JSON value"},
                    "base_hlc": {
                        "type": ["string", "null"],
                        "description": "clock of the value this write replaced",
                    },
                    "operator": {"type": ["string", "null"]},
                },
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
                    "head": {"type": "integer"},
                    "server_id": {"type": "string"},
                },
            },
            "Page": {
                "type": "object",
                "properties": {
                    "changes": {"type": "array", "items": {"$ref": "#/components/schemas/Change"}},
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
        "/health": {"get": {"summary": "liveness and log head", "responses": {"200": {"description": "ok"}}}},
        "/metrics": {
            "get": {"summary": "Prometheus text counters", "responses": {"200": {"description": "ok"}}}
        },
        "/v1/enroll": {
            "post": {
                "summary": "enrol a desk or hub (admin credential)",
                "security": _AUTH,
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"201": {"description": "enrolled", **_json("Enrolled")}, "403": _ERR},
            }
        },
        "/v1/push": {
            "post": {
                "summary": "ingest a batch in site_seq order; committed before the answer; "
                "idempotent by (site_id, site_seq)",
                "security": _AUTH,
                "requestBody": _json("Push"),
                "responses": {
                    "200": {"description": "committed", **_json("PushResult")},
                    "400": _ERR,
                    "401": _ERR,
                    "403": _ERR,
                    "409": {"description": "clock_skew: a change is > 5 min ahead", **_json("Error")},
                },
            }
        },
        "/v1/pull": {
            "get": {
                "summary": "others' changes after a cursor; long-polls up to `wait` s",
                "security": _AUTH,
                "parameters": [
                    {"name": n, "in": "query", "schema": {"type": t}}
                    for n, t in (("after", "integer"), ("limit", "integer"), ("wait", "number"))
                ],
                "responses": {"200": {"description": "a page", **_json("Page")}, "401": _ERR},
            }
        },
        "/v1/snapshot": {
            "get": {
                "summary": "merged state as changes plus the cursor to pull from",
                "security": _AUTH,
                "responses": {"200": {"description": "ok", **_json("Page")}},
            }
        },
        "/v1/status": {
            "get": {
                "summary": "head, sites, open conflicts, upstream cursors",
                "security": _AUTH,
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/v1/conflicts": {
            "get": {
                "summary": "conflict records (open=1: unresolved only)",
                "security": _AUTH,
                "parameters": [{"name": "open", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/v1/conflicts/{conflict_id}/resolve": {
            "post": {
                "summary": "resolve a conflict; syncs like any edit",
                "security": _AUTH,
                "parameters": [
                    {"name": "conflict_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": _json("Resolve"),
                "responses": {"200": {"description": "resolved"}, "404": _ERR},
            }
        },
    },
}
