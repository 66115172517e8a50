"""`SipCallSource`: the desk side of the SIP softphone, supervising the worker process.

PJSIP is native code with known abort paths (pitfall 3), so it runs in a child process
(`python -m operator_desk.telephony.sip.worker`). This class lives in the desk process: it starts
the worker, sends it JSON commands, turns its JSON events into CallEvents calls, and restarts it
with backoff when it dies (status `worker_crashed` meanwhile). Events are delivered on this
class's reader thread; the desk marshals them to its own threads.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from operator_desk.telephony.source import CallEvents, CallSource, SourceStatus

from ...domain.privacy import scrub_numbers
from .config import SipConfig
from .protocol import ProtocolError, decode, encode

EXIT_BAD_CONFIG = 2  # the worker's exit codes (worker.py)
EXIT_START_FAILED = 3

log = logging.getLogger(__name__)

RESTART_DELAYS_S = (0.5, 1.0, 2.0, 5.0, 10.0)
STABLE_AFTER_S = 30.0  # a worker that lived this long resets the backoff
STOP_TIMEOUT_S = 3.0


class SipCallSource(CallSource):
    """SIP softphone call source (PJSIP in a supervised worker process)."""

    kind = "sip"

    def __init__(
        self,
        config: SipConfig,
        *,
        python: str = sys.executable,
        restart_delays: Sequence[float] = RESTART_DELAYS_S,
        worker_log: str | Path | None = None,
        ring_tone: Any = None,
    ) -> None:
        self.config = config
        self._python = python
        self._restart_delays = tuple(restart_delays)
        self._worker_log = Path(worker_log) if worker_log else None
        self._ring_tone = ring_tone  # optional audio.RingTone, played while a call rings
        self._events: CallEvents | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._status = SourceStatus(self.kind, False, "not_started")
        self._ringing: set[str] = set()
        self._active: set[str] = set()
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._supervisor: threading.Thread | None = None
        self.restarts = 0

    # --- CallSource ---------------------------------------------------------------------------
    def start(self, events: CallEvents) -> None:
        if self._supervisor is not None:
            raise RuntimeError("SipCallSource already started")
        self._events = events
        self._stopping.clear()
        self._supervisor = threading.Thread(target=self._supervise, name="sip-supervisor", daemon=True)
        self._supervisor.start()

    def answer(self, ext_id: str) -> None:
        self._ring_done(ext_id)
        self._send({"cmd": "answer", "ext_id": ext_id})

    def hangup(self, ext_id: str) -> None:
        self._ring_done(ext_id)
        self._send({"cmd": "hangup", "ext_id": ext_id})

    def hold(self, ext_id: str, on: bool) -> None:
        self._send({"cmd": "hold", "ext_id": ext_id, "on": on})

    def ping(self) -> None:
        self._send({"cmd": "ping", "t": time.monotonic_ns()})

    def stop(self) -> None:
        self._stopping.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            self._send({"cmd": "quit"})
            try:
                proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=STOP_TIMEOUT_S)
        if self._supervisor is not None:
            self._supervisor.join(timeout=STOP_TIMEOUT_S + 1)
            self._supervisor = None
        if self._ring_tone is not None:
            self._ring_tone.stop()
        self._status = SourceStatus(self.kind, False, "stopped")

    def status(self) -> SourceStatus:
        return self._status

    # --- diagnostics (tests, bench) -----------------------------------------------------------
    @property
    def worker_pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def add_listener(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Receive every raw worker event (on the reader thread) - for tests and benchmarks."""
        self._listeners.append(listener)

    # --- worker supervision -------------------------------------------------------------------
    def _spawn(self) -> subprocess.Popen[bytes]:
        stderr: IO[bytes] | int = subprocess.DEVNULL
        if self._worker_log is not None:
            self._worker_log.parent.mkdir(parents=True, exist_ok=True)
            stderr = open(self._worker_log, "ab")  # noqa: SIM115 - handed to the child
        proc = subprocess.Popen(
            [self._python, "-m", "operator_desk.telephony.sip.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=_worker_env(),
        )
        if not isinstance(stderr, int):
            stderr.close()
        assert proc.stdin is not None
        proc.stdin.write(encode({"cmd": "config", "config": self.config.to_json()}))
        proc.stdin.flush()
        return proc

    def _supervise(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                proc = self._spawn()
            except OSError as exc:
                log.error("cannot start SIP worker: %s", exc)
                self._set_status(False, "worker_crashed")
            else:
                with self._lock:
                    self._proc = proc
                self._read_events(proc)
                code = proc.wait()
                if self._stopping.is_set():
                    return
                log.error("SIP worker exited with %s; restarting", code)
                self._lost_calls()
                if code in (EXIT_BAD_CONFIG, EXIT_START_FAILED) and not self._status.ready:
                    self._set_status(False, self._status.detail)  # keep "sip_start_failed"/"bad_config"
                else:
                    self._set_status(False, "worker_crashed")
            if time.monotonic() - started > STABLE_AFTER_S:
                failures = 0
            delay = self._restart_delays[min(failures, len(self._restart_delays) - 1)]
            failures += 1
            self.restarts += 1
            if self._stopping.wait(delay):
                return

    def _read_events(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                message = decode(line)
            except ProtocolError as exc:
                log.warning("SIP worker sent a bad line: %s", exc)
                continue
            try:
                self._dispatch(message)
            except Exception:  # a faulty sink must not kill the reader
                log.exception("call event handler failed for %s", message.get("ev"))

    def _dispatch(self, message: dict[str, Any]) -> None:
        for listener in self._listeners:
            listener(message)
        events = self._events
        if events is None:
            return
        ev = message.get("ev")
        ext_id = str(message.get("ext_id", ""))
        if ev == "ring":
            self._ringing.add(ext_id)
            self._active.add(ext_id)
            if self._ring_tone is not None:
                try:
                    self._ring_tone.start()
                except Exception as exc:  # noqa: BLE001 - no ring device: the call still rings on screen
                    log.warning("ring tone: %s", exc)
            events.on_ring(ext_id, str(message.get("number", "")), message.get("location"))
        elif ev == "caller_hangup":
            self._ring_done(ext_id)
            self._active.discard(ext_id)
            events.on_caller_hangup(ext_id)
        elif ev == "call_state" and message.get("state") == "ended":
            self._ring_done(ext_id)
            self._active.discard(ext_id)
        elif ev == "recording":
            sink = getattr(events, "on_recording", None)
            if sink is not None:
                sink(ext_id, str(message["path"]), float(message["duration_s"]), str(message["sha256"]))
        elif ev == "status":
            self._set_status(bool(message.get("ready")), str(message.get("detail", "")))
        elif ev == "audio":
            self._set_status(self._status.ready, str(message.get("detail", "")))
        elif ev == "busy_rejected":  # busy=reject: a call during a call went back to the PBX with 486
            log.info("SIP: a call came in while this desk was busy: 486 Busy Here")
        elif ev == "error":
            # PJSIP's detail may quote a SIP URI, i.e. a caller's number: masked for the log (UU PDP)
            log.warning("SIP worker: %s %s failed: %s", message.get("cmd"), ext_id,
                        scrub_numbers(str(message.get("detail"))))

    def _set_status(self, ready: bool, detail: str) -> None:
        self._status = SourceStatus(self.kind, ready, detail)
        if self._events is not None:
            self._events.on_status(self._status)

    def _lost_calls(self) -> None:
        """Calls of a dead worker are gone: tell the desk they ended (it logs unanswered ones abandoned)."""
        events = self._events
        for ext_id in sorted(self._active):
            self._ring_done(ext_id)
            if events is not None:
                events.on_caller_hangup(ext_id)
        self._active.clear()

    def _ring_done(self, ext_id: str) -> None:
        self._ringing.discard(ext_id)
        if not self._ringing and self._ring_tone is not None:
            self._ring_tone.stop()

    def _send(self, message: dict[str, Any]) -> None:
        with self._lock:
            proc = self._proc
            if proc is None or proc.poll() is not None or proc.stdin is None:
                log.warning("SIP worker not running; %s dropped", message.get("cmd"))
                return
            try:
                proc.stdin.write(encode(message))
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                log.warning("SIP worker pipe closed; %s dropped", message.get("cmd"))


def _worker_env() -> dict[str, str]:
    """The desk's environment, with this package importable even when run from a source tree."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env
