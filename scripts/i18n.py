#!/usr/bin/env python3
"""Translations: extract strings with pyside6-lupdate, compile with pyside6-lrelease, check completeness.

python scripts/i18n.py update    # refresh resources/translations/operator_desk_*.ts from the UI sources
python scripts/i18n.py release   # compile every .ts -> .qm
python scripts/i18n.py check     # exit 1 listing every untranslated or stale string

qt_extra_<lang>.ts holds Qt's own texts (standard buttons, edit menus: PySide6 ships no qtbase_id.qm). It is
written by hand, never touched by `update` (lupdate would drop its strings: they are not in our sources),
compiled by `release` and checked by `check` (every message finished, .qm up to date).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS_DIR = ROOT / "resources" / "translations"
LANGS = ("id",)
BIN = Path(sys.executable).parent


def sources() -> list[Path]:
    return sorted([*(ROOT / "operator_desk" / "ui").rglob("*.py"), ROOT / "operator_desk" / "app.py"])


def tool(name: str) -> str:
    path = BIN / f"pyside6-{name}"
    found = str(path) if path.exists() else shutil.which(f"pyside6-{name}")
    if not found:
        raise SystemExit(f"pyside6-{name} not found (install pyside6-essentials)")
    return found


def ts_path(lang: str) -> Path:
    return TS_DIR / f"operator_desk_{lang}.ts"


def extra_ts_path(lang: str) -> Path:
    """Qt's own strings in `lang` (hand-written; see the module docstring)."""
    return TS_DIR / f"qt_extra_{lang}.ts"


def update(target: Path | None = None, lang: str = "id") -> Path:
    out = target or ts_path(lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [tool("lupdate"), "-no-obsolete", "-locations", "none", *map(str, sources()), "-ts", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def release(lang: str = "id") -> list[Path]:
    out = []
    for ts in (ts_path(lang), extra_ts_path(lang)):
        qm = ts.with_suffix(".qm")
        subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)
        out.append(qm)
    return out


def untranslated(ts: Path) -> list[str]:
    """Messages with no translation, or marked unfinished/vanished."""
    problems = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            src = msg.findtext("source") or ""
            tr = msg.find("translation")
            kind = tr.get("type") if tr is not None else "missing"
            if tr is None or not (tr.text or "").strip() or kind in ("unfinished", "vanished", "obsolete"):
                problems.append(f"{name}: {src!r} ({kind or 'empty'})")
    return problems


def check(lang: str = "id") -> list[str]:
    """Re-extract into a temp copy of the .ts: every current string must carry a finished translation."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / ts_path(lang).name
        if ts_path(lang).exists():
            shutil.copy(ts_path(lang), copy)
        update(copy, lang)
        problems = untranslated(copy)
        extra = extra_ts_path(lang)
        if extra.exists():
            problems += untranslated(extra)
        else:
            problems.append(f"{extra.name} missing (Qt's standard buttons would stay English)")
        for ts in (ts_path(lang), extra):
            if not ts.exists():
                continue
            qm = ts.with_suffix(".qm")
            fresh = Path(tmp) / qm.name
            subprocess.run([tool("lrelease"), str(ts), "-qm", str(fresh)], check=True, capture_output=True)
            if not qm.exists():
                problems.append(f"{qm.name} not compiled (run scripts/i18n.py release)")
            elif qm.read_bytes() != fresh.read_bytes():
                problems.append(f"{qm.name} is older than {ts.name} (run scripts/i18n.py release)")
        return problems


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "update":
        for lang in LANGS:
            print(update(lang=lang))
    elif cmd == "release":
        for lang in LANGS:
            for qm in release(lang):
                print(qm)
    elif cmd == "check":
        bad = [p for lang in LANGS for p in check(lang)]
        for p in bad:
            print(p)
        print(f"{len(bad)} untranslated")
        return 1 if bad else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
