"""Telephony test rig: baresip (caller), kamailio (PBX stand-in), sipp (NG112 INVITE), PulseAudio.

Each helper starts its own process from the configs in ../shared/telephony/rig (copied into a
temp dir with CALLER_WAV, RECORD_DIR and free ports substituted) and stops it by PID. Used by the
e2e tests, bench/bench_telephony.py and scripts/telephony_rig.sh.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

RIG_DIR = Path(__file__).resolve().parents[4] / "shared" / "telephony" / "rig"
LOOPBACK = "127.0.0.1"


class RigError(RuntimeError):
    """A rig process did not come up or misbehaved (message names the process and its log)."""


def missing_binaries(*names: str) -> list[str]:
    return [n for n in names if shutil.which(n) is None]


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def free_udp_tcp_port() -> int:
    """A port free for both UDP and TCP (SIP listeners bind both)."""
    for _ in range(50):
        port = free_port(socket.SOCK_STREAM)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind((LOOPBACK, port))
            return port
        except OSError:
            continue
    raise RigError("no free port")


def stop_process(proc: subprocess.Popen[Any] | None, timeout: float = 5.0) -> None:
    """Stop one process we started, by its PID: SIGTERM, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        pass


def wait_tcp(port: int, timeout: float, proc: subprocess.Popen[Any], what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RigError(f"{what} exited with {proc.returncode}; see {log}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RigError(f"{what} did not listen on {port} within {timeout}s; see {log}")


def make_tone_wav(path: Path, freq_hz: float, seconds: float = 10.0, rate: int = 8000) -> Path:
    """A mono 16-bit test tone (sox when present, else soundfile)."""
    if shutil.which("sox"):
        subprocess.run(
            [
                "sox",
                "-n",
                "-r",
                str(rate),
                "-c",
                "1",
                "-b",
                "16",
                str(path),
                "synth",
                str(seconds),
                "sine",
                str(freq_hz),
                "vol",
                "0.5",
            ],
            check=True,
            timeout=30,
        )
    else:
        import soundfile as sf

        t = np.arange(int(seconds * rate)) / rate
        sf.write(
            str(path), (0.5 * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32), rate, subtype="PCM_16"
        )
    return path


class Baresip:
    """A baresip caller driven over its ctrl_tcp netstring JSON interface."""

    def __init__(self, workdir: Path, caller_wav: Path) -> None:
        self.dir = workdir / "baresip"
        self.record_dir = workdir / "baresip-rec"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.record_dir.mkdir(parents=True, exist_ok=True)
        self.sip_port = free_udp_tcp_port()
        self.ctrl_port = free_udp_tcp_port()
        rtp = 20000 + (self.sip_port % 200) * 100
        config = (RIG_DIR / "baresip.config").read_text()
        config = config.replace("CALLER_WAV", str(caller_wav)).replace("RECORD_DIR", str(self.record_dir))
        config = config.replace("127.0.0.1:5080", f"{LOOPBACK}:{self.sip_port}")
        config = config.replace("127.0.0.1:4444", f"{LOOPBACK}:{self.ctrl_port}")
        config = config.replace("20000-20100", f"{rtp}-{rtp + 98}")
        (self.dir / "config").write_text(config)
        accounts = (
            (RIG_DIR / "baresip.accounts")
            .read_text()
            .replace("127.0.0.1:5080", f"{LOOPBACK}:{self.sip_port}")
        )
        (self.dir / "accounts").write_text(accounts)
        self.log = workdir / "baresip.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._buf = b""
        self.events: list[dict[str, Any]] = []

    def start(self) -> Baresip:
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                ["baresip", "-f", str(self.dir)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_tcp(self.ctrl_port, 10, self.proc, "baresip", self.log)
        self._sock = socket.create_connection((LOOPBACK, self.ctrl_port), timeout=5)
        return self

    def command(self, command: str, params: str = "") -> None:
        assert self._sock is not None
        body = json.dumps({"command": command, "params": params, "token": command}).encode()
        self._sock.sendall(str(len(body)).encode() + b":" + body + b",")

    def dial(self, uri: str) -> None:
        self.command("dial", uri)

    def hangup(self) -> None:
        self.command("hangup")

    def poll_events(self, timeout: float = 0.1) -> list[dict[str, Any]]:
        """Read whatever netstrings arrived (events and responses)."""
        assert self._sock is not None
        self._sock.settimeout(timeout)
        try:
            chunk = self._sock.recv(65536)
            self._buf += chunk
        except (TimeoutError, BlockingIOError):
            pass
        new = []
        while b":" in self._buf:
            head, _, rest = self._buf.partition(b":")
            if not head.isdigit() or len(rest) < int(head) + 1:
                break
            n = int(head)
            try:
                new.append(json.loads(rest[:n]))
            except json.JSONDecodeError:
                pass
            self._buf = rest[n + 1 :]
        self.events.extend(new)
        return new

    def wait_event(self, type_: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in [*self.events]:
                if event.get("type") == type_:
                    self.events.remove(event)
                    return event
            self.poll_events(0.1)
        raise RigError(f"baresip: no {type_} event within {timeout}s; see {self.log}")

    def recordings(self) -> list[Path]:
        return sorted(self.record_dir.glob("*.wav"))

    def stop(self) -> None:
        if self._sock is not None:
            try:
                self.command("quit")
            except OSError:
                pass
            self._sock.close()
            self._sock = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                stop_process(self.proc)


class Kamailio:
    """The PBX stand-in: registrar + proxy on a free loopback port; `add_pai` inserts a PAI header."""

    def __init__(self, workdir: Path, add_pai: bool = True) -> None:
        self.port = free_udp_tcp_port()
        self.cfg = workdir / "kamailio.cfg"
        text = (RIG_DIR / "kamailio.cfg").read_text().replace("127.0.0.1:5060", f"{LOOPBACK}:{self.port}")
        self.cfg.write_text(text)
        self.add_pai = add_pai
        self.log = workdir / "kamailio.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Kamailio:
        args = ["kamailio", "-DD", "-E", "-f", str(self.cfg), "-Y", str(self.cfg.parent / "kamailio-run")]
        (self.cfg.parent / "kamailio-run").mkdir(exist_ok=True)
        if self.add_pai:
            args += ["-A", "ADD_PAI"]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RigError(f"kamailio exited with {self.proc.returncode}; see {self.log}")
            if b"INFO" in self.log.read_bytes() and _udp_bound(self.port):
                return self
            time.sleep(0.1)
        raise RigError(f"kamailio did not start within 10s; see {self.log}")

    def stop(self) -> None:
        stop_process(self.proc)


def _udp_bound(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            return True
    return False


def run_sipp(workdir: Path, scenario: Path, target: str, timeout: float = 30.0) -> subprocess.Popen[bytes]:
    """Start sipp as a UAC playing one call of `scenario` against `target` (host:port)."""
    port = free_udp_tcp_port()
    log = workdir / "sipp.log"
    args = [
        "sipp", "-sf", str(scenario), "-m", "1", "-i", LOOPBACK, "-p", str(port), "-mp", str(free_port()),
        "-timeout", f"{int(timeout)}s", "-timeout_error", "-nostdin", "-trace_err",
        "-error_file", str(workdir / "sipp_errors.log"), target,
    ]  # fmt: skip
    with open(log, "wb") as out:
        return subprocess.Popen(
            args, cwd=workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )


class PulseAudio:
    """A private PulseAudio daemon with a null sink `vsink` (and its `vsink.monitor` source)."""

    def __init__(self, workdir: Path, extra_sinks: tuple[str, ...] = ()) -> None:
        self.dir = workdir / "pulse"
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)
        self.socket = self.dir / "native"
        lines = [
            f"load-module module-native-protocol-unix socket={self.socket} auth-anonymous=1",
            "load-module module-null-sink sink_name=vsink rate=48000",
            *[f"load-module module-null-sink sink_name={name} rate=48000" for name in extra_sinks],
            "set-default-sink vsink",
            "set-default-source vsink.monitor",
        ]
        self.pa_file = self.dir / "default.pa"
        self.pa_file.write_text("\n".join(lines) + "\n")
        self.log = workdir / "pulseaudio.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {
            "PULSE_SERVER": f"unix:{self.socket}",
            "XDG_RUNTIME_DIR": str(self.dir),
            "HOME": str(self.dir),
            "PULSE_RUNTIME_PATH": str(self.dir),
        }

    def start(self) -> PulseAudio:
        env = {**os.environ, **self.env}
        args = ["pulseaudio", "-n", "-F", str(self.pa_file), "--daemonize=no", "--exit-idle-time=-1",
                "--disallow-exit", "--use-pid-file=no", "--system=no", "--log-target=stderr"]  # fmt: skip
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                args, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RigError(f"pulseaudio exited with {self.proc.returncode}; see {self.log}")
            ok = subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=5)
            if ok.returncode == 0:
                return self
            time.sleep(0.1)
        raise RigError(f"pulseaudio not ready within 10s; see {self.log}")

    def pactl(self, *args: str) -> str:
        env = {**os.environ, **self.env}
        done = subprocess.run(["pactl", *args], env=env, capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise RigError(f"pactl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def stop(self) -> None:
        stop_process(self.proc)


class Workdir:
    """A temp dir that is removed at the end unless KEEP_RIG=1 (then its path is printed)."""

    def __init__(self, prefix: str = "telrig-") -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix))

    def cleanup(self) -> None:
        if os.environ.get("KEEP_RIG") == "1":
            print(f"rig kept in {self.path}")
            return
        shutil.rmtree(self.path, ignore_errors=True)


class EventLog:
    """A CallEvents sink for tests: records every event and lets the test wait for one."""

    def __init__(self) -> None:
        import threading

        self.events: list[tuple[Any, ...]] = []
        self._cv = threading.Condition()

    def _add(self, *event: Any) -> None:
        with self._cv:
            self.events.append((time.monotonic_ns(), *event))
            self._cv.notify_all()

    def on_ring(self, ext_id: str, number_raw: str, device_location: dict[str, Any] | None) -> None:
        self._add("ring", ext_id, number_raw, device_location)

    def on_caller_hangup(self, ext_id: str) -> None:
        self._add("caller_hangup", ext_id)

    def on_device_location(self, number_raw: str, location: dict[str, Any]) -> None:
        self._add("device_location", number_raw, location)

    def on_status(self, status: Any) -> None:
        self._add("status", status)

    def on_recording(self, ext_id: str, path: str, duration_s: float, sha256: str) -> None:
        self._add("recording", ext_id, path, duration_s, sha256)

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        with self._cv:
            return [e[2:] for e in self.events if e[1] == kind]

    def wait(self, kind: str, timeout: float = 10.0, where: Any = None, count: int = 1) -> tuple[Any, ...]:
        """The `count`-th event of `kind` (matching `where(args)` if given); RigError on timeout."""

        def found() -> list[tuple[Any, ...]]:
            return [e[2:] for e in self.events if e[1] == kind and (where is None or where(e[2:]))]

        with self._cv:
            if not self._cv.wait_for(lambda: len(found()) >= count, timeout):
                raise RigError(f"no {kind} event within {timeout}s; got {[e[1] for e in self.events]}")
            return found()[count - 1]


def capture_pulse(
    pa: PulseAudio, source: str, seconds: float, rate: int = 48000, timeout: float = 8.0
) -> np.ndarray:
    """Record `seconds` of mono int16 from a PulseAudio source (e.g. "vsink.monitor") with parec.

    A null sink's monitor delivers its first data only after ~2 s, in bursts: read until enough
    samples arrived (or `timeout`), then stop parec with SIGINT (SIGTERM loses its buffer).
    """
    import threading

    env = {**os.environ, **pa.env}
    args = [
        "parec",
        f"--device={source}",
        "--format=s16le",
        f"--rate={rate}",
        "--channels=1",
        "--latency-msec=20",
    ]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    chunks: list[bytes] = []
    wanted = int(seconds * rate) * 2
    enough = threading.Event()

    def reader() -> None:
        assert proc.stdout is not None
        got = 0
        while chunk := proc.stdout.read1(65536):
            chunks.append(chunk)
            got += len(chunk)
            if got >= wanted:
                enough.set()
        enough.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    enough.wait(timeout)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            stop_process(proc)
    thread.join(timeout=5)
    data = b"".join(chunks)[:wanted]
    return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2")


def play_pulse(pa: PulseAudio, sink: str, wav: Path) -> subprocess.Popen[bytes]:
    """Play a WAV into a PulseAudio sink with paplay (stop it with stop_process).

    Low latency requested: a null sink otherwise renders (and its monitor delivers) 2 s blocks.
    """
    env = {**os.environ, **pa.env}
    args = ["paplay", f"--device={sink}", "--latency-msec=20", str(wav)]
    return subprocess.Popen(args, env=env, stderr=subprocess.DEVNULL)


def make_call_recording(
    path: Path, seconds: float, caller_hz: float = 1234.0, operator_hz: float = 700.0
) -> Path:
    """A recording as the SIP worker writes it (2-channel FLAC, 8 kHz), with two test tones."""
    from operator_desk.telephony.audio.dsp import ToneGenerator
    from operator_desk.telephony.audio.recorder import CallRecorder

    rec = CallRecorder(path, 8000)
    caller, operator = ToneGenerator(caller_hz, 8000), ToneGenerator(operator_hz, 8000)
    for _ in range(int(seconds * 50)):
        rec.push(caller.next_int16(160), operator.next_int16(160))
    return Path(rec.close().path)
