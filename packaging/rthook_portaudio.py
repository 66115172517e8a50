"""PyInstaller runtime hook: make sounddevice load the PortAudio library bundled with the desk.

Why: on Linux sounddevice finds PortAudio only through ``ctypes.util.find_library("portaudio")``,
which asks the system (``ldconfig -p``, gcc, ld); it never looks inside the bundle, and its
``_sounddevice_data`` fallback exists only for Windows and macOS wheels. PyInstaller's
``hook-sounddevice`` copies the system ``libportaudio.so.2`` into ``_internal/``, but on an
operator PC without the ``libportaudio2`` package ``import sounddevice`` then fails with
"PortAudio library not found" (the desk would lose ring tone, headset and recording).

This hook runs before any application code. It wraps ``ctypes.util.find_library`` so that the
name ``portaudio`` (and only that name) resolves to the absolute path of the bundled copy; every
other lookup goes to the original function. The bundled copy is preferred even when the system has
one, so the frozen desk always runs the PortAudio it was built and tested with. The chosen path is
published as ``OPERATOR_DESK_PORTAUDIO`` for the log and the build smoke test.
"""

from __future__ import annotations

import glob
import os
import sys


def _bundled_portaudio() -> str | None:
    base = getattr(sys, "_MEIPASS", None)
    if not base or not sys.platform.startswith("linux"):
        return None  # Windows/macOS wheels ship their own copy that sounddevice already finds
    # hook-sounddevice puts the library at the top of _internal/ under its soname.
    found = sorted(glob.glob(os.path.join(base, "libportaudio.so*")))
    return found[0] if found else None


def _install() -> None:
    bundled = _bundled_portaudio()
    if bundled is None:
        return
    import ctypes.util

    original = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        if name == "portaudio":
            return bundled
        return original(name)

    # sounddevice binds the function at import (`from ctypes.util import find_library as ...`),
    # which happens after this hook, so patching the module attribute is enough.
    ctypes.util.find_library = find_library
    os.environ["OPERATOR_DESK_PORTAUDIO"] = bundled


_install()
