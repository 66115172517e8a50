"""The fields issue 16 added to an incident (m015_incident_fields): call-back number, event time, victims by
condition (None is unknown, 0 is none), caller's relation, report source, gang / RT / RW and the
kabupaten/kota with the out-of-region mark; through save, export, EIDO, the report and the hub's checks."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from operator_desk.domain.errors import ValidationError
from operator_desk.domain.location import Location, clean_rt_rw
from operator_desk.domain.tables import check_value
from operator_desk.domain.timeutil import WITA, local
from operator_desk.report.report import build_report
from operator_desk.services.agencies import AgencyService
from operator_desk.services.eido import export_eido
from operator_desk.services.export import ExportRequest, export_text, run_export
from operator_desk.services.incidents import (
    IncidentService,
    jurisdiction,
    neighbours,
    parse_event_time,
)
from operator_desk.store.store import Store

HERE = Location(
    lat=-3.41,
    lon=114.85,
    address="Jl. A. Yani km 40",
    gang="Mawar",
    rt="003",
    rw="01",
    desa_code="63.03.05.1002",
    desa_name="Jawa",
    kecamatan_code="63.03.05",
    kecamatan_name="Martapura",
    kabupaten_code="63.03",
    kabupaten_name="Kabupaten Banjar",
    source="map",
    confirmed=True,
)


def _full(clock: Any) -> dict[str, Any]:
    return {
        "category": "drowning_sar",
        "priority": "P1",
        "location": HERE,
        "caller_name": "Budi Santoso",
        "caller_number": "+6281234567890",
        "callback_number": "0813 5000 1122",
        "occurred_at": clock() - 30 * 60_000,
        "victims_dead": 0,
        "victims_severe": 1,
        "victims_minor": None,
        "victims_unknown": 2,
        "caller_relation": "witness",
        "report_source": "whatsapp",
    }


def test_new_fields_round_trip_save_export_eido(store: Store, clock: Any) -> None:
    svc = IncidentService(store)
    pk = svc.create(_full(clock))
    inc = svc.get(pk)
    assert inc.callback_number == "+6281350001122"  # E.164
    assert (inc.victims_dead, inc.victims_severe, inc.victims_minor, inc.victims_unknown) == (0, 1, None, 2)
    assert inc.casualties == 3 and inc.occurred_at == clock() - 30 * 60_000
    assert (inc.caller_relation, inc.report_source) == ("witness", "whatsapp")
    assert (inc.location.gang, inc.location.rt, inc.location.kabupaten_code) == ("Mawar", "003", "63.03")

    (row,) = [json.loads(line) for line in export_text(store, "incidents").splitlines()]
    for key in (
        "id",
        "number",
        "category",
        "priority",
        "status",
        "lat",
        "lon",
        "desa_code",
        "kecamatan_code",
        "created_at",
        "updated_at",
    ):  # CONTRACT field names stay
        assert key in row
    assert (
        row["callback_number"] == "+6281350001122"
        and row["victims_dead"] == 0
        and row["victims_minor"] is None
    )
    assert row["occurred_at"].endswith("Z") and row["report_source"] == "whatsapp"
    assert (row["gang"], row["rt"], row["rw"], row["kabupaten_code"], row["outside_region"]) == (
        "Mawar",
        "003",
        "01",
        "63.03",
        False,
    )
    buf = io.StringIO()
    run_export(store, ExportRequest("incidents"), buf)  # masked by default
    masked = json.loads(buf.getvalue())
    assert masked["callback_number"] == "0813-****-1122" and masked["rt"] is None and masked["gang"] is None

    (doc,) = export_eido(store, inc.number)
    comp = doc["incidentComponent"]
    assert comp["casualtiesByCondition"] == {
        "deceased": 0,
        "seriouslyInjured": 1,
        "slightlyInjured": None,
        "conditionUnknown": 2,
    }
    assert (
        comp["incidentSourceText"] == "whatsapp" and comp["incidentOccurrenceTimeStamp"] == row["occurred_at"]
    )
    (person,) = doc["personComponent"]
    assert (
        person["callbackNumberURI"] == "tel:+6281350001122"
        and "Caller.witness" in person["personRoleRegistryText"]
    )
    (where,) = doc["locationComponent"]
    assert "Gg. Mawar" in where["civicAddressText"] and "RT 003/RW 01" in where["civicAddressText"]
    assert where["administrativeAreaCodes"]["kabupaten"] == "63.03" and where["outsideJurisdiction"] is False


def test_zero_victims_is_not_unknown(store: Store, clock: Any) -> None:
    svc = IncidentService(store)
    zero = svc.create({"category": "fire", "priority": "P2", "location": HERE, "victims_dead": 0})
    unknown = svc.create({"category": "fire", "priority": "P2", "location": HERE})
    assert svc.get(zero).victims_dead == 0 and svc.get(unknown).victims_dead is None
    svc.update(unknown, {"victims_dead": 0, "victims_minor": 4})
    assert (svc.get(unknown).victims_dead, svc.get(unknown).casualties) == (0, 4)
    day = local(clock(), WITA).date()
    rep = build_report(store.reader(), day, day, clock())
    cas = rep["incidents"]["casualties"]
    assert cas["dead"] == 0 and cas["minor"] == 4
    assert (
        cas["not_recorded"]["dead"] == 0 and cas["not_recorded"]["severe"] == 2
    )  # two incidents, count unknown


def test_report_counts_sources(store: Store, clock: Any) -> None:
    svc = IncidentService(store)
    for source in ("phone_112", "phone_112", "walk_in", None):
        svc.create({"category": "medical", "priority": "P2", "location": HERE, "report_source": source})
    day = local(clock(), WITA).date()
    by = build_report(store.reader(), day, day, clock())["incidents"]["by_source"]
    assert by == {
        "phone_112": 2,
        "whatsapp": 0,
        "social_media": 0,
        "walk_in": 1,
        "other": 0,
        "not_recorded": 1,
    }
    assert (
        build_report(store.reader(), date(2026, 1, 1), date(2026, 1, 1), clock())["incidents"]["by_source"][
            "phone_112"
        ]
        == 0
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"callback_number": "nomor saya"}, ("callback_number", "invalid_phone")),
        ({"victims_severe": -1}, ("victims_severe", "not_a_count")),
        ({"victims_dead": True}, ("victims_dead", "not_a_count")),
        ({"caller_relation": "neighbour"}, ("caller_relation", "invalid_value")),
        ({"report_source": "fax"}, ("report_source", "invalid_value")),
        ({"occurred_at": "kemarin"}, ("occurred_at", "invalid_value")),
        ({"location": dataclasses.replace(HERE, rt="12345")}, ("rt", "invalid_value")),
    ],
)
def test_bad_values_are_refused_by_field(
    store: Store, fields: dict[str, Any], problem: tuple[str, str]
) -> None:
    data = {"category": "fire", "priority": "P1", "location": HERE, **fields}
    with pytest.raises(ValidationError) as bad:
        IncidentService(store).create(data)
    assert bad.value.problems == dict([problem])
    assert store.query("SELECT count(*) FROM incidents")[0][0] == 0


def test_an_event_after_its_report_is_refused(store: Store, clock: Any) -> None:
    with pytest.raises(ValidationError) as bad:
        IncidentService(store).create(
            {"category": "fire", "priority": "P1", "location": HERE, "occurred_at": clock() + 3_600_000}
        )
    assert bad.value.problems == {"occurred_at": "out_of_range"}
    assert IncidentService(store).create(
        {"category": "fire", "priority": "P1", "location": HERE, "occurred_at": clock() - 60_000}
    )


def test_the_hub_checks_the_new_columns_from_the_declaration() -> None:
    assert (
        check_value("incidents", "victims_dead", 0) is None
        and check_value("incidents", "victims_dead", None) is None
    )
    assert check_value("incidents", "victims_dead", -1)
    assert (
        check_value("incidents", "report_source", "fax")
        and check_value("incidents", "report_source", "walk_in") is None
    )
    assert check_value("incidents", "caller_relation", "family") is None
    assert check_value("incidents", "occurred_at", 5)  # not a plausible time
    assert check_value("incidents", "location", {"rt": "x" * 40})
    assert check_value("incidents", "location", {"outside_region": "yes"})
    assert check_value("incidents", "location", HERE.to_dict()) is None


def test_event_time_as_typed() -> None:
    now = 1_796_313_600_000  # 2026-12-03 16:00 UTC = 04-12 00:00 WITA
    assert parse_event_time("", now) is None
    yesterday = parse_event_time("23:50", now)  # at midnight, 23:50 is last night
    assert yesterday is not None and now - yesterday == 10 * 60_000
    assert parse_event_time("03-12 14.30", now) == parse_event_time("03-12-2026 14:30", now)
    for bad in ("jam 3", "25:00", "31-02 10:00"):
        with pytest.raises(ValueError):
            parse_event_time(bad, now)
    assert clean_rt_rw("RT 03") == "03" and clean_rt_rw("") == "" and clean_rt_rw("A1") is None


@pytest.fixture(scope="module")
def region_with_neighbour(banjar_dir: Path) -> Any:
    """The Banjar pack with Kota Banjarbaru in its kabupaten layer (clipped to the pack's bbox), as a pack
    that knows its neighbours holds them."""
    import shapely
    from shapely.geometry import box, shape

    from operator_desk.geo.model import AreaFeature
    from operator_desk.geo.pack import load_region

    region = load_region(banjar_dir)
    feats = json.loads((banjar_dir / "kalsel_kabkota.geojson").read_text())["features"]
    (bjb,) = [f for f in feats if f["properties"]["code"] == "63.72"]
    geom = shape(bjb["geometry"]).intersection(box(*region.bbox))
    shapely.prepare(geom)
    neighbour = AreaFeature("63.72", "Kota Banjarbaru", "kota", None, geom, -3.47, 114.79)
    return dataclasses.replace(region, kabupaten=(*region.kabupaten, neighbour))


def test_out_of_region_point_names_the_neighbour(region_with_neighbour: Any, banjar_dir: Path) -> None:
    from operator_desk.geo.pack import load_region

    outside = jurisdiction(region_with_neighbour, -3.4425, 114.8305)
    assert outside.outside and outside.kabupaten_name == "Kota Banjarbaru"
    inside = jurisdiction(region_with_neighbour, -3.41, 114.85)
    assert not inside.outside and inside.kabupaten_code == "63.03"
    assert ("63.72", "Kota Banjarbaru") in neighbours(region_with_neighbour)
    own_only = dataclasses.replace(region_with_neighbour, kabupaten=region_with_neighbour.kabupaten[:1])
    # a pack that knows only its own kabupaten: outside, but which neighbour is not known
    assert jurisdiction(own_only, -3.4425, 114.8305) == type(outside)(True)
    assert not jurisdiction(own_only, -3.362, 114.801).outside
    plain = load_region(banjar_dir)  # the Banjar pack now carries its neighbours (kalsel_kabkota.geojson)
    assert jurisdiction(plain, -3.4425, 114.8305).kabupaten_name == "Kota Banjarbaru"


def test_new_categories_suggest_their_agencies(store: Store) -> None:
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    first = {
        cat: (agencies.suggest(cat) or [{"name": None}])[0]["name"]
        for cat in ("social_neglect", "public_disturbance", "drowning_sar", "road_damage", "body_found")
    }
    assert first["social_neglect"] == "Dinas Sosial Kabupaten Banjar"
    assert first["public_disturbance"] == "Satpol PP Kabupaten Banjar"
    assert first["drowning_sar"] == "Basarnas (Kantor SAR Banjarmasin)"
    assert "BPBD Kabupaten Banjar" in [a["name"] for a in agencies.suggest("drowning_sar")]
    names = [a["name"] for a in agencies.suggest("road_damage")]
    assert "Dinas Perhubungan Kabupaten Banjar" in names and "Dinas PUPR Kabupaten Banjar" in names
    assert first["body_found"] == "Polres Banjar"
    assert "Damkar Kabupaten Banjar" not in [a["name"] for a in agencies.suggest("body_found")]
