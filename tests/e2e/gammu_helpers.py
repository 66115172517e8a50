"""A real gammu-smsd (Debian `gammu-smsd`) on its FILES backend with Gammu's dummy phone driver.

The dummy phone is a folder (`[gammu] device`): a file in SMS backup format put in `<phone>/sms/1/` is a
message the phone received; the daemon reads it, deletes it and writes it to its inbox as
`IN<date>_<time>_<serial>_<sender>_<part>.txt`. What the desk puts in the outbox the dummy phone "sends"
and the daemon moves to the sent folder. `broken=True` points the daemon at an AT modem that is not
there: it never sends (what the desk sees when the modem is gone or the daemon is stuck).
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import time
from pathlib import Path

GAMMU_SMSD = shutil.which("gammu-smsd")


def _hex16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


class Smsd:
    """One gammu-smsd process of the test, with its spool folders under `root`."""

    def __init__(self, root: Path, *, broken: bool = False) -> None:
        self.root = root
        self.phone = root / "phone"
        self.spool = root / "spool"
        self.log = root / "smsd.log"
        for name in ("inbox", "outbox", "sent", "error"):
            (self.spool / name).mkdir(parents=True, exist_ok=True)
        self.phone.mkdir(parents=True, exist_ok=True)
        device = (
            f"device = {root / 'no-such-modem'}\nconnection = at\n"
            if broken
            else f"device = {self.phone}\nconnection = none\nmodel = dummy\n"
        )
        self.rc = root / "smsdrc"
        self.rc.write_text(
            f"[gammu]\n{device}"
            "[smsd]\nservice = files\n"
            f"logfile = {self.log}\ndebuglevel = 1\n"
            f"inboxpath = {self.spool / 'inbox'}/\noutboxpath = {self.spool / 'outbox'}/\n"
            f"sentsmspath = {self.spool / 'sent'}/\nerrorsmspath = {self.spool / 'error'}/\n"
            "inboxformat = unicode\noutboxformat = unicode\ntransmitformat = auto\n"
            "commtimeout = 1\nloopsleep = 1\nreceivefrequency = 1\nstatusfrequency = 0\n"
            "checksecurity = 0\ncheckbattery = 0\nchecksignal = 0\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self._seq = itertools.count(1)

    def start(self) -> Smsd:
        assert GAMMU_SMSD is not None
        self.proc = subprocess.Popen(
            [GAMMU_SMSD, "-c", str(self.rc)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.log.exists() and "Starting phone communication" in self.log.read_text(errors="replace"):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"gammu-smsd exited: {self.log_text()}")
            time.sleep(0.05)
        raise RuntimeError(f"gammu-smsd did not start: {self.log_text()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def receive(self, sender: str, text: str) -> None:
        """The phone receives an SMS from `sender` (the daemon picks it up within a second or two)."""
        n = next(self._seq)
        body = (
            "[SMSBackup000]\n"
            'SMSC = "+6281100000"\n'
            "Sent = 20261204T120000\n"
            "State = UnRead\n"
            f'Number = "{sender}"\n'
            f"NumberUnicode = {_hex16(sender)}\n"
            'Name = ""\n'
            f"Text00 = {_hex16(text)}\n"
            "Coding = Unicode_No_Compression\n"
            "Folder = 1\n"
            f"Length = {len(text)}\n"
            "Class = -1\n"
            "PDU = Deliver\n"
        )
        folder = self.phone / "sms" / "1"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"incoming-{n}.tmp"
        tmp.write_text(body)
        tmp.replace(folder / str(n))
