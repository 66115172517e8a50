"""Normalisation of Indonesian place names for fuzzy search.

Both the indexed names and the operator's query go through `normalize`, so abbreviations and local
spellings meet in one form: "Sei."/"Sui"/"Sungei" -> "sungai", "Tj." -> "tanjung", "RS" -> "rumah sakit";
administrative prefixes ("Kec.", "Kecamatan", "Desa", "Ds.", "Kel.", "Kelurahan", "Kab.", "Jl.") are
dropped because callers say them or not at random.
"""

from __future__ import annotations

import re
import unicodedata

# token -> replacement tokens ("" = drop the token)
ALIASES: dict[str, str] = {
    # rivers: Banjar names are full of "Sungai", spoken and written many ways
    "sei": "sungai", "sui": "sungai", "sungei": "sungai", "sng": "sungai", "sgi": "sungai",
    # administrative / address prefixes: optional in speech
    "kec": "", "kecamatan": "", "desa": "", "ds": "", "kel": "", "kelurahan": "", "kab": "",
    "kabupaten": "", "jl": "", "jln": "", "jalan": "", "dusun": "", "dsn": "",
    # common abbreviations
    "tj": "tanjung", "tg": "tanjung", "tjg": "tanjung", "kp": "kampung", "kpg": "kampung",
    "kmp": "kampung", "pkm": "puskesmas", "pustu": "puskesmas pembantu", "rs": "rumah sakit",
    "rsud": "rumah sakit umum daerah", "rsu": "rumah sakit umum", "mtp": "martapura",
    # numbered desa are written both ways ("Kertak Hanyar II" / "Kertak Hanyar 2")
    "1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v", "6": "vi", "7": "vii", "8": "viii", "9": "ix",
    "10": "x",
    # spelling variants of the same word
    "hulu": "ulu", "hilir": "ilir", "kramat": "keramat",
}  # fmt: skip

_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Roman numerals and digits stay tokens ("Kertak Hanyar II"), so no stripping of short tokens.
# Long leading words that callers glue to the next one ("sungaitabuk", "tanjungrema").
# The same normalisation runs on indexed names, so a split is symmetric and harmless.
_GLUED = {"sungai": "sungai", "sungei": "sungai", "sei": "sungai", "sui": "sungai", "tanjung": "tanjung",
          "kampung": "kampung"}  # fmt: skip


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    """Normalised tokens of a name or query, with aliases applied and prefixes dropped."""
    out: list[str] = []
    for tok in _TOKEN_RE.findall(_fold(text).replace("'", "")):
        for word, full in _GLUED.items():
            if tok.startswith(word) and len(tok) >= len(word) + 4:
                out.append(full)
                tok = tok[len(word) :]
                break
        rep = ALIASES.get(tok, tok)
        if rep:
            out.extend(rep.split())
    return out


def normalize(text: str) -> str:
    """Space-joined normalised tokens ("Sei. Tabuk Kramat" -> "sungai tabuk keramat")."""
    return " ".join(tokens(text))
