"""Gazetteer search: typo-tolerant place-name lookup for the operator's location field."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from .model import DESA_LEVELS, KECAMATAN_LEVELS, Region
from .textnorm import normalize

KECAMATAN_BONUS = 15.0  # ranking points for places inside the operator's selected kecamatan
MIN_SCORE = 55.0
_TRIGRAM_TOP = 300  # prefilter: best trigram-overlap candidates handed to rapidfuzz
_PREFIX_CAP = 3000  # prefix hits beyond this are left to the trigram prefilter
_LEVEL_RANK = {"kecamatan": 0, "kelurahan": 1, "desa": 1, "kabupaten": 2, "kota": 2, "poi": 3, "landmark": 4}


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """A searchable named place: admin area, POI or operator-added landmark."""

    code: str
    name: str
    level: str
    lat: float
    lon: float
    kecamatan: str | None = None
    kecamatan_code: str | None = None
    kind: str | None = None  # POI kind (hospital, puskesmas, ...) or "landmark"


@dataclass(frozen=True, slots=True)
class Match:
    """One search result; `score` is the 0-100 name similarity (before the kecamatan preference)."""

    code: str
    name: str
    level: str
    kecamatan: str | None
    kecamatan_code: str | None
    lat: float
    lon: float
    score: float
    kind: str | None = None


def _trigrams(compact: str, anchor_end: bool) -> set[str]:
    s = "^" + compact + ("$" if anchor_end else "")
    return {s[i : i + 3] for i in range(len(s) - 2)}


class Gazetteer:
    """Fuzzy place-name index: normalised names, a trigram prefilter and a token-prefix index.

    Why: operators type what the caller says - "sei tabuk kramat", "sungaitabuk", "kec. martapura",
    or just "sekum". Names are normalised (textnorm), candidates are narrowed with trigram overlap and
    token prefixes, then scored with rapidfuzz: the best of a whole-name ratio on the space-free form,
    a word alignment (query words found in the name, name words said in the query) and a prefix score. Entries can be added at any time (landmarks) and are searchable at once.
    Not thread-safe for concurrent add+search; build on a worker, then search from one thread.
    """

    def __init__(self, entries: Iterable[GazetteerEntry] = ()) -> None:
        self._entries: list[GazetteerEntry] = []
        self._norm: list[str] = []
        self._compact: list[str] = []
        self._ntri: list[int] = []
        self._toks: list[tuple[str, ...]] = []
        self._post: dict[str, list[int]] = defaultdict(list)
        self._post_np: dict[str, np.ndarray] = {}
        self._tok_post: dict[str, list[int]] = defaultdict(list)
        self._vocab: list[str] = []
        self._by_kec: dict[str, list[int]] = defaultdict(list)
        self._kec_names: dict[str, str] = {}
        self._ntri_np: np.ndarray | None = None
        for e in entries:
            self._index(e)
        self._vocab = sorted(self._tok_post)

    @classmethod
    def from_region(cls, region: Region) -> Gazetteer:
        """Admin places of gazetteer.csv plus named POIs (kecamatan from their desa code when known)."""
        kec_names = {k.code: k.name for k in region.kecamatan}
        entries = []
        kcode: str | None
        kname: str | None
        for r in region.gazetteer:
            if r.level in KECAMATAN_LEVELS:
                kcode, kname = r.code, r.name
            elif r.level in DESA_LEVELS:
                kcode, kname = r.parent_code, r.kecamatan or kec_names.get(r.parent_code or "")
            else:
                kcode, kname = None, None
            entries.append(GazetteerEntry(r.code, r.name, r.level, r.lat, r.lon, kname, kcode))
        for p in region.pois:
            if p.name:
                kname = kec_names.get(p.kecamatan_code or "")
                entries.append(
                    GazetteerEntry(p.id, p.name, "poi", p.lat, p.lon, kname, p.kecamatan_code, p.kind)
                )
        return cls(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def _index(self, e: GazetteerEntry) -> int:
        i = len(self._entries)
        norm = normalize(e.name) or e.name.lower()
        compact = norm.replace(" ", "")
        tris = _trigrams(compact, anchor_end=True)
        self._entries.append(e)
        self._norm.append(norm)
        self._compact.append(compact)
        self._ntri.append(len(tris))
        self._toks.append(tuple(norm.split()))
        for t in tris:
            self._post[t].append(i)
            self._post_np.pop(t, None)
        for tok in set(norm.split()):
            self._tok_post[tok].append(i)
        if e.kecamatan_code:
            self._by_kec[e.kecamatan_code].append(i)
            if e.level in KECAMATAN_LEVELS and e.kecamatan:
                self._kec_names[e.kecamatan_code] = e.kecamatan
        self._ntri_np = None
        return i

    def add_landmark(
        self, name: str, lat: float, lon: float, kecamatan_code: str | None = None, code: str | None = None
    ) -> GazetteerEntry:
        """Add an operator-known landmark ("Masjid Agung Al Karomah"); searchable immediately."""
        if not normalize(name):
            raise ValueError("landmark name has no letters or digits")
        entry = GazetteerEntry(
            code or f"landmark:{len(self._entries)}", name.strip(), "landmark", float(lat), float(lon),
            self._kec_names.get(kecamatan_code or ""), kecamatan_code, "landmark",
        )  # fmt: skip
        new_tokens = [t for t in set(normalize(name).split()) if t not in self._tok_post]
        self._index(entry)
        for t in new_tokens:
            bisect.insort(self._vocab, t)
        return entry

    def _trigram_candidates(self, qc: str) -> np.ndarray:
        arrays = []
        for t in _trigrams(qc, anchor_end=False):
            if t in self._post:
                arr = self._post_np.get(t)
                if arr is None:
                    arr = self._post_np[t] = np.asarray(self._post[t], dtype=np.int32)
                arrays.append(arr)
        if not arrays:
            return np.empty(0, dtype=np.int64)
        if self._ntri_np is None:
            self._ntri_np = np.asarray(self._ntri, dtype=np.float32)
        counts = np.bincount(np.concatenate(arrays), minlength=len(self._entries)).astype(np.float32)
        dice = counts / (len(qc) + 1 + self._ntri_np)
        hit = np.flatnonzero(counts)
        if hit.size > _TRIGRAM_TOP:
            hit = hit[np.argpartition(-dice[hit], _TRIGRAM_TOP)[:_TRIGRAM_TOP]]
        return hit

    def _prefix_candidates(self, token: str) -> list[int]:
        lo = bisect.bisect_left(self._vocab, token)
        out: list[int] = []
        for t in self._vocab[lo:]:
            if not t.startswith(token):
                break
            out.extend(self._tok_post[t])
            if len(out) > _PREFIX_CAP:
                return []
        return out

    def _prefix_score(self, i: int, qc: str, qtoks: list[str]) -> float:
        compact = self._compact[i]
        if compact.startswith(qc):
            return 90.0 + 10.0 * len(qc) / len(compact)
        ntoks = self._norm[i].split()
        j = 0
        for (
            q
        ) in qtoks:  # every query word starts a name word, in order ("tabuk ker" -> "sungai tabuk keramat")
            while j < len(ntoks) and not ntoks[j].startswith(q):
                j += 1
            if j == len(ntoks):
                return 0.0
            j += 1
        return 85.0 + 10.0 * sum(map(len, qtoks)) / len(compact)

    def search(self, query: str, limit: int = 10, kecamatan_code: str | None = None) -> list[Match]:
        """Best matches for `query`, places inside `kecamatan_code` preferred (ranked first when close)."""
        qn = normalize(query)
        if not qn or limit <= 0:
            return []
        qc, qtoks = qn.replace(" ", ""), qn.split()
        cand = set(self._trigram_candidates(qc).tolist())
        cand.update(self._prefix_candidates(qtoks[-1]))
        if kecamatan_code:
            cand.update(self._by_kec.get(kecamatan_code, ()))
        ids = sorted(cand)
        if not ids:
            return []
        # whole-name typos and glued words ("sungaitabukkramat"): rapidfuzz over the prefiltered names
        choices = {i: self._compact[i] for i in ids}
        scores = {i: s for _, s, i in process.extract(qc, choices, scorer=fuzz.ratio, limit=None)}
        pair = self._token_scores(qtoks, ids)
        ranked = []
        for i in ids:
            s = max(scores[i], self._coverage(i, qtoks, pair), self._prefix_score(i, qc, qtoks))
            if s < MIN_SCORE:
                continue
            e = self._entries[i]
            bonus = KECAMATAN_BONUS if kecamatan_code and e.kecamatan_code == kecamatan_code else 0.0
            ranked.append((-(s + bonus), _LEVEL_RANK.get(e.level, 5), len(e.name), e.code, i, s))
        ranked.sort()
        return [self._match(i, s) for *_, i, s in ranked[:limit]]

    def _token_scores(self, qtoks: list[str], ids: list[int]) -> list[dict[str, float]]:
        """Per query word: similarity to every word of the candidates (one rapidfuzz cdist call)."""
        vocab = sorted({t for i in ids for t in self._toks[i]})
        matrix = process.cdist(qtoks, vocab, scorer=fuzz.ratio, dtype=np.float32)
        out = [dict(zip(vocab, row.tolist(), strict=True)) for row in matrix]
        last = qtoks[-1]
        if len(last) >= 3:  # the word being typed may be unfinished: "tabuk ker" -> "keramat"
            for t in vocab:
                if t.startswith(last):
                    out[-1][t] = max(out[-1][t], 90.0 + 10.0 * len(last) / len(t))
        return out

    def _coverage(self, i: int, qtoks: list[str], pair: list[dict[str, float]]) -> float:
        """Word alignment: how much of the query is in the name (75 %) and of the name in the query."""
        ntoks = self._toks[i]
        qlen = sum(map(len, qtoks))
        q_cov = sum(len(q) * max(pair[k][t] for t in ntoks) for k, q in enumerate(qtoks)) / qlen
        n_len = sum(map(len, ntoks))
        n_cov = sum(len(t) * max(p[t] for p in pair) for t in ntoks) / n_len
        return 0.75 * q_cov + 0.25 * n_cov

    def _match(self, i: int, score: float) -> Match:
        e = self._entries[i]
        return Match(
            e.code, e.name, e.level, e.kecamatan, e.kecamatan_code, e.lat, e.lon, round(score, 1), e.kind
        )


__all__ = ["Gazetteer", "GazetteerEntry", "Match"]
