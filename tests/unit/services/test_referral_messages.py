"""Referral messages: the template of each category, masked and unmasked, the links, and the draft and
channels of `ReferralMessaging` over a real store (no gateway here: tests/e2e/test_sms_gateway.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlparse

import pytest

from operator_desk.domain.enums import IncidentCategory
from operator_desk.domain.location import Location
from operator_desk.services.agencies import AgencyService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referral_messages import (
    CATEGORY_LABELS,
    MAX_MESSAGE_CHARS,
    REQUESTS,
    MessageFacts,
    compose_message,
    facts_from,
    maps_link,
    message_problem,
    sms_parts,
    wa_digits,
    whatsapp_link,
)
from operator_desk.services.referral_sending import ReferralMessaging
from operator_desk.services.referrals import ReferralService
from operator_desk.store.store import Store

# 2026-11-28 06:12 UTC = 14:12 WITA
CREATED = 1_795_846_320_000


def facts(category: str = "fire", **kw: object) -> MessageFacts:
    base: dict[str, object] = dict(
        number="BJR-D7F3A-20261128-0042",
        category=category,
        priority="P1",
        created_at=CREATED,
        address="Jl. A. Yani km 5 RT 02",
        landmark="depan Masjid Al-Karomah",
        desa_code="63.03.05.2003",
        desa_name="Tambak Baru",
        kecamatan_name="Martapura",
        lat=-3.412345678,
        lon=114.845678912,
        callback_number="+6281234563373",
        narrative="Rumah kayu terbakar, api membesar ke rumah sebelah.",
        casualties=2,
        agency_name="Damkar Kabupaten Banjar",
        center="112 Kabupaten Banjar",
    )
    base.update(kw)
    return MessageFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("category", [c.value for c in IncidentCategory])
def test_every_category_has_its_label_and_request(category: str) -> None:
    text = compose_message(facts(category))
    assert f"Kategori: {CATEGORY_LABELS[category]}\n" in text
    assert text.rstrip().endswith(REQUESTS[category])
    assert "No. kejadian: BJR-D7F3A-20261128-0042" in text
    assert "Prioritas: P1 - mengancam nyawa" in text


def test_labels_are_the_reports_labels() -> None:
    from operator_desk.report.strings import STRINGS

    assert dict(CATEGORY_LABELS) == STRINGS["id"]["categories"]


def test_victims_by_condition_and_event_time() -> None:
    text = compose_message(facts(victims=(1, 0, 3, None), occurred_at=CREATED - 20 * 60_000))
    assert "Jumlah korban: meninggal 1, luka ringan 3" in text
    assert "Waktu kejadian: 28 Nov 2026 13:52 WITA" in text
    assert "Jumlah korban: tidak ada" in compose_message(facts(victims=(0, 0, 0, 0)))
    record = {"number": "X", "victims_dead": 2, "victims_severe": None, "victims_minor": True}
    assert facts_from(record).victims == (2, None, None, None)


def test_requests_differ_per_agency_kind() -> None:
    assert "pemadam" in compose_message(facts("fire"))
    assert "ambulans" in compose_message(facts("medical"))
    assert "ular" in compose_message(facts("animal_snake"))
    assert "gangguan listrik" in compose_message(facts("utility_pln"))
    assert len(set(REQUESTS.values())) == len(REQUESTS)


def test_unmasked_message_carries_what_the_agency_needs() -> None:
    text = compose_message(facts())
    lines = text.split("\n")
    assert lines[0] == "[112 Kabupaten Banjar] PENERUSAN KEJADIAN ke Damkar Kabupaten Banjar"
    assert "Waktu lapor: 28 Nov 2026 14:12 WITA" in lines
    assert (
        "Lokasi: Jl. A. Yani km 5 RT 02 (depan Masjid Al-Karomah), Desa Tambak Baru, Kec. Martapura" in lines
    )
    assert "Peta: https://www.google.com/maps?q=-3.412346,114.845679" in lines
    assert "Nomor pelapor (hubungi kembali): 0812-3456-3373" in lines
    assert "Kronologi: Rumah kayu terbakar, api membesar ke rumah sebelah." in lines
    assert "Jumlah korban: 2" in lines
    assert "Balas SMS" not in text  # only with the SMS gateway
    assert sms_parts(text)[0] == "gsm7"  # no dash or ellipsis that would force UCS-2


def test_masked_message_hides_the_callers_data() -> None:
    text = compose_message(facts(), masked=True)
    assert "0812-****-3373" in text
    assert "0812-3456-3373" not in text and "+6281234563373" not in text
    assert "Rumah kayu" not in text and "Kronologi: (disamarkan)" in text
    assert "Jl. A. Yani" not in text and "Masjid" not in text
    assert "Lokasi: Desa Tambak Baru, Kec. Martapura" in text  # the area stays
    assert "Peta: https://www.google.com/maps?q=-3.412,114.846" in text  # about 110 m


def test_kelurahan_unknowns_zero_casualties_and_no_number() -> None:
    text = compose_message(
        facts(
            desa_code="63.03.05.1001",
            desa_name="Keraton",
            casualties=0,
            callback_number=None,
            lat=None,
            narrative="  ",
            priority=None,
            created_at=None,
        )
    )
    assert "Kel. Keraton" in text and "Desa Keraton" not in text
    assert "Jumlah korban: tidak ada" in text
    assert "Nomor pelapor: tidak ada" in text
    assert "Peta:" not in text and "Kronologi" not in text and "Waktu lapor" not in text
    assert "Prioritas: belum ditentukan" in text
    assert "Jumlah korban: belum diketahui" in compose_message(facts(casualties=None))


def test_reply_hint_names_the_incident_number() -> None:
    text = compose_message(facts(), with_reply_hint=True)
    assert text.endswith(
        "Balas SMS: OK BJR-D7F3A-20261128-0042 (dikonfirmasi) / TIBA BJR-D7F3A-20261128-0042 (tiba di lokasi) / "
        "SELESAI BJR-D7F3A-20261128-0042 <laporan tindak lanjut>"
    )


def test_long_narrative_is_cut_and_message_stays_sendable() -> None:
    text = compose_message(facts(narrative="api " * 1000))
    assert message_problem(text) is None and len(text) < MAX_MESSAGE_CHARS
    assert "..." in text
    assert message_problem("x" * (MAX_MESSAGE_CHARS + 1)) == "too_long"
    assert message_problem(" \n ") == "empty"


def test_links() -> None:
    assert maps_link(None, 114.0) is None
    assert wa_digits("0812-3456-3373") == "6281234563373"
    assert wa_digits("+62 511 4721234") == "625114721234"
    assert wa_digits("112") is None and wa_digits("abc") is None and wa_digits(None) is None
    link = whatsapp_link("0811 5000 119", "Kebakaran & korban 2\nNo: BJR-1 #?")
    assert link is not None
    url = urlparse(link)
    assert (url.scheme, url.netloc, url.path) == ("https", "wa.me", "/628115000119")
    assert parse_qs(url.query)["text"] == ["Kebakaran & korban 2\nNo: BJR-1 #?"]
    assert "&korban" not in url.query and " " not in link and "\n" not in link
    assert unquote(url.query[len("text=") :]) == "Kebakaran & korban 2\nNo: BJR-1 #?"
    assert whatsapp_link("not a number", "x") is None


def test_sms_parts() -> None:
    assert sms_parts("a" * 160) == ("gsm7", 1)
    assert sms_parts("a" * 161) == ("gsm7", 2)
    assert sms_parts("€" * 80) == ("gsm7", 1)  # extension characters count twice
    assert sms_parts("✓" * 70) == ("ucs2", 1)
    assert sms_parts("✓" * 71) == ("ucs2", 2)


# -- over a real store ----------------------------------------------------------------------------------
def _setup(store: Store) -> tuple[str, str, str]:
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    damkar = next(a for a in agencies.all() if a["kind"] == "fire")
    store.write(
        lambda tx: tx.update_record(
            "agencies", damkar["id"], {"phone": "+625114721234", "whatsapp": "+628115000113"}
        )
    )
    loc = Location(
        lat=-3.41,
        lon=114.85,
        address="Jl. Sukaramai",
        desa_code="63.03.05.2003",
        desa_name="Tambak Baru",
        kecamatan_name="Martapura",
        confirmed=True,
    )
    inc = IncidentService(store).create(
        {
            "category": "fire",
            "priority": "P1",
            "location": loc,
            "caller_number": "+6281234563373",
            "narrative": "Gudang terbakar",
        }
    )
    rid = ReferralService(store).refer(inc, damkar["id"])
    return inc, damkar["id"], rid


def test_draft_of_a_referral(store: Store) -> None:
    inc, _agency, rid = _setup(store)
    draft = ReferralMessaging(store, center="112 Banjar").draft(rid)
    assert draft.agency_name == "Damkar Kabupaten Banjar"
    assert (draft.sms_number, draft.whatsapp_number) == ("+625114721234", "+628115000113")
    assert "0812-3456-3373" in draft.text and "Gudang terbakar" in draft.text
    assert "0812-****-3373" in draft.masked_text and "Gudang" not in draft.masked_text
    assert draft.gateway is None and "Balas SMS" not in draft.text
    assert draft.status is None and draft.unmatched == []


def test_callback_number_wins_over_the_caller_number() -> None:
    record = {
        "number": "X-1",
        "caller_number": "+6281111111111",
        "callback_number": "+6282222222222",
        "location": Location(desa_name="A"),
    }
    assert facts_from(record).callback_number == "+6282222222222"
    assert facts_from({**record, "callback_number": None}).callback_number == "+6281111111111"
    assert facts_from({**record, "location": {"desa_name": "B"}}).desa_name == "B"


def test_channels_are_recorded_on_the_referral(store: Store, clock: object) -> None:
    _inc, _agency, rid = _setup(store)
    msg = ReferralMessaging(store)
    copied = msg.record_copied(rid, "teks")
    assert (copied.channel, copied.status, copied.error) == ("clipboard", "copied", None)
    assert copied.sent_at == copied.at
    opened = msg.record_whatsapp(rid, "+628115000113", "teks")
    assert (opened.channel, opened.status, opened.to) == ("whatsapp", "opened", "+628115000113")
    audit = [r[0] for r in store.query("SELECT action FROM audit WHERE pk=? ORDER BY seq", (rid,))]
    assert audit.count("referral_message") == 2


def test_sms_without_a_gateway_or_number_fails_on_the_referral_and_can_be_resent(store: Store) -> None:
    _inc, agency_id, rid = _setup(store)
    msg = ReferralMessaging(store)  # no gateway configured on this desk
    state = msg.send_sms(rid, "Pesan")
    assert (state.channel, state.status, state.error, state.to) == (
        "sms",
        "failed",
        "no_gateway",
        "+625114721234",
    )
    assert msg.draft(rid).error == "no_gateway"
    store.write(lambda tx: tx.update_record("agencies", agency_id, {"phone": None}))
    assert msg.send_sms(rid, "Pesan").error == "no_number"
    assert msg.send_sms(rid, "Pesan", number="0812 3456 3373").error == "no_gateway"  # the operator's number
    assert msg.send_sms(rid, "x" * (MAX_MESSAGE_CHARS + 1), number="0812 3456 3373").error == "too_long"
    row = store.query("SELECT status, sent_at FROM referrals WHERE id=?", (rid,))[0]
    assert row["status"] == "sent"  # the referral's steps are untouched: ready to send again


def test_eido_carries_the_referral_steps_message_and_updates(store: Store) -> None:
    from operator_desk.services.eido import export_eido

    inc, _agency, rid = _setup(store)
    ReferralMessaging(store).record_whatsapp(rid, "+628115000113", "teks")
    ReferralService(store).step(rid, "acknowledged", "SMS dari +625114721234")
    IncidentService(store).add_note(inc, "Api sudah padam sebagian")
    number = store.query("SELECT number FROM incidents WHERE id=?", (inc,))[0][0]
    (doc,) = export_eido(store, number)
    (agency,) = doc["agencyComponent"]
    assert [s["step"] for s in agency["referralSteps"]] == ["sent", "acknowledged"]
    assert agency["referralSteps"][1]["detail"] == "SMS dari +625114721234"
    assert agency["referralAcknowledgedTimeStamp"] is not None and agency["referralOnSceneTimeStamp"] is None
    assert agency["referralMessage"]["channel"] == "whatsapp"
    assert agency["referralMessage"]["to"] == "tel:+628115000113"
    kinds = [(n["noteType"], n["noteText"]) for n in doc["notesComponent"]]
    assert ("note", "Api sudah padam sebagian") in kinds
    assert ("update", "status: new -> referred") in kinds
    assert [n["noteDateTimeStamp"] for n in doc["notesComponent"]] == sorted(
        n["noteDateTimeStamp"] for n in doc["notesComponent"]
    )


def test_sms_settings_make_the_gateway(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from operator_desk import settings
    from operator_desk.services.referral_sending import messaging_for

    data = tmp_path / "data"
    data.mkdir()
    assert messaging_for(store, data).messaging.gateway is None  # no file: off
    (data / "settings.toml").write_text(
        f'[sms]\nenabled = true\nspool = "{tmp_path / "spool"}"\nsent = "{tmp_path / "done"}"\npoll_seconds = 3\n'
        'center = "112 Kabupaten Banjar"\n'
    )
    setup = messaging_for(store, data)
    gateway = setup.messaging.gateway
    assert gateway is not None and setup.poll_ms == 3000 and setup.messaging.center == "112 Kabupaten Banjar"
    assert gateway.paths.outbox == tmp_path / "spool" / "outbox" and gateway.paths.sent == tmp_path / "done"
    assert gateway.problem() == "gateway_unavailable"  # the folders are not there yet
    assert settings.load(data).sms.send_timeout_s == 300
    for bad, key in (
        ("poll_seconds = 0", "sms.poll_seconds"),
        ('enabled = "yes"', "sms.enabled"),
        ("modem = 1", "sms.modem"),
    ):
        (data / "settings.toml").write_text(f"[sms]\n{bad}\n")
        with pytest.raises(settings.SettingsError) as err:
            settings.load(data)
        assert err.value.key == key
        assert messaging_for(store, data).problem == f"settings: {key}"  # the desk runs on, without SMS
