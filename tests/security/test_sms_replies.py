"""Attacks on the SMS replies: every inbound SMS is hostile input.

The gateway's inbox is written here as gammu-smsd writes it (`IN<date>_<time>_<serial>_<sender>_<part>.txt`,
UTF-16 with BOM); the real daemon's path is tests/e2e/test_sms_gateway.py. What must hold: nothing is
applied that does not come from the number of an agency the incident is referred to and say exactly
`OK|TIBA|SELESAI <existing number>`; a huge, binary, badly encoded or non-regular file never hangs or
crashes the reader; no text reaches the log; a flood is cut by the rate; controls and bidi characters
never reach what the operator reads.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from operator_desk.domain.location import Location
from operator_desk.services.agencies import AgencyService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referral_sending import RATE_PER_SENDER, ReferralMessaging
from operator_desk.services.referrals import ReferralService
from operator_desk.services.sms_gateway import (
    MAX_INBOUND_CHARS,
    GammuFilesGateway,
    GatewayPaths,
    clean_text,
    parse_reply,
)
from operator_desk.store.store import Store

DAMKAR = "+625114721234"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Store, ReferralMessaging, GatewayPaths, str, str]]:
    store = Store(tmp_path / "desk.sqlite")
    store.operator = "Rina"
    try:
        yield _world(store, tmp_path)
    finally:
        store.close()


def _world(store: Store, tmp_path: Path) -> tuple[Store, ReferralMessaging, GatewayPaths, str, str]:
    paths = GatewayPaths.under(tmp_path / "spool")
    for p in (paths.inbox, paths.outbox, paths.sent, paths.error):
        p.mkdir(parents=True)
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    fire = next(a["id"] for a in agencies.all() if a["kind"] == "fire")
    store.write(lambda tx: tx.update_record("agencies", fire, {"phone": DAMKAR}))
    inc = IncidentService(store).create(
        {"category": "fire", "priority": "P1", "location": Location(address="Jl. Sukaramai", confirmed=True)}
    )
    number = store.query("SELECT number FROM incidents WHERE id=?", (inc,))[0][0]
    rid = ReferralService(store).refer(inc, fire)
    return store, ReferralMessaging(store, GammuFilesGateway(paths)), paths, number, rid


_serial = iter(range(10**6))


def inbox(paths: GatewayPaths, sender: str, data: bytes | str, ext: str = "txt", part: int = 0) -> str:
    n = next(_serial)
    name = f"IN20261204_{n % 240000:06d}_{n % 100:02d}_{sender}_{part:02d}.{ext}"
    body = data if isinstance(data, bytes) else b"\xfe\xff" + data.encode("utf-16-be")
    (paths.inbox / name).write_bytes(body)
    return name


def acked(store: Store, rid: str) -> bool:
    return store.query("SELECT acknowledged_at FROM referrals WHERE id=?", (rid,))[0][0] is not None


def reasons(store: Store) -> list[str]:
    return [r[0] for r in store.query("SELECT reason FROM sms_inbound WHERE state='unmatched' ORDER BY id")]


def test_only_the_agencys_exact_reply_is_applied(world) -> None:  # type: ignore[no-untyped-def]
    store, msg, paths, number, rid = world
    for text in (
        f"OK {number[:-1]}",  # a prefix of the number
        f"OK %{number[4:]}",  # a LIKE pattern
        f"OKE {number}",  # not the word
        f"{number} OK",
        "OK",
        "",
    ):
        inbox(paths, DAMKAR, text)
    inbox(paths, "+62511472123", f"OK {number}")  # one digit short of the agency's number
    inbox(paths, "TELKOMSEL", f"OK {number}")  # an alphanumeric sender id
    inbox(paths, "+625114721234;rm -rf ~", f"OK {number}")  # a sender that is not a number
    msg.poll()
    assert not acked(store, rid)
    assert store.query("SELECT count(*) FROM referrals")[0][0] == 1
    assert reasons(store).count("unknown_sender") == 3
    assert reasons(store).count("unknown_incident") == 1 and reasons(store).count("not_a_reply") == 5
    inbox(paths, DAMKAR, f"  ok:  {number.lower()}'; DROP TABLE referrals;--")  # exact number, then junk
    msg.poll()
    assert acked(store, rid)  # the number is exact: applied; the rest is only text, bound as a parameter
    assert store.query("SELECT count(*) FROM referrals")[0][0] == 1


def test_huge_binary_broken_and_special_files_never_hang_or_apply(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, msg, paths, number, rid = world
    inbox(paths, DAMKAR, b"\xfe\xff" + f"OK {number}".encode("utf-16-be") + b"\x00A" * 5_000_000)  # 10 MB
    inbox(paths, DAMKAR, f"OK {number}".encode(), ext="bin")
    inbox(paths, DAMKAR, b"\xff\xfe" + f"OK {number}".encode("utf-16-le") + b"\x00")  # odd length
    inbox(paths, DAMKAR, b"OK \xc3\x28\xa0\xa1 " + number.encode())  # invalid UTF-8
    fifo = paths.inbox / f"IN20261204_235959_00_{DAMKAR}_00.txt"
    os.mkfifo(fifo)  # a reader that opened this blocking would hang forever
    secret = tmp_path / "secret.txt"
    secret.write_text(f"OK {number}")
    (paths.inbox / f"IN20261204_235958_00_{DAMKAR}_00.txt").symlink_to(secret)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (msg.poll(), done.set()), daemon=True)
    worker.start()
    worker.join(20)
    assert done.is_set(), "the inbox reader hung"
    assert not acked(store, rid)
    got = reasons(store)
    assert got.count("unreadable") == 2 and "too_large" in got and "binary" in got
    texts = [r[0] for r in store.query("SELECT text FROM sms_inbound")]
    assert all(len(t) <= MAX_INBOUND_CHARS for t in texts)
    assert got.count("bad_encoding") == 2  # even the odd-length one that reads "OK <number>" once cut
    assert store.query("SELECT count(*) FROM sms_inbound WHERE state != 'unmatched'")[0][0] == 0


def test_a_flood_from_the_agency_number_is_cut_by_the_rate(world) -> None:  # type: ignore[no-untyped-def]
    store, msg, paths, number, rid = world
    for i in range(RATE_PER_SENDER + 15):
        inbox(paths, DAMKAR, f"spam {i}")
    inbox(paths, DAMKAR, f"OK {number}")
    msg.poll()
    assert reasons(store).count("rate_limited") >= 15
    assert not acked(store, rid)  # the reply behind the flood is left for the operator, not lost
    assert any(f"OK {number}" == u.text for u in msg.unmatched())


def test_control_and_bidi_characters_never_reach_the_list_or_the_log(world, caplog) -> None:  # type: ignore[no-untyped-def]
    store, msg, paths, number, rid = world
    evil = (
        "OK \x1b[2J\x1b[31mBJR-FAKE\r\n2026-12-04 INFO operator_desk: admin logged in\u202egnp.exe"
        "\u200b\x00\x07 +6281234563373"
    )
    inbox(paths, "+6281299990000", evil)
    with caplog.at_level(logging.DEBUG):
        msg.poll()
    [u] = msg.unmatched()
    assert "\x1b" not in u.text and "\r" not in u.text and "\u202e" not in u.text and "\x00" not in u.text
    assert "\u200b" not in u.text and "\x07" not in u.text
    log_text = "\n".join(r.getMessage() for r in caplog.records)
    assert (
        "admin logged in" not in log_text and "BJR-FAKE" not in log_text and "6281234563373" not in log_text
    )
    assert "6281299990000" not in log_text
    assert all("\n" not in r.getMessage() for r in caplog.records if "sms" in r.getMessage().lower())
    # the audit row of an unknown sender holds the masked number only
    details = [r[0] for r in store.query("SELECT detail FROM audit WHERE action='sms_unmatched'")]
    assert details and all("6281299990000" not in d and "0812-****-0000" in d for d in details)


def test_each_file_is_read_once_and_parts_join(world) -> None:  # type: ignore[no-untyped-def]
    store, msg, paths, number, rid = world
    n = next(_serial)
    for part, text in enumerate((f"SELESAI {number} api padam, ", "satu rumah rusak")):
        name = f"IN20261204_{n:06d}_00_{DAMKAR}_{part:02d}.txt"
        (paths.inbox / name).write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    msg.poll()
    msg.poll()
    assert (
        store.query("SELECT feedback FROM referrals WHERE id=?", (rid,))[0][0]
        == "api padam, satu rumah rusak"
    )
    assert store.query("SELECT count(*) FROM sms_inbound")[0][0] == 1
    assert store.query("SELECT count(*) FROM audit WHERE action='sms_reply'")[0][0] == 1


def test_parse_and_clean_by_themselves() -> None:
    assert parse_reply("TIBA bjr-d1-20261204-0001").step == "on_scene"  # type: ignore[union-attr]
    r = parse_reply("SELESAI BJR-D1-20261204-0001 - korban 2\n dibawa ke RSUD")
    assert r is not None and r.detail == "korban 2\ndibawa ke RSUD"
    assert parse_reply("SELESAI BJR-D1-20261204-0001").detail is None  # type: ignore[union-attr]
    assert parse_reply("OK") is None and parse_reply("halo OK BJR-D1-20261204-0001") is None
    assert clean_text("a\u202eb\x1b[0mc\td", 100) == "ab[0mc d"
    assert len(clean_text("x" * 10_000)) == MAX_INBOUND_CHARS
