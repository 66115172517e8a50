"""The SIP worker process: `python -m operator_desk.telephony.sip.worker`.

Reads JSON commands on stdin (the first one is the config), writes JSON events to its original
stdout, and runs PJSIP's event loop on its main thread. PJSIP writes its own log to stdout, so
stdout is moved to stderr at once and the protocol keeps a private duplicate of the pipe.
It exits when stdin closes (the desk died or stopped it), so no worker is left behind.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from typing import Any, BinaryIO

from .protocol import ProtocolError, decode, encode

EXIT_OK = 0
EXIT_BAD_CONFIG = 2
EXIT_START_FAILED = 3


class EventWriter:
    """Serialises events onto the protocol pipe (a lock: the main thread and the reader may write)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def __call__(self, message: dict[str, Any]) -> None:
        data = encode(message)
        with self._lock:
            try:
                self._stream.write(data)
                self._stream.flush()
            except (BrokenPipeError, ValueError):
                pass  # the desk is gone; stdin EOF will end the loop


def _read_commands(
    stdin: BinaryIO, commands: queue.SimpleQueue[dict[str, Any] | None], emit: EventWriter
) -> None:
    """Reader thread: never touches PJSIP, only queues commands for the main loop."""
    for line in stdin:
        if not line.strip():
            continue
        try:
            commands.put(decode(line))
        except ProtocolError as exc:
            emit({"ev": "error", "cmd": "", "ext_id": "", "detail": f"protocol: {exc}"})
    commands.put(None)  # EOF


def run(stdin: BinaryIO, out: BinaryIO) -> int:
    emit = EventWriter(out)
    commands: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
    threading.Thread(
        target=_read_commands, args=(stdin, commands, emit), daemon=True, name="cmd-reader"
    ).start()
    first = commands.get()
    if first is None or first.get("cmd") != "config":
        emit({"ev": "status", "ready": False, "detail": "bad_config"})
        return EXIT_BAD_CONFIG

    from .config import SipConfig
    from .stack import CommandError, SipStack  # imports pjsua2: only now, in this process

    try:
        cfg = SipConfig.from_json(first.get("config", {}))
    except (TypeError, ValueError) as exc:
        emit({"ev": "status", "ready": False, "detail": "bad_config", "reason": str(exc)})
        return EXIT_BAD_CONFIG
    stack = SipStack(cfg, emit)
    try:
        stack.start()
    except Exception as exc:  # noqa: BLE001 - pj.Error: port in use, bad registrar URI ...
        emit({"ev": "status", "ready": False, "detail": "sip_start_failed", "reason": _reason(exc)})
        return EXIT_START_FAILED

    running = True
    while running:
        stack.poll(10)
        while True:
            try:
                cmd = commands.get_nowait()
            except queue.Empty:
                break
            if cmd is None or cmd.get("cmd") == "quit":
                running = False
                break
            name = cmd.get("cmd", "")
            ext_id = str(cmd.get("ext_id", ""))
            try:
                if name == "answer":
                    stack.answer(ext_id)
                elif name == "hangup":
                    stack.hangup(ext_id)
                elif name == "hold":
                    stack.hold(ext_id, bool(cmd.get("on", True)))
                elif name == "ping":
                    emit({"ev": "pong", "t": cmd.get("t")})
                else:
                    raise CommandError("unknown_command")
            except CommandError as exc:
                emit({"ev": "error", "cmd": name, "ext_id": ext_id, "detail": str(exc)})
            except Exception as exc:  # noqa: BLE001 - command loop: pj.Error from PJSIP is reported, keep serving
                emit({"ev": "error", "cmd": name, "ext_id": ext_id, "detail": _reason(exc)})
    stack.shutdown()
    emit({"ev": "bye"})
    return EXIT_OK


def _reason(exc: BaseException) -> str:
    info = getattr(exc, "info", None)
    if callable(info):
        try:
            return str(info())
        except Exception:  # noqa: BLE001 - formatting an error must not raise another
            pass
    return f"{type(exc).__name__}: {exc}"


def main() -> int:
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # PJSIP's printf goes to stderr from now on
    code = run(sys.stdin.buffer, out)
    sys.stderr.flush()
    # Skip interpreter finalisation: the stdin reader thread is blocked in read() (a daemon thread
    # holding the stdin lock aborts finalisation) and PJSIP is already destroyed.
    os._exit(code)


if __name__ == "__main__":
    main()
