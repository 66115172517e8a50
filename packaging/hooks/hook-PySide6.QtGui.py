"""Replaces PyInstaller's hook for PySide6.QtGui: the same collection minus Qt plugins a desk PC never loads.

Why a hook and not a filter in build.spec: PyInstaller resolves the shared-library dependencies of
whatever the hooks return. Dropping a plugin here also keeps out everything only it needs — the GTK3
platform theme alone drags cairo, pango, atk, gdk-pixbuf and friends from the build machine into the
bundle (and would still need the target's GTK to load); the eglfs plugins bring libQt6EglFS*.

Kept: platforms xcb (X11 desktops), wayland (Wayland sessions), offscreen/minimal (tests, --screenshot);
all image formats and the SVG icon engine; the xdg-desktop-portal theme; input contexts (compose, ibus).
Dropped: embedded/framebuffer platforms (eglfs, linuxfb, vnc, minimalegl, vkkhrdisplay) with their
egldeviceintegrations and evdev/tuio `generic` input plugins, and the GTK3 platform theme.
"""

from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

_DROP_PLUGIN_DIRS = {"egldeviceintegrations", "generic"}
_DROP_PLUGINS = {
    "libqeglfs.so",
    "libqlinuxfb.so",
    "libqvnc.so",
    "libqminimalegl.so",
    "libqvkkhrdisplay.so",  # platforms
    "libqgtk3.so",  # platformthemes
}


def _wanted(src: str) -> bool:
    path = PurePath(src)
    if "plugins" not in path.parts:
        return True
    return path.parent.name not in _DROP_PLUGIN_DIRS and path.name not in _DROP_PLUGINS


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [entry for entry in binaries if _wanted(entry[0])]
