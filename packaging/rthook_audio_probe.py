"""PyInstaller runtime hook: optional audio self-check of the frozen desk, for the build smoke test.

Does nothing unless ``OPERATOR_DESK_AUDIO_PROBE`` names a file. Then, inside the real frozen
executable and before the desk starts, it imports ``sounddevice`` and ``soundfile`` exactly as the
desk would, and writes a JSON report to that file:

    {"ok": true, "portaudio_lib": "<path sounddevice opened>", "portaudio_version": "...",
     "mapped": ["<every libportaudio / libsndfile file mapped into this process>"],
     "sndfile_version": "...", "meipass": "...", "error": null}

The ``mapped`` list comes from ``/proc/self/maps``: it shows which file the dynamic loader really
used, which is the honest proof that the bundled copy (and not the system's) is in use. The desk
then starts normally. Runs after ``rthook_portaudio`` (order in build.spec).
"""

from __future__ import annotations

import json
import os
import sys


def _mapped(*needles: str) -> list[str]:
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            paths = {line.split(None, 5)[-1].strip() for line in fh if len(line.split(None, 5)) == 6}
    except OSError:
        return []
    return sorted(p for p in paths if any(n in os.path.basename(p) for n in needles))


def _probe(out: str) -> None:
    report: dict[str, object] = {"ok": False, "meipass": getattr(sys, "_MEIPASS", None), "error": None}
    try:
        import sounddevice

        report["portaudio_lib"] = sounddevice._libname
        report["portaudio_version"] = sounddevice.get_portaudio_version()[1]
        import soundfile

        report["sndfile_version"] = soundfile.__libsndfile_version__
        report["ok"] = True
    except Exception as exc:  # the report must say why, not crash the desk
        report["error"] = f"{type(exc).__name__}: {exc}"
    report["mapped"] = _mapped("libportaudio", "libsndfile")
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)


_target = os.environ.get("OPERATOR_DESK_AUDIO_PROBE")
if _target:
    _probe(_target)
