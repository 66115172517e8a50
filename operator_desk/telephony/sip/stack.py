"""PJSIP (pjsua2) endpoint, account and calls of the desk softphone. Runs ONLY in the worker process.

Threading (pitfall 6): threadCnt=0 and mainThreadOnly=True, so every SIP callback below runs on
the worker's main thread inside `poll()`; only the BridgePort callbacks run on the clock thread.
Lifetime (pitfall 3): all Call and port references are dropped and gc.collect() runs before
libDestroy(). Codecs (pitfall 5): only PCMA/PCMU are offered.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pjsua2 as pj

from operator_desk.telephony.audio.dsp import ToneGenerator
from operator_desk.telephony.audio.headset import Headset
from operator_desk.telephony.audio.recorder import CallRecorder, RecordingError

from .config import SipConfig
from .media import BridgePort
from .sipmsg import caller_number, device_location

Emit = Callable[[dict[str, Any]], None]
CODEC_PRIORITY = {"PCMA/8000/1": 250, "PCMU/8000/1": 240}


class CommandError(RuntimeError):
    """A desk command that cannot be carried out (unknown call, wrong state)."""


class DeskCall(pj.Call):
    """One incoming call; forwards PJSIP callbacks to the stack."""

    def __init__(self, stack: SipStack, account: pj.Account, call_id: int) -> None:
        super().__init__(account, call_id)
        self.stack = stack
        self.ext_id = ""
        self.port: BridgePort | None = None
        self.headset: Headset | None = None
        self.answered = False
        self.local_hangup = False
        self.held = False

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        self.stack.on_call_state(self)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        self.stack.on_media_state(self)


class DeskAccount(pj.Account):
    """The desk's SIP identity: registration state and incoming calls."""

    def __init__(self, stack: SipStack) -> None:
        super().__init__()
        self.stack = stack

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        self.stack.on_reg_state(self, int(prm.code))

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self.stack.on_incoming(self, prm)


class SipStack:
    """The softphone: listens/registers, rings the desk, answers, holds, hangs up, records."""

    def __init__(self, cfg: SipConfig, emit: Emit) -> None:
        self.cfg = cfg
        self.emit = emit
        self.ep: pj.Endpoint | None = None
        self.account: DeskAccount | None = None
        self.calls: dict[str, DeskCall] = {}
        self._graveyard: list[Any] = []  # disconnected calls and their ports, released on the next poll
        self.rejected: list[DeskCall] = []  # answered 486 (busy=reject), until they are disconnected

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        cfg = self.cfg
        ep = pj.Endpoint()
        ep.libCreate()
        self.ep = ep
        ep_cfg = pj.EpConfig()
        ep_cfg.uaConfig.threadCnt = 0
        ep_cfg.uaConfig.mainThreadOnly = True
        ep_cfg.uaConfig.userAgent = "OperatorDesk"
        ep_cfg.logConfig.level = cfg.log_level
        ep_cfg.logConfig.consoleLevel = cfg.log_level
        ep_cfg.logConfig.msgLogging = 0
        ep_cfg.medConfig.clockRate = cfg.clock_rate
        ep_cfg.medConfig.sndClockRate = cfg.clock_rate
        ep_cfg.medConfig.ecTailLen = 0  # no echo canceller: the headset is bridged by us
        ep_cfg.medConfig.noVad = True
        ep.libInit(ep_cfg)
        tp = pj.TransportConfig()
        tp.port = cfg.port
        tp.boundAddress = cfg.bind_host
        ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tp)
        ep.libStart()
        ep.audDevManager().setNullDev()  # the wheel has no sound devices (pitfall 1)
        for codec in ep.codecEnum2():
            ep.codecSetPriority(codec.codecId, CODEC_PRIORITY.get(codec.codecId, 0))
        self.account = DeskAccount(self)
        self.account.create(self._account_config())
        if not cfg.registrar:
            self.emit({"ev": "status", "ready": True, "detail": ""})
        else:
            self.emit({"ev": "status", "ready": False, "detail": "not_registered"})

    def _account_config(self) -> pj.AccountConfig:
        cfg = self.cfg
        acc = pj.AccountConfig()
        if cfg.registrar:
            domain = cfg.domain or re.sub(r"^sips?:", "", cfg.registrar).split(";", 1)[0].split(":", 1)[0]
            acc.idUri = f"sip:{cfg.user}@{domain}"
            acc.regConfig.registrarUri = cfg.registrar
            acc.regConfig.timeoutSec = cfg.reg_timeout_s
            acc.regConfig.retryIntervalSec = 10
            if cfg.password:
                acc.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", cfg.user, 0, cfg.password))
        else:
            acc.idUri = f"sip:{cfg.user}@{cfg.bind_host}:{cfg.port}"
            acc.regConfig.registrarUri = ""
        acc.mediaConfig.lockCodecEnabled = False
        acc.mediaConfig.transportConfig.port = cfg.rtp_port
        acc.mediaConfig.transportConfig.boundAddress = cfg.bind_host
        return acc

    def poll(self, timeout_ms: int = 10) -> None:
        assert self.ep is not None
        self.ep.libHandleEvents(timeout_ms)
        self._graveyard.clear()
        for call in list(self.calls.values()):
            if call.headset is not None:
                code = call.headset.check()
                if code:
                    self.emit({"ev": "audio", "ext_id": call.ext_id, "detail": code})

    def shutdown(self) -> None:
        if self.ep is None:
            return
        for call in list(self.calls.values()):
            try:
                call.local_hangup = True
                call.hangup(pj.CallOpParam(True))
            except Exception:  # noqa: BLE001 - best-effort hangup at shutdown (pj.Error)
                pass
        deadline = time.monotonic() + 1.0
        while self.calls and time.monotonic() < deadline:
            self.ep.libHandleEvents(10)
        for call in list(self.calls.values()):
            self._finish(call, code=0)
        self.calls.clear()
        self.rejected.clear()
        self._graveyard.clear()
        gc.collect()  # pitfall 3: no Call may be collected after libDestroy()
        if self.account is not None:
            self.account.shutdown()
            self.account = None
        gc.collect()
        self.ep.libDestroy()
        self.ep = None

    # --- SIP callbacks (main thread) ----------------------------------------------------------
    def on_reg_state(self, account: DeskAccount, code: int) -> None:
        active = bool(account.getInfo().regIsActive)
        self.emit(
            {"ev": "status", "ready": active, "detail": "" if active else "not_registered", "code": code}
        )

    def on_incoming(self, account: DeskAccount, prm: pj.OnIncomingCallParam) -> None:
        t_ns = time.monotonic_ns()
        call = DeskCall(self, account, prm.callId)
        message = prm.rdata.wholeMsg
        ext_id = call.getInfo().callIdString
        call.ext_id = ext_id
        if self.cfg.busy == "reject" and any(c.answered for c in self.calls.values()):
            # hold14: the operator is on a call (or holds one): 486 Busy Here, the PBX queue routes it on
            busy = pj.CallOpParam()
            busy.statusCode = 486
            call.local_hangup = True
            self.rejected.append(call)  # kept alive until PJSIP is done with it (poll releases it)
            call.answer(busy)
            self.emit({"ev": "busy_rejected", "ext_id": ext_id, "code": 486, "t_ns": t_ns})
            return
        self.calls[ext_id] = call
        ringing = pj.CallOpParam()
        ringing.statusCode = 180
        call.answer(ringing)
        self.emit(
            {
                "ev": "ring",
                "ext_id": ext_id,
                "number": caller_number(message),
                "location": device_location(message),
                "t_ns": t_ns,
            }
        )

    def on_call_state(self, call: DeskCall) -> None:
        info = call.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED and not call.answered:
            call.answered = True
            self.emit({"ev": "call_state", "ext_id": call.ext_id, "state": "answered", "code": 200})
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._finish(call, code=int(info.lastStatusCode))

    def on_media_state(self, call: DeskCall) -> None:
        # pitfall 4: each re-INVITE recreates the call's media; reconnect the bridge every time
        info = call.getInfo()
        for index, media in enumerate(info.media):
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            if media.status == pj.PJSUA_CALL_MEDIA_ACTIVE and call.port is not None:
                audio = call.getAudioMedia(index)
                audio.startTransmit(call.port)
                call.port.startTransmit(audio)
                if call.held:
                    call.held = False
                    self.emit({"ev": "call_state", "ext_id": call.ext_id, "state": "resumed", "code": 200})
            elif (
                media.status in (pj.PJSUA_CALL_MEDIA_LOCAL_HOLD, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD)
                and not call.held
            ):
                call.held = True
                self.emit({"ev": "call_state", "ext_id": call.ext_id, "state": "held", "code": 200})

    # --- desk commands ------------------------------------------------------------------------
    def _call(self, ext_id: str) -> DeskCall:
        call = self.calls.get(ext_id)
        if call is None:
            raise CommandError("unknown_call")
        return call

    def answer(self, ext_id: str) -> None:
        call = self._call(ext_id)
        if call.port is None:
            self._attach_media(call)
        prm = pj.CallOpParam()
        prm.statusCode = 200
        call.answer(prm)

    def hangup(self, ext_id: str) -> None:
        call = self._call(ext_id)
        call.local_hangup = True
        prm = pj.CallOpParam(True)
        if not call.answered:
            prm.statusCode = 603  # the operator declined a ringing call
        call.hangup(prm)

    def hold(self, ext_id: str, on: bool) -> None:
        call = self._call(ext_id)
        if not call.answered:
            raise CommandError("not_answered")
        prm = pj.CallOpParam(True)
        if on:
            call.setHold(prm)
        else:
            prm.opt.flag = pj.PJSUA_CALL_UNHOLD
            call.reinvite(prm)

    # --- media --------------------------------------------------------------------------------
    def _attach_media(self, call: DeskCall) -> None:
        cfg = self.cfg
        source = _silence
        if cfg.operator_tone_hz > 0:
            source = ToneGenerator(cfg.operator_tone_hz, cfg.clock_rate).next_int16
        port = BridgePort(f"desk-{len(self.calls)}", cfg.clock_rate, source)
        if cfg.headset:
            headset = Headset(
                cfg.input_device, cfg.output_device, cfg.clock_rate, use_input=cfg.operator_tone_hz <= 0
            )
            code = headset.open()
            if code:
                self.emit({"ev": "audio", "ext_id": call.ext_id, "detail": code})
            else:
                call.headset = headset
                port.headset = headset
                if cfg.operator_tone_hz <= 0:
                    port.set_operator_source(headset.read_mic)
        if cfg.recordings_dir:
            path = Path(cfg.recordings_dir) / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}_{_safe(call.ext_id)}.flac"
            try:
                port.recorder = CallRecorder(path, cfg.clock_rate)
            except RecordingError as exc:
                self.emit(
                    {"ev": "error", "cmd": "answer", "ext_id": call.ext_id, "detail": f"recording: {exc}"}
                )
        call.port = port

    def _finish(self, call: DeskCall, code: int) -> None:
        """Disconnected: report, close the recording and headset, release the call later."""
        ext_id = call.ext_id
        if self.calls.pop(ext_id, None) is None:
            if call in self.rejected:  # a 486 that is done: released on the next poll
                self.rejected.remove(call)
                self._graveyard.append(call)
            return
        if not call.local_hangup:
            self.emit({"ev": "caller_hangup", "ext_id": ext_id, "code": code})
        self.emit({"ev": "call_state", "ext_id": ext_id, "state": "ended", "code": code})
        port = call.port
        if call.headset is not None:
            call.headset.close()
            call.headset = None
        if port is not None:
            port.headset = None
            recorder, port.recorder = port.recorder, None
            if recorder is not None:
                result = recorder.close()
                self.emit(
                    {
                        "ev": "recording",
                        "ext_id": ext_id,
                        "path": result.path,
                        "duration_s": result.duration_s,
                        "sha256": result.sha256,
                        "error": result.error,
                    }
                )
        call.port = None
        self._graveyard.extend([call, port])


def _silence(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int16)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:48]
