"""Typed desk settings, declared once, stored as TOML at `<data_dir>/settings.toml`. Qt-free.

QSettings keeps window geometry only; everything an administrator sets (softphone account, audio
devices, the call source) lives here with a schema version, so a later release can migrate it.
A missing file gives the defaults; a bad file raises `SettingsError` naming the file and the key.

Secrets are never in the file in plain text: the SIP password is stored as `enc:v1:…` (AES-GCM with a
key derived from the desk's store key, store/keys.py) and decrypted by `load()`; a plaintext one from
an older file is encrypted the next time the file is read. `[security] key_dir` says where the store's
key files live (default `<data dir>/keys`; e.g. removable media or another partition).
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from .store import keys
from .telephony.sip.config import BUSY_MODES, SipConfig

SETTINGS_FILE = "settings.toml"
SCHEMA_VERSION = 1
CALL_SOURCES = ("manual", "simulator", "sip")
RECORDINGS_DIR = "recordings"
# SipConfig fields the operator's settings do not hold: the recordings folder follows the data dir.
_SIP_DERIVED = frozenset({"recordings_dir"})


class SettingsError(ValueError):
    """settings.toml cannot be read or holds a bad value; the message names the file and the key."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__(f"{path}: {key}: {problem}")
        self.path = path
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class SipSettings:
    """The softphone account (mirrors telephony.sip.SipConfig, minus the recordings folder)."""

    bind_host: str = "127.0.0.1"
    port: int = 5070
    registrar: str = ""
    user: str = "desk"
    password: str = ""
    domain: str = ""
    reg_timeout_s: int = 300
    rtp_port: int = 4000
    clock_rate: int = 8000
    headset: bool = True
    input_device: int | str | None = None
    output_device: int | str | None = None
    operator_tone_hz: float = 0.0
    log_level: int = 1
    busy: str = "ring"  # a call during a call: "ring" (waits on this desk) or "reject" (486 Busy Here)


@dataclass(frozen=True)
class AudioSettings:
    """Devices by PortAudio name (stable across reboots, unlike indexes); None = system default."""

    ring_device: str | None = None  # where the ring tone plays (a loudspeaker, not the headset)
    headset_input: str | None = None
    headset_output: str | None = None
    ring_volume: float = 0.8  # 0..1


@dataclass(frozen=True)
class SmsSettings:
    """[sms]: the SMS gateway, gammu-smsd's FILES backend (services/sms_gateway.py); off unless enabled.
    Folders default to <spool>/inbox, outbox, sent, error (Debian's layout); each can be set apart."""

    enabled: bool = False
    spool: str = "/var/spool/gammu"
    inbox: str = ""
    outbox: str = ""
    sent: str = ""
    error: str = ""
    poll_seconds: int = 5  # how often the desk reads the inbox and the sent/error folders (1..300)
    send_timeout_s: int = 300  # a message the daemon has not taken by then is withdrawn (30..86400)
    center: str = "Call center 112"  # the sender named in the first line of every message


@dataclass(frozen=True)
class SecuritySettings:
    """Where the key files of the store live (None: `<data dir>/keys`); relative to the data dir."""

    key_dir: str | None = None


@dataclass(frozen=True)
class BackupSettings:
    """Daily backups of the desk (services/backup.py DailyBackupJob): off while `dir` is empty; a
    relative `dir` is under the data dir; the newest `keep` backups (1..365) are kept."""

    dir: str = ""
    keep: int = 7


@dataclass(frozen=True)
class DeskSettings:
    """Everything the desk's settings dialog edits."""

    schema_version: int = SCHEMA_VERSION
    call_source: str = "manual"
    sip: SipSettings = field(default_factory=SipSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    sms: SmsSettings = field(default_factory=SmsSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)


def settings_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / SETTINGS_FILE


# -- validation -------------------------------------------------------------------------------------
def _check(path: Path, key: str, value: Any, default: Any, optional: bool) -> Any:
    """One scalar against the type of its default (None allowed where the field is optional)."""
    if value is None:
        if optional:
            return None
        raise SettingsError(path, key, "a value is required")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingsError(path, key, f"expected true or false, got {value!r}")
        return value
    if isinstance(default, int) and not optional:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(path, key, f"expected a whole number, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(path, key, f"expected a number, got {value!r}")
        return float(value)
    if isinstance(default, str) and not optional:
        if not isinstance(value, str):
            raise SettingsError(path, key, f"expected text, got {value!r}")
        return value
    # optional device: a name or an index
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SettingsError(path, key, f"expected a device name or index, got {value!r}")
    return value


def _section(path: Path, name: str, data: Any, cls: type[Any]) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise SettingsError(path, name, "expected a table")
    defaults = cls()
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(path, f"{name}.{unknown[0]}", "unknown key")
    values = {}
    for f in fields(cls):
        if f.name in data:
            default = getattr(defaults, f.name)
            optional = default is None
            values[f.name] = _check(path, f"{name}.{f.name}", data[f.name], default, optional)
    return cls(**values)


def from_dict(data: dict[str, Any], path: Path = Path(SETTINGS_FILE)) -> DeskSettings:
    """Validate a parsed TOML document into settings (unknown keys are errors: typos must show)."""
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SettingsError(path, "schema_version", f"expected a positive whole number, got {version!r}")
    if version > SCHEMA_VERSION:
        raise SettingsError(path, "schema_version", f"{version} is newer than this desk ({SCHEMA_VERSION})")
    unknown = sorted(
        set(data) - {"schema_version", "call_source", "sip", "audio", "sms", "security", "backup"}
    )
    if unknown:
        raise SettingsError(path, unknown[0], "unknown key")
    source = data.get("call_source", "manual")
    if source not in CALL_SOURCES:
        raise SettingsError(path, "call_source", f"expected one of {', '.join(CALL_SOURCES)}, got {source!r}")
    sip = _section(path, "sip", data.get("sip"), SipSettings)
    if not 0 < sip.port < 65536:
        raise SettingsError(path, "sip.port", f"{sip.port} is not a UDP port")
    if sip.busy not in BUSY_MODES:
        raise SettingsError(path, "sip.busy", f"expected one of {', '.join(BUSY_MODES)}, got {sip.busy!r}")
    audio = _section(path, "audio", data.get("audio"), AudioSettings)
    if not 0.0 <= audio.ring_volume <= 1.0:
        raise SettingsError(path, "audio.ring_volume", f"{audio.ring_volume} outside 0..1")
    sms = _section(path, "sms", data.get("sms"), SmsSettings)
    for key, lo, hi in (("poll_seconds", 1, 300), ("send_timeout_s", 30, 86_400)):
        if not lo <= getattr(sms, key) <= hi:
            raise SettingsError(path, f"sms.{key}", f"{getattr(sms, key)} outside {lo}..{hi}")
    security = _section(path, "security", data.get("security"), SecuritySettings)
    backup = _section(path, "backup", data.get("backup"), BackupSettings)
    if not 1 <= backup.keep <= 365:
        raise SettingsError(path, "backup.keep", f"{backup.keep} outside 1..365")
    return DeskSettings(
        schema_version=SCHEMA_VERSION,
        call_source=source,
        sip=sip,
        audio=audio,
        sms=sms,
        security=security,
        backup=backup,
    )


def to_dict(settings: DeskSettings) -> dict[str, Any]:
    """TOML has no null: unset optional values are left out (and read back as None)."""

    def clean(d: dict[str, Any]) -> dict[str, Any]:
        return {k: (clean(v) if isinstance(v, dict) else v) for k, v in d.items() if v is not None}

    return clean(asdict(settings))


# -- file I/O ---------------------------------------------------------------------------------------
def load(data_dir: Path | str) -> DeskSettings:
    """The desk's settings; the defaults when the file does not exist yet."""
    path = settings_path(data_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return DeskSettings()
    except OSError as exc:
        raise SettingsError(path, "(file)", f"cannot read ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SettingsError(path, "(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(path, "(file)", f"not valid TOML ({exc})") from exc
    settings = from_dict(data, path)
    stored = settings.sip.password
    if stored.startswith(keys.SECRET_PREFIX):
        try:
            plain = keys.open_text(keys.secrets_key(Path(data_dir)), stored, SIP_PASSWORD_CONTEXT)
        except (ValueError, keys.StoreKeyError, OSError) as exc:
            raise SettingsError(
                path, "sip.password", f"cannot be decrypted with this desk's key ({exc})"
            ) from None
        return replace(settings, sip=replace(settings.sip, password=plain))
    if stored:  # written before secrets were encrypted: encrypt it in the file now
        try:
            save(settings, data_dir)
        except (OSError, SettingsError):
            pass  # a read-only folder: it stays as it was, the desk still works
    return settings


SIP_PASSWORD_CONTEXT = "settings.toml sip.password"


def _sealed_dict(settings: DeskSettings, data_dir: Path | str) -> dict[str, Any]:
    """to_dict with the secrets encrypted (the SIP password)."""
    out = to_dict(settings)
    password = settings.sip.password
    if password:
        try:
            secret = keys.secrets_key(Path(data_dir))
        except keys.StoreKeyError as exc:
            raise SettingsError(
                settings_path(data_dir), "sip.password", f"cannot be encrypted ({exc})"
            ) from None
        out["sip"]["password"] = keys.seal_text(secret, password, SIP_PASSWORD_CONTEXT)
    return out


def save(settings: DeskSettings, data_dir: Path | str) -> Path:
    """Write atomically: a temp file in the same folder, fsync, then os.replace over the old one."""
    path = settings_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    from_dict(to_dict(settings), path)  # refuse to write what load() would refuse to read
    body = tomli_w.dumps(_sealed_dict(settings, data_dir)).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def sip_config(settings: DeskSettings, data_dir: Path | str) -> SipConfig:
    """The softphone's config: the stored account, recordings under `<data_dir>/recordings`.

    The headset devices chosen under [audio] win over the [sip] ones (the dialog edits [audio]).
    """
    values = {k: v for k, v in asdict(settings.sip).items() if k not in _SIP_DERIVED}
    config = SipConfig(**values, recordings_dir=str(Path(data_dir) / RECORDINGS_DIR))
    audio = settings.audio
    if audio.headset_input is not None:
        config = replace(config, input_device=audio.headset_input)
    if audio.headset_output is not None:
        config = replace(config, output_device=audio.headset_output)
    return config


__all__ = [
    "AudioSettings",
    "DeskSettings",
    "SecuritySettings",
    "SettingsError",
    "SipSettings",
    "SmsSettings",
    "from_dict",
    "load",
    "save",
    "settings_path",
    "sip_config",
    "to_dict",
]
