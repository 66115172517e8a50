"""The SMS gateway: Gammu SMSD's FILES backend, read and written as plain folders (no Gammu library).

gammu-smsd (Debian package `gammu-smsd`) drives the modem; the desk only touches its four folders:

- outbox: the desk writes `OUTB<date>_<time>_00_<+number>_<ref>.txt` (UTF-16 with BOM, the daemon's
  `unicode` format). It is written under a name the daemon ignores and renamed into place, so the daemon
  never reads half a message.
- sent / error: the daemon moves the file there once the network took it, or the modem refused it.
  `state(name)` says which; `withdraw(name)` takes a message back that the daemon never picked up
  (the daemon is down): a rename out of the outbox is atomic, so either the daemon has it or we do.
- inbox: the daemon writes `IN<date>_<time>_<serial>_<sender>_<part>.txt`. `inbound()` reads them,
  parts of one message joined, as hostile input: at most MAX_INBOUND_BYTES per file, UTF-16/UTF-8
  decoded with replacement, control and bidi characters dropped, the sender checked as a number.

`parse_reply` reads an agency's answer: ``OK <incident number>`` (acknowledged), ``TIBA <number>`` (on
scene), ``SELESAI <number> <text>`` (feedback with its text). Matching it to a referral and applying
it is `services.referral_sending.ReferralMessaging`'s job. Qt-free; every call here is file I/O and
runs on a worker, never on the GUI thread.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .referral_messages import MAX_MESSAGE_CHARS, REPLY_WORDS

MAX_INBOUND_BYTES = 4096  # one file of the inbox: an SMS part is at most 140 bytes; 4 KB is generous
MAX_INBOUND_CHARS = 480  # the text kept of one inbound message (a 3-part SMS)
MAX_PARTS = 10  # parts of one inbound message joined
MAX_SENDER_CHARS = 32
MAX_DETAIL_CHARS = 480  # the feedback text taken from a SELESAI reply

_IN_NAME = re.compile(r"^IN(\d{8})_(\d{6})_(\d{2})_(.{1,64})_(\d{2})\.(txt|bin|smsbackup)$")
_NUMBER = re.compile(r"^\+?\d{3,20}$")
_REF = re.compile(r"^[A-Za-z0-9]{4,40}$")
_REPLY = re.compile(
    r"^\s*(" + "|".join(REPLY_WORDS) + r")\b[\s:.,#-]*([A-Za-z0-9][A-Za-z0-9-]{2,63})\b[\s:.,-]*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
# Characters that can rewrite what a reader sees (a log line, a list row): C0/C1 controls but the line
# break, bidirectional overrides and isolates, zero-width joiners, the BOM.
_HIDDEN = {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF}
_HIDDEN.update(range(0x202A, 0x202F))
_HIDDEN.update(range(0x2066, 0x206A))


class GatewayError(Exception):
    """The gateway cannot take the message; `code` is a referral message error (domain/tables.py)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclass(frozen=True)
class GatewayPaths:
    """The four folders of gammu-smsd's FILES backend (its smsdrc `inboxpath`, `outboxpath`, …)."""

    inbox: Path
    outbox: Path
    sent: Path
    error: Path

    @staticmethod
    def under(spool: Path | str) -> GatewayPaths:
        """Debian's layout: /var/spool/gammu/{inbox,outbox,sent,error}."""
        root = Path(spool)
        return GatewayPaths(root / "inbox", root / "outbox", root / "sent", root / "error")


@dataclass(frozen=True)
class InboundSms:
    """One received message as the inbox holds it: `file` names its first part (the key it is read
    once under), `sender` as the file name gives it (checked: `sender_ok`), `text` cleaned."""

    file: str
    files: tuple[str, ...]
    sender: str
    sender_ok: bool
    received_at: int  # epoch ms: when the daemon wrote the file (its mtime)
    text: str
    problem: str | None = None  # "too_large", "binary", "bad_encoding"


@dataclass(frozen=True)
class Reply:
    """An agency's reply: the referral step it records, the incident number, the feedback text."""

    word: str
    step: str
    number: str
    detail: str | None


def clean_text(text: str, limit: int = MAX_INBOUND_CHARS) -> str:
    """Printable text only: controls (but line breaks), bidi overrides and zero-width characters
    dropped, lines trimmed, at most `limit` characters. What a list row or a log line may show."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif code in _HIDDEN or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            if ch in "\t\r":
                out.append(" ")
            continue
        else:
            out.append(ch)
    lines = [" ".join(line.split()) for line in "".join(out).split("\n")]
    cleaned = "\n".join(line for line in lines if line).strip()
    return cleaned[:limit]


def decode(data: bytes) -> tuple[str, str | None]:
    """(text, problem): UTF-16 when it starts with a BOM (the daemon's unicode format), else UTF-8;
    undecodable bytes become U+FFFD and the problem says `bad_encoding`."""
    problem = None
    if data[:2] in (b"\xfe\xff", b"\xff\xfe"):
        body = data[2:]
        if len(body) % 2:
            body, problem = body[:-1], "bad_encoding"
        codec = "utf-16-be" if data[:2] == b"\xfe\xff" else "utf-16-le"
        text = body.decode(codec, errors="replace")
    else:
        text = data.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        problem = "bad_encoding"
    return text.replace("\x00", ""), problem


def parse_reply(text: str) -> Reply | None:
    """``OK BJR-…`` / ``TIBA BJR-…`` / ``SELESAI BJR-… <text>`` (any case, a colon or dash after the
    word allowed); anything else is None. The number is returned upper-case, to be looked up exactly."""
    m = _REPLY.match(text)
    if m is None:
        return None
    word, number, rest = m.group(1).upper(), m.group(2).upper(), clean_text(m.group(3), MAX_DETAIL_CHARS)
    step = REPLY_WORDS[word]
    return Reply(word, step, number, (rest or None) if step == "feedback" else None)


def valid_sender(sender: str) -> bool:
    return bool(_NUMBER.match(sender))


def _read_regular(path: Path, limit: int) -> bytes | None:
    """At most `limit` bytes of a regular file; None for anything else (a FIFO would block the reader,
    a symlink could point anywhere) or when it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, left = [], limit
        while left > 0:
            chunk = os.read(fd, min(left, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


class GammuFilesGateway:
    """gammu-smsd's FILES backend seen through its folders (see the module docstring)."""

    def __init__(self, paths: GatewayPaths) -> None:
        self.paths = paths

    # -- health ---------------------------------------------------------------------------------------
    def problem(self) -> str | None:
        """`gateway_unavailable` when a folder is missing or the outbox cannot be written, else None."""
        p = self.paths
        for folder in (p.inbox, p.outbox, p.sent, p.error):
            if not folder.is_dir():
                return "gateway_unavailable"
        if not os.access(p.outbox, os.W_OK | os.X_OK) or not os.access(p.inbox, os.R_OK | os.X_OK):
            return "gateway_unavailable"
        return None

    # -- sending --------------------------------------------------------------------------------------
    @staticmethod
    def file_name(number: str, ref: str, now: datetime | None = None) -> str:
        if not _NUMBER.match(number):
            raise GatewayError("no_number", "not a phone number")
        if not _REF.match(ref):
            raise ValueError("a message reference is 4-40 letters or digits")
        t = (now or datetime.now(UTC)).strftime("%Y%m%d_%H%M%S")
        return f"OUTB{t}_00_{number}_{ref}.txt"

    def submit(self, number: str, text: str, ref: str) -> str:
        """Put one message in the outbox; returns its file name. Raises GatewayError."""
        if not text.strip():
            raise GatewayError("too_long", "empty message")  # never reached from the dialog
        if len(text) > MAX_MESSAGE_CHARS:
            raise GatewayError("too_long", f"{len(text)} characters")
        problem = self.problem()
        if problem:
            raise GatewayError(problem, "a gateway folder is missing or not writable")
        name = self.file_name(number, ref)
        tmp = self.paths.outbox / f".od-{ref}.tmp"
        try:
            with open(tmp, "wb") as f:
                f.write(text.encode("utf-16"))  # BOM + UTF-16: the daemon's unicode format
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.paths.outbox / name)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise GatewayError("gateway_unavailable", exc.strerror or type(exc).__name__) from exc
        return name

    def state(self, name: str) -> tuple[str, int | None]:
        """("queued" | "sent" | "failed" | "missing", the epoch ms the daemon moved it, if it did)."""
        for folder, state in ((self.paths.sent, "sent"), (self.paths.error, "failed")):
            try:
                st = (folder / name).stat()
            except OSError:
                continue
            return state, int(st.st_mtime * 1000)
        if (self.paths.outbox / name).exists():
            return "queued", None
        return "missing", None

    def withdraw(self, name: str) -> bool:
        """Take a message the daemon never picked up out of the outbox (True), or find it gone (False)."""
        try:
            os.replace(self.paths.outbox / name, self.paths.outbox / f".od-withdrawn-{name}")
        except FileNotFoundError:
            return False
        return True

    # -- receiving ------------------------------------------------------------------------------------
    def inbound(self, seen: Iterable[str] = (), limit: int = 100) -> list[InboundSms]:
        """Messages in the inbox not in `seen` (first-part file names), oldest first, at most `limit`."""
        known = set(seen)
        groups: dict[tuple[str, ...], list[tuple[int, str, re.Match[str]]]] = {}
        try:
            entries = sorted(e.name for e in os.scandir(self.paths.inbox) if e.name.startswith("IN"))
        except OSError:
            return []
        for name in entries:
            m = _IN_NAME.match(name)
            if m is None:
                continue
            key: tuple[str, ...] = (m.group(1), m.group(2), m.group(3), m.group(4))
            groups.setdefault(key, []).append((int(m.group(5)), name, m))
        out: list[InboundSms] = []
        for group, parts in groups.items():
            parts.sort()
            first = parts[0][1]
            if first in known:
                continue
            out.append(self._read(group, parts[:MAX_PARTS]))
            if len(out) >= limit:
                break
        return out

    def _read(self, key: tuple[str, ...], parts: list[tuple[int, str, re.Match[str]]]) -> InboundSms:
        raw_sender = key[3]
        sender = clean_text(raw_sender, MAX_SENDER_CHARS)
        texts: list[str] = []
        problem: str | None = None
        for _seq, name, m in parts:
            if m.group(6) != "txt":
                problem = "binary"
                continue
            data = _read_regular(self.paths.inbox / name, MAX_INBOUND_BYTES + 1)
            if data is None:
                problem = problem or "unreadable"
                continue
            if len(data) > MAX_INBOUND_BYTES:
                data, problem = data[:MAX_INBOUND_BYTES], "too_large"
            text, bad = decode(data)
            problem = problem or bad
            texts.append(text)
        try:  # when the daemon wrote it (the name's time is the SMSC's, in a zone nobody states)
            received = int((self.paths.inbox / parts[0][1]).lstat().st_mtime * 1000)
        except OSError:
            received = int(datetime.now(UTC).timestamp() * 1000)
        return InboundSms(
            file=parts[0][1],
            files=tuple(p[1] for p in parts),
            sender=sender,
            sender_ok=valid_sender(sender),
            received_at=received,
            text=clean_text("".join(texts)),
            problem=problem,
        )


def gateway_from_settings(sms: object) -> GammuFilesGateway | None:
    """The gateway of the desk's [sms] settings (`settings.SmsSettings`), None while it is not enabled."""
    if not getattr(sms, "enabled", False):
        return None
    spool = GatewayPaths.under(str(getattr(sms, "spool", "") or "/var/spool/gammu"))

    def folder(name: str) -> Path:
        value = str(getattr(sms, name, "") or "")
        return Path(value) if value else getattr(spool, name)

    return GammuFilesGateway(GatewayPaths(folder("inbox"), folder("outbox"), folder("sent"), folder("error")))
