"""The retired terms of GLOSSARY-id.md appear nowhere in the Indonesian translations nor in the report.

The terms are read from the glossary itself (its table's "Not" column, and the `"X", never "Y"` rules of
its introduction), so a term retired there is checked here without touching this test. How a term is
matched:
- case-insensitively, as whole words; a term "a / b" retires both a and b (and "a / b");
- "x: …" retires the old label form: a text starting with "x:";
- a number like "7.8" retires the decimal point in a percentage ("7.8 %");
- an occurrence inside one of the glossary's own words is fine ("korban" in "jumlah korban", "kosong" in
  "ghost call (kosong)", "hasil" in "hasil akhir penanganan");
- a few retired words are ordinary words with a second, correct meaning: they are retired only where the
  English source speaks of the glossary row's idea (SCOPED; "a call is *diterima*" says so in the glossary).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from operator_desk.report.strings import STRINGS

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT.parent / "shared" / "GLOSSARY-id.md"
TS_DIR = ROOT / "resources" / "translations"

# retired word -> the English (source or report key) it is retired for; elsewhere it is a correct word
SCOPED = {
    "diterima": r"acknowledg|\back\b|^ack|_ack",  # a call IS diterima (answered); an agency's ack is not
    "hasil": r"outcome",  # "hasil" of a search or a count is fine; a call's outcome is its jenis panggilan
    "korban": r"casualt",  # the caller's relation "korban" (victim) is correct; casualties are "jumlah korban"
    "meja": r"^&?desk$|desk menu",  # the desk is a meja; its menu is "Sistem"
}


@dataclass(frozen=True)
class Retired:
    term: str
    pattern: re.Pattern[str]
    scope: re.Pattern[str] | None
    row: str


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _rows(text: str) -> list[list[str]]:
    rows = [_cells(line) for line in text.splitlines() if line.lstrip().startswith("|")]
    return [r for r in rows[2:] if len(r) >= 3]  # header and separator first


def _word(term: str) -> str:
    body = re.escape(term).replace(r"\ ", r"\s+")
    left = r"(?<!\w)" if term[:1].isalnum() else ""
    right = r"(?!\w)" if term[-1:].isalnum() else ""
    return left + body + right


def _pattern(term: str) -> re.Pattern[str]:
    if re.fullmatch(r"\d+\.\d+", term):  # a percentage with a decimal point
        return re.compile(r"\d\.\d+\s*%")
    if term.endswith("…"):  # the old "x: …" label form
        return re.compile(r"^\s*" + _word(term.rstrip("… ").strip()), re.IGNORECASE)
    return re.compile(_word(term), re.IGNORECASE)


def _terms(cell: str) -> Iterator[str]:
    for piece in cell.replace("*", "").split(";"):
        piece = piece.strip()
        if not piece:
            continue
        yield piece
        if " / " in piece:
            yield from (p.strip() for p in piece.split(" / ") if p.strip())


def retired_terms(text: str) -> list[Retired]:
    out: list[Retired] = []
    for row in _rows(text):
        idea, not_cell = row[0], row[2]
        for term in dict.fromkeys(_terms(not_cell)):
            scope = SCOPED.get(term.lower())
            out.append(Retired(term, _pattern(term), re.compile(scope, re.I) if scope else None, idea))
    intro = text.split("|", 1)[0]
    for _good, bad in re.findall(r'"([^"]+)",\s*never\s+"([^"]+)"', intro):
        out.append(Retired(bad, _pattern(bad), None, "introduction"))
    return out


def preferred_words(text: str) -> list[str]:
    """The glossary's own words (column 2), split at ; / ( ) — and ,: an occurrence inside one is fine."""
    words: list[str] = []
    for row in _rows(text):
        cell = row[1].replace("*", "")
        words += [w.strip().lower() for w in re.split(r"[;/()—,]", cell) if len(w.strip()) > 2]
        words += [w.strip().lower() for w in cell.split(";") if w.strip()]
    return words


def offences(text: str, source: str, retired: list[Retired], preferred: list[str]) -> list[str]:
    """The retired terms in the Indonesian `text` (translated from `source`)."""
    found = []
    low = text.lower()
    for r in retired:
        if r.scope is not None and not r.scope.search(source):
            continue
        for m in r.pattern.finditer(text):
            excused = False
            for word in preferred:
                start = low.find(word)
                while start != -1:
                    if start <= m.start() and m.end() <= start + len(word):
                        excused = True
                        break
                    start = low.find(word, start + 1)
                if excused:
                    break
            if not excused:
                found.append(f"{r.term!r} (glossary: {r.row})")
                break
    return found


@pytest.fixture(scope="module")
def glossary() -> str:
    if not GLOSSARY.exists():
        pytest.fail(f"glossary missing: {GLOSSARY}")
    return GLOSSARY.read_text(encoding="utf-8")


def test_the_parser_reads_the_glossary(glossary: str) -> None:
    terms = {r.term.lower() for r in retired_terms(glossary)}
    assert {
        "rujukan",
        "terlambat",
        "diterima",
        "laporan balik",
        "tak terjawab",
        "telepon balik",
        "mungkin duplikat",
        "p3 — segera",
        "tak",
    } <= terms
    assert {"kosong", "diam"} <= terms  # "kosong / diam" retires each word
    assert set(SCOPED) <= terms, "a SCOPED word is no longer retired in the glossary: drop it here"


def test_the_rules_catch_old_words_and_spare_the_glossary_ones(glossary: str) -> None:
    retired, preferred = retired_terms(glossary), preferred_words(glossary)

    def bad(text: str, source: str = "") -> list[str]:
        return offences(text, source, retired, preferred)

    assert bad("Rujukan") and bad("Daftar rujukan ke instansi") and bad("Tak terjawab") and bad("Tak ada")
    assert bad("Utilitas: listrik (PLN)") and bad("Hewan: ular") and bad("7.8 %")
    assert bad("Diterima", "Acknowledged (A)") and bad("Korban", "Casualties")
    assert bad("Kosong / diam") and bad("P3 — segera") and bad("Mungkin duplikat")
    assert not bad("Penerusan ke instansi") and not bad("Tidak terjawab") and not bad("7,8 %")
    assert not bad("Ghost call (kosong)") and not bad("Evakuasi hewan: ular") and not bad("Jumlah korban")
    assert not bad("Panggilan diterima", "Call answered") and not bad("Korban", "Victim")
    assert not bad("Hasil akhir penanganan", "Disposition") and not bad("mis. sip:10.0.0.5")
    assert not bad("Data meja tidak dapat ditulis", "The desk's data cannot be written")
    assert bad("&Meja", "&Desk") and not bad("Kotak") and not bad("Jalan/gang, no. rumah, RT/RW")


def _ts_messages() -> Iterator[tuple[str, str, str]]:
    for ts in sorted(TS_DIR.glob("*.ts")):
        for ctx in ET.parse(ts).getroot().iter("context"):
            name = ctx.findtext("name") or ""
            for msg in ctx.iter("message"):
                tr = msg.find("translation")
                if tr is not None and tr.get("type") not in ("vanished", "obsolete"):
                    yield f"{ts.name} {name}", msg.findtext("source") or "", tr.text or ""


def _report_strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _report_strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from _report_strings(v, f"{path}[{i}]")


def test_no_retired_term_in_the_indonesian_translations(glossary: str) -> None:
    retired, preferred = retired_terms(glossary), preferred_words(glossary)
    bad = [
        f"{where}: {source!r} -> {text!r}: {', '.join(found)}"
        for where, source, text in _ts_messages()
        for found in [offences(text, source, retired, preferred)]
        if found
    ]
    assert bad == [], "\n".join(bad)


def test_no_retired_term_in_the_report(glossary: str) -> None:
    retired, preferred = retired_terms(glossary), preferred_words(glossary)
    bad = [
        f"report {key}: {text!r}: {', '.join(found)}"
        for key, text in _report_strings(STRINGS["id"])
        for found in [offences(text, key, retired, preferred)]
        if found
    ]
    assert bad == [], "\n".join(bad)
