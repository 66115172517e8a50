"""Settings of the SIP softphone, passed from the desk to its worker process as one JSON object."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

BUSY_MODES = ("ring", "reject")


@dataclass(frozen=True)
class SipConfig:
    """Where the softphone listens, which PBX it registers to, and how audio is handled.

    With `registrar` empty the desk accepts direct calls on `bind_host:port` (a SIP trunk or a
    PBX that sends calls to a fixed address); otherwise it registers as `user`/`password`.
    The password travels to the worker over its stdin pipe, never on a command line.
    """

    bind_host: str = "127.0.0.1"
    port: int = 5070
    registrar: str = ""  # e.g. "sip:10.0.0.5" or "sip:127.0.0.1:5060"; empty: direct calls only
    user: str = "desk"
    password: str = ""
    domain: str = ""  # account domain; defaults to the registrar's host
    reg_timeout_s: int = 300
    rtp_port: int = 4000  # first RTP port; PJSIP takes a range from here
    clock_rate: int = 8000  # G.711 (PCMA/PCMU) runs at 8 kHz; the bridge and recordings use it too
    recordings_dir: str = ""  # empty: calls are not recorded
    headset: bool = True  # bridge the operator headset (sounddevice) to the call
    input_device: int | str | None = None  # PortAudio device (index or name); None = default
    output_device: int | str | None = None
    operator_tone_hz: float = 0.0  # > 0: send this tone instead of the microphone (line check, tests)
    log_level: int = 1  # PJSIP console log level (0-6), written to the worker's stderr
    # a call that comes in while the operator is on a call (or holds one): "ring" rings through (it
    # waits on the desk), "reject" answers 486 Busy Here so the PBX queue routes it to a free desk
    busy: str = "ring"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SipConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"SIP config: unknown field(s) {sorted(unknown)}")
        if data.get("busy", "ring") not in BUSY_MODES:
            raise ValueError(f"SIP config: busy must be one of {', '.join(BUSY_MODES)}, got {data.get('busy')!r}")
        return cls(**data)

    def redacted(self) -> dict[str, Any]:
        data = self.to_json()
        if data["password"]:
            data["password"] = "***"
        return data
