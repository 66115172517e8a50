"""The desk <-> SIP worker wire format: one JSON object per line.

Desk -> worker (stdin): {"cmd": "config", "config": {...}} first, then
  {"cmd": "answer"|"hangup", "ext_id": ...}, {"cmd": "hold", "ext_id": ..., "on": bool},
  {"cmd": "ping", "t": ...}, {"cmd": "quit"}.
Worker -> desk (a dup of the original stdout; PJSIP's own output goes to stderr):
  {"ev": "status", "ready": bool, "detail": code}
  {"ev": "ring", "ext_id", "number", "location": dict|null, "t_ns": worker monotonic_ns}
  {"ev": "call_state", "ext_id", "state": "answered"|"held"|"resumed"|"ended", "code": int}
  {"ev": "caller_hangup", "ext_id", "code": int}
  {"ev": "recording", "ext_id", "path", "duration_s", "sha256", "error"}
  {"ev": "audio", "ext_id", "detail": code}       (headset problems: "no_audio_device", "audio_device_lost")
  {"ev": "error", "cmd", "ext_id", "detail"}      (a command that could not be carried out)
  {"ev": "pong", "t"}, {"ev": "bye"}
"""

from __future__ import annotations

import json
from typing import Any

MAX_LINE = 1 << 20  # a ring with a PIDF-LO body stays far below this


class ProtocolError(ValueError):
    """A line from the other side is not one JSON object."""


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, separators=(",", ":"), default=str) + "\n").encode("utf-8")


def decode(line: bytes | str) -> dict[str, Any]:
    if len(line) > MAX_LINE:
        raise ProtocolError(f"line of {len(line)} bytes exceeds {MAX_LINE}")
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ProtocolError(f"expected a JSON object, got {type(value).__name__}")
    return value
