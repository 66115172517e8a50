"""Telephony benchmark: CPU of an ongoing recorded call, and ring-to-event latency.

Run: .venv/bin/python bench/bench_telephony.py [--calls 20] [--cpu-seconds 10]
Needs baresip (apt baresip-core) for the CPU figure; PulseAudio for the headset variant.

1. CPU: one call from baresip (PCMU both ways) answered by the desk's SIP worker, recorded to
   FLAC, operator side a test tone; % of one core of the worker process over N s from
   /proc/<pid>/stat, against the same worker idle (floor). With PulseAudio present, again with
   the headset bridged through sounddevice to null sinks.
2. Latency: a hand-made INVITE sent over UDP -> on_ring received in this (desk) process, against
   the floor of a bare UDP round trip to an echo process on the same loopback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from operator_desk.telephony.sip import SipCallSource, SipConfig  # noqa: E402
from tests.e2e.telephony.rig import (  # noqa: E402
    Baresip,
    EventLog,
    PulseAudio,
    Workdir,
    free_port,
    free_udp_tcp_port,
    make_tone_wav,
    play_pulse,
    stop_process,
)

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def cpu_percent(pid: int, seconds: float) -> float:
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return 100.0 * (cpu_seconds(pid) - c0) / (time.monotonic() - t0)


def start_source(workdir: Path, events: EventLog, **overrides: object) -> SipCallSource:
    settings: dict = {
        "port": free_udp_tcp_port(),
        "rtp_port": 30000 + free_port() % 20000,
        "recordings_dir": str(workdir / "recordings"),
        "headset": False,
        "operator_tone_hz": 700.0,
        "log_level": 1,
    }
    settings.update(overrides)
    source = SipCallSource(SipConfig(**settings), worker_log=workdir / "worker.log")
    source.start(events)
    events.wait("status", 15, where=lambda e: e[0].ready)
    return source


def bench_cpu(workdir: Path, seconds: float, headset: bool) -> tuple[float, float]:
    events = EventLog()
    extra: dict = {}
    pulse = mic = None
    if headset:
        pulse = PulseAudio(workdir, extra_sinks=("mic", "ear")).start()
        os.environ.update(pulse.env)
        pulse.pactl("set-default-source", "mic.monitor")
        pulse.pactl("set-default-sink", "ear")
        extra = {"headset": True, "operator_tone_hz": 0.0, "input_device": "pulse", "output_device": "pulse"}
    source = start_source(workdir, events, **extra)
    caller = Baresip(workdir, make_tone_wav(workdir / "caller.wav", 1234.0, seconds + 10)).start()
    try:
        pid = source.worker_pid
        assert pid is not None
        idle = cpu_percent(pid, min(3.0, seconds))
        if pulse is not None:
            mic = play_pulse(pulse, "mic", make_tone_wav(workdir / "mic.wav", 700.0, seconds + 10, 48000))
        caller.dial(f"sip:desk@127.0.0.1:{source.config.port}")
        ext_id = events.wait("ring", 10)[0]
        source.answer(ext_id)
        caller.wait_event("CALL_ESTABLISHED", 10)
        time.sleep(0.5)
        busy = cpu_percent(pid, seconds)
        source.hangup(ext_id)
        events.wait("recording", 10)
        return idle, busy
    finally:
        stop_process(mic)
        caller.stop()
        source.stop()
        if pulse is not None:
            pulse.stop()


ECHO = "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(('127.0.0.1',0))\n" \
    "print(s.getsockname()[1],flush=True)\nwhile True:\n d,a=s.recvfrom(65536)\n s.sendto(d,a)\n"  # fmt: skip


def bench_udp_floor(samples: int) -> list[float]:
    echo = subprocess.Popen([sys.executable, "-c", ECHO], stdout=subprocess.PIPE, text=True)
    try:
        assert echo.stdout is not None
        port = int(echo.stdout.readline())
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(2)
        payload = b"x" * 900  # about an INVITE with SDP
        rtts = []
        for _ in range(samples):
            t0 = time.perf_counter_ns()
            sock.sendto(payload, ("127.0.0.1", port))
            sock.recvfrom(65536)
            rtts.append((time.perf_counter_ns() - t0) / 1e6)
            time.sleep(0.02)
        sock.close()
        return rtts
    finally:
        stop_process(echo)


def invite(desk_port: int, local_port: int, call_id: str, rtp_port: int) -> tuple[bytes, str]:
    branch = "z9hG4bK" + uuid.uuid4().hex[:16]
    sdp = (
        f"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio {rtp_port} RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
    )
    head = (
        f"INVITE sip:desk@127.0.0.1:{desk_port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch={branch};rport\r\n"
        f"From: <sip:+6281234567890@127.0.0.1:{local_port}>;tag=bench\r\n"
        f"To: <sip:desk@127.0.0.1:{desk_port}>\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\n"
        f"Contact: <sip:bench@127.0.0.1:{local_port}>\r\nMax-Forwards: 70\r\n"
        f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n"
    )
    return (head + sdp).encode(), branch


def ack_for(response: str, desk_port: int, local_port: int, call_id: str, branch: str) -> bytes:
    to = next(line for line in response.split("\r\n") if line.lower().startswith("to:"))
    return (
        f"ACK sip:desk@127.0.0.1:{desk_port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch={branch};rport\r\n"
        f"From: <sip:+6281234567890@127.0.0.1:{local_port}>;tag=bench\r\n{to}\r\n"
        f"Call-ID: {call_id}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    ).encode()


def bench_ring_latency(workdir: Path, calls: int) -> list[float]:
    events = EventLog()
    rings: dict[str, int] = {}
    got = threading.Condition()

    class Sink(EventLog):
        def on_ring(self, ext_id: str, number_raw: str, device_location: object) -> None:
            with got:
                rings[ext_id] = time.perf_counter_ns()
                got.notify_all()
            super().on_ring(ext_id, number_raw, device_location)

    events = Sink()
    source = start_source(workdir, events)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(3)
    local_port = sock.getsockname()[1]
    latencies = []
    try:
        for i in range(calls + 2):  # two warm-up calls
            call_id = f"bench-{i}-{uuid.uuid4().hex[:8]}"
            data, branch = invite(source.config.port, local_port, call_id, 40000 + 2 * i)
            t0 = time.perf_counter_ns()
            sock.sendto(data, ("127.0.0.1", source.config.port))
            with got:
                if not got.wait_for(lambda cid=call_id: cid in rings, 5):
                    raise RuntimeError(f"no ring for {call_id}")
            if i >= 2:
                latencies.append((rings[call_id] - t0) / 1e6)
            source.hangup(call_id)
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:  # 100, 180, then the final 603: ACK it
                response = sock.recv(65536).decode(errors="replace")
                status = response.split(" ", 2)[1] if response.startswith("SIP/2.0") else ""
                if status.startswith(("4", "5", "6")):
                    sock.sendto(ack_for(response, source.config.port, local_port, call_id, branch),
                                ("127.0.0.1", source.config.port))  # fmt: skip
                    break
            time.sleep(0.05)
        return latencies
    finally:
        sock.close()
        source.stop()


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(values):.3f} ms, p95 {p95:.3f} ms, min {ordered[0]:.3f} ms (n={len(values)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--cpu-seconds", type=float, default=10.0)
    args = parser.parse_args()
    workdir = Workdir("telbench-")
    try:
        print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        floor = bench_udp_floor(args.calls * 5)
        ring = bench_ring_latency(workdir.path / "lat", args.calls)
        print(f"UDP loopback round trip (floor): {describe(floor)}")
        print(f"INVITE sent -> on_ring received: {describe(ring)}")
        print(f"ratio ring/floor (medians): {statistics.median(ring) / statistics.median(floor):.1f}x")
        if shutil.which("baresip") is None:
            print("CPU: skipped (baresip not installed)")
            return 0
        idle, busy = bench_cpu(workdir.path / "cpu", args.cpu_seconds, headset=False)
        print(f"SIP worker CPU, idle (floor): {idle:.1f} % of one core")
        print(f"SIP worker CPU, call + FLAC recording, tone source: {busy:.1f} % of one core "
              f"over {args.cpu_seconds:g} s")  # fmt: skip
        if shutil.which("pulseaudio"):
            idle_h, busy_h = bench_cpu(workdir.path / "cpu-headset", args.cpu_seconds, headset=True)
            print(f"SIP worker CPU, call + recording + headset via sounddevice/PulseAudio: {busy_h:.1f} % "
                  f"of one core (idle {idle_h:.1f} %)")  # fmt: skip
        return 0
    finally:
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
