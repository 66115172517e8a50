"""Where things live: the data dir (store, drafts, recordings, logs) and the region pack.

The data dir holds callers' numbers, names, words and voices, so it is private to the desk's user:
the folder is 0700 and every file the desk writes is 0600 (UU PDP; issue 11). `data_dir()` sets the
process umask to 077 once, so what any part writes afterwards (logs, recordings, settings, exports,
PDFs) is private without each writer having to remember; the store's own files are also chmod'ed
when opened (store/database.py), for stores opened without `data_dir()` and for older installs.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any

import platformdirs

STORE_FILE = "desk.sqlite"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077
POSIX = os.name == "posix"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, else $OPERATOR_DESK_DATA, else the platform's user data dir. Sets the private umask."""
    private_umask()
    if explicit:
        return Path(explicit)
    env = os.environ.get("OPERATOR_DESK_DATA")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("operator-desk", appauthor=False))


def store_path(data: Path) -> Path:
    return data / STORE_FILE


def default_region(data: Path, explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """--region, else the pack installed by `region import`, else none."""
    if explicit:
        return Path(explicit)
    installed = data / "region"
    return installed if installed.is_dir() else None


# -- private files ------------------------------------------------------------------------------------
def private_umask() -> None:
    """Files and folders this process creates from now on are its user's only (umask 077)."""
    if POSIX:
        os.umask(PRIVATE_UMASK)


def make_private(path: Path, mode: int | None = None) -> None:
    """chmod a file (0600) or folder (0700) of ours; a file of another user or a missing one is left."""
    if not POSIX:
        return
    try:
        st = path.stat()
        if st.st_uid != os.getuid():
            return
        want = mode if mode is not None else (PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)
        if st.st_mode & 0o777 != want:
            path.chmod(want)
    except OSError:
        return  # gone, or a file system without modes: nothing to protect here


def make_private_dir(data: Path) -> None:
    """chmod a data dir 0700, unless it is a shared folder (sticky, like /tmp), the home or the root."""
    try:
        if not data.is_dir() or data.stat().st_mode & stat.S_ISVTX:
            return
        if data.resolve() in (Path.home().resolve(), Path(data.resolve().anchor)):
            return
    except (OSError, RuntimeError):
        return
    make_private(data, PRIVATE_DIR)


def private_data_dir(data: Path) -> Path:
    """The data dir made (0700) or, when it exists, made private; its logs too (older installs)."""
    private_umask()
    data.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    make_private_dir(data)
    logs = data / "logs"
    if logs.is_dir() and (data.stat().st_mode & 0o077) == 0:  # only in a data dir we made private
        make_private(logs, PRIVATE_DIR)
        for f in logs.iterdir():
            make_private(f, PRIVATE_FILE)
    return data


def open_private(path: Path, *, binary: bool = False) -> IO[Any]:
    """Open `path` for writing (created or truncated), 0600 even when it existed with wider modes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        if POSIX:
            os.fchmod(fd, PRIVATE_FILE)
    except OSError:
        pass  # not the owner of an existing file: it keeps its modes
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="")
