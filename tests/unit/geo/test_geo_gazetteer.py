"""Gazetteer search on the Banjar names: typos, local spellings, prefixes, kecamatan preference."""

from __future__ import annotations

import pytest

from operator_desk.geo import Gazetteer, GazetteerEntry, Region
from operator_desk.geo.textnorm import normalize


@pytest.fixture(scope="module")
def gaz(banjar: Region) -> Gazetteer:
    return Gazetteer.from_region(banjar)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("sei tabuk keramat", "63.03.04.2010"),  # Sei = Sungai
        ("sungaitabuk kramat", "63.03.04.2010"),  # glued words + local spelling
        ("tabuk keramat", "63.03.04.2010"),  # leading word left out
        ("Sui. Paring", "63.03.05.1005"),  # Sui. = Sungai; kelurahan
        ("Kec. Martapura", "63.03.05"),  # admin prefix
        ("Kecamatan Gambt", "63.03.03"),  # prefix + typo
        ("martapura kota", "63.03.05"),  # spoken name of the town
        ("Ds. Tatah Layap", "63.03.19.2004"),
        ("Kel. Jawa", "63.03.05.1002"),
        ("kertak hanyar 2", "63.03.02.2010"),  # digits for roman numerals
        ("astambl", "63.03.07"),  # missing letter
        ("karang inten", "63.03.06"),  # wrong vowel
        ("aluhaluh besar", "63.03.01.2012"),
        ("tanjungrema darat", "63.03.05.1055"),
        ("sekum", "63.03.05.1059"),  # a few letters: Sekumpul
        ("rsud ratu zalecha", "osm:way/312016254"),  # POI (hospital)
        ("rs danau salak", "osm:way/312015598"),  # RS = Rumah Sakit
        ("puskesmas aranio", "osm:way/561960966"),
        ("paramasan bwh", "63.03.17.2002"),
        ("Jl. Cintapuri", "63.03.20.2003"),
    ],
)
def test_query_finds_place_in_top_3(gaz: Gazetteer, query: str, code: str) -> None:
    top = [m.code for m in gaz.search(query, limit=3)]
    assert code in top, (query, top)


def test_exact_name_scores_100_and_first(gaz: Gazetteer) -> None:
    m = gaz.search("Sungai Tabuk Keramat", limit=5)
    assert m[0].code == "63.03.04.2010" and m[0].score == 100.0
    assert (m[0].level, m[0].kecamatan, m[0].kecamatan_code) == ("desa", "Sungai Tabuk", "63.03.04")
    assert (m[0].lat, m[0].lon) == pytest.approx((-3.319942, 114.700828))
    assert all(a.score >= b.score for a, b in zip(m, m[1:], strict=False))


def test_same_name_kecamatan_ranks_before_desa_and_both_found(gaz: Gazetteer) -> None:
    m = gaz.search("sungai pinang", limit=4)
    assert [(x.code, x.level) for x in m[:2]] == [("63.03.10", "kecamatan"), ("63.03.10.2002", "desa")]


def test_selected_kecamatan_changes_ranking(gaz: Gazetteer) -> None:
    plain = [m.code for m in gaz.search("sungai pinang", limit=5)]
    preferred = gaz.search("sungai pinang", limit=5, kecamatan_code="63.03.04")
    assert plain[0] == "63.03.10"
    assert preferred[0].kecamatan_code == "63.03.04" and preferred[0].name.startswith("Sungai Pinang")
    assert [m.code for m in preferred] != plain
    # "Keramat" (Martapura Timur) is the exact name, "Keramat Mina" is in Cintapuri Darussalam
    assert gaz.search("keramat", limit=1)[0].code == "63.03.15.2002"
    assert gaz.search("keramat", limit=1, kecamatan_code="63.03.20")[0].code == "63.03.20.2001"
    # the preference is a bonus, not a filter: a clearly better match elsewhere still wins
    assert gaz.search("tabuk keramat", limit=1, kecamatan_code="63.03.15")[0].code == "63.03.04.2010"


def test_prefix_lists_all_starting_names(gaz: Gazetteer) -> None:
    names = [m.name for m in gaz.search("mart", limit=3)]
    assert names == ["Martapura", "Martapura Barat", "Martapura Timur"]


def test_landmark_is_searchable_at_once(gaz: Gazetteer, banjar: Region) -> None:
    g = Gazetteer.from_region(banjar)
    before = len(g)
    assert all(m.level != "landmark" for m in g.search("masjid agung al karomah", limit=5))
    e = g.add_landmark("Masjid Agung Al Karomah", -3.4135, 114.8485, kecamatan_code="63.03.05")
    assert len(g) == before + 1 and e.kecamatan == "Martapura"
    top = g.search("mesjid al karomah", limit=3)
    assert top[0].code == e.code and top[0].level == "landmark" and top[0].kecamatan == "Martapura"
    assert g.search("karom", limit=1)[0].code == e.code  # new word reachable by prefix too
    assert len(gaz) == before  # the shared index is untouched


def test_empty_and_nonsense_queries(gaz: Gazetteer) -> None:
    assert gaz.search("") == [] and gaz.search("  Kec. ") == [] and gaz.search("qxzjv") == []
    assert gaz.search("martapura", limit=0) == []
    assert len(gaz.search("sungai", limit=7)) == 7


def test_plain_entries_constructor() -> None:
    g = Gazetteer(
        [
            GazetteerEntry("1", "Pasar Lama", "landmark", 0.0, 0.0),
            GazetteerEntry("2", "Pasar Baru", "landmark", 0, 0),
        ]
    )
    assert [m.code for m in g.search("psar baru", limit=2)] == ["2", "1"]


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("Sei. Tabuk Kramat", "sungai tabuk keramat"),
        ("SUI PARING", "sungai paring"),
        ("seitabuk", "sungai tabuk"),
        ("Kec. Martapura", "martapura"),
        ("Kelurahan Jawa", "jawa"),
        ("Jl. A. Yani", "a yani"),
        ("Kertak Hanyar 2", "kertak hanyar ii"),
        ("Sungai Tuan Hulu", "sungai tuan ulu"),
    ],
)
def test_normalize(text: str, norm: str) -> None:
    assert normalize(text) == norm
