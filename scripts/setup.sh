#!/usr/bin/env bash
# Installs what the desk needs on Debian 12: system libraries (as root), a venv in .venv, the pinned packages.
# Idempotent and quiet when everything is there already. Usage: bash scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

APT_RUNTIME=(libgl1 libegl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-image0 libxcb-render-util0
  libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0 libx11-xcb1 libasound2 libportaudio2
  libsndfile1 pulseaudio pulseaudio-utils libasound2-plugins xvfb xauth binutils)
APT_TEST=(postgresql baresip-core sip-tester kamailio sox poppler-utils gammu-smsd)

want=("${APT_RUNTIME[@]}")
[ "${1:-}" = "--dev" ] && want+=("${APT_TEST[@]}")
missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages (run as root): ${missing[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "setup: needs Python 3.11 (Debian 12's python3); found $("$PY" --version 2>&1). Set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "setup: .venv was made with another Python; remove it (rm -rf .venv) and run again" >&2; exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv || { rm -rf .venv; echo "setup: could not make .venv (is python3-venv installed?)" >&2; exit 1; }
extras="."
[ "${1:-}" = "--dev" ] && extras=".[dev,sip,build]"
# Reinstall only when the pins changed (a stamp per pyproject + lock + extras): later runs start at once.
stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)-${extras//[^a-z]/}"
if [ ! -f "$stamp" ]; then
  log=$(mktemp)
  if ! .venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e "$extras" >"$log" 2>&1; then
    tail -n 25 "$log" >&2; rm -f "$log" .venv/.installed-*
    echo "setup: pip could not install the pinned packages (see above); nothing is marked done, the next run tries again" >&2
    exit 1
  fi
  grep -v -E "^WARNING: Location|BuildBackendWarning|^ *(!!|\*+|corresp|return|with strategy|Please|By 20|See https|or your builds|name as your|Editable install)" "$log" || true
  rm -f "$log" .venv/.installed-*
  touch "$stamp"
fi
.venv/bin/python -c "import operator_desk, PySide6, sqlite_utils" \
  || { rm -f .venv/.installed-*; echo "setup: the Python environment is incomplete (a package failed to import, see above); run again to reinstall" >&2; exit 1; }
