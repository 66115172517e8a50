"""The demo data set: realistic call mix of an Indonesian 112 center, written through the outbox.

Outcome mix follows public reports (most calls ghost or prank, a few emergencies). Emergencies get an
incident placed at a real desa of the region, referrals to the agency suggested for the category,
status moves through the incident lifecycle (events and audit rows as at a desk) and notes. Deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain import phone
from ..domain.enums import CallOutcome, IncidentCategory, IncidentStatus
from ..domain.location import Location
from ..store.repositories import insert_incident
from ..store.store import Store
from ..store.tx import Tx
from .agencies import KIND_FOR_CATEGORY, AgencyService
from .lifecycle import IncidentLifecycle

OUTCOME_WEIGHTS: tuple[tuple[str, float], ...] = (
    (CallOutcome.GHOST, 0.44),
    (CallOutcome.PRANK, 0.24),
    (CallOutcome.INFORMATION, 0.12),
    (CallOutcome.WRONG_NUMBER, 0.05),
    (CallOutcome.TEST, 0.02),
    (CallOutcome.ABANDONED, 0.06),
    (CallOutcome.EMERGENCY, 0.07),
)
CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    (IncidentCategory.FIRE, 0.14),
    (IncidentCategory.MEDICAL, 0.22),
    (IncidentCategory.TRAFFIC_ACCIDENT, 0.18),
    (IncidentCategory.CRIME_SECURITY, 0.07),
    (IncidentCategory.DOMESTIC_VIOLENCE, 0.03),
    (IncidentCategory.DISASTER_FLOOD, 0.08),
    (IncidentCategory.DISASTER_FALLEN_TREE, 0.06),
    (IncidentCategory.DISASTER_LANDSLIDE, 0.01),
    (IncidentCategory.ANIMAL_SNAKE, 0.06),
    (IncidentCategory.ANIMAL_BEES, 0.04),
    (IncidentCategory.UTILITY_PLN, 0.04),
    (IncidentCategory.UTILITY_PDAM, 0.02),
    (IncidentCategory.UTILITY_STREET_LIGHT, 0.01),
    (IncidentCategory.MISSING_PERSON, 0.02),
    (IncidentCategory.OTHER, 0.02),
)
NARRATIVES: dict[str, str] = {
    IncidentCategory.FIRE: "Rumah warga terbakar, api membesar, warga mencoba memadamkan.",
    IncidentCategory.MEDICAL: "Warga pingsan dan sesak napas, keluarga minta ambulans.",
    IncidentCategory.TRAFFIC_ACCIDENT: "Tabrakan sepeda motor dan mobil pikap, satu korban luka.",
    IncidentCategory.CRIME_SECURITY: "Pencurian sepeda motor di depan warung, pelaku kabur.",
    IncidentCategory.DOMESTIC_VIOLENCE: "Pelapor mendengar keributan dan teriakan dari rumah tetangga.",
    IncidentCategory.DISASTER_FLOOD: "Air sungai meluap, rumah warga terendam setinggi lutut.",
    IncidentCategory.DISASTER_FALLEN_TREE: "Pohon tumbang menutup jalan setelah hujan deras.",
    IncidentCategory.DISASTER_LANDSLIDE: "Tanah longsor di tepi jalan desa.",
    IncidentCategory.ANIMAL_SNAKE: "Ular sanca masuk ke dapur rumah warga.",
    IncidentCategory.ANIMAL_BEES: "Sarang tawon besar di dekat sekolah dasar.",
    IncidentCategory.UTILITY_PLN: "Kabel listrik putus menjuntai ke jalan.",
    IncidentCategory.UTILITY_PDAM: "Pipa PDAM bocor besar di pinggir jalan.",
    IncidentCategory.UTILITY_STREET_LIGHT: "Lampu jalan mati di tikungan rawan.",
    IncidentCategory.MISSING_PERSON: "Anak belum pulang sejak sore, terakhir terlihat di sungai.",
    IncidentCategory.OTHER: "Warga melaporkan kejadian yang perlu penanganan.",
}
OPERATORS = ("Rina", "Ahmad", "Siti", "Yusuf")
DAY_MS = 86_400_000


@dataclass(frozen=True)
class Place:
    """A desa of the region to put demo incidents in."""

    desa_code: str
    desa_name: str
    kecamatan_code: str
    kecamatan_name: str
    lat: float
    lon: float


def _pick(rng: random.Random, weights: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


def _number(rng: random.Random, pool: list[str]) -> str:
    if pool and rng.random() < 0.35:  # repeat callers: pranksters call again and again
        return rng.choice(pool)
    num = "08" + rng.choice("12357") + "".join(rng.choice("0123456789") for _ in range(rng.choice((8, 9))))
    pool.append(num)
    return num


def generate_demo(
    store: Store,
    calls: int = 500,
    days: int = 7,
    seed: int = 112,
    places: list[Place] | None = None,
    end_ms: int | None = None,
    batch: int = 500,
) -> dict[str, int]:
    """Add `calls` calls over the last `days` days; returns counts written."""

    from .operators import OperatorService

    rng = random.Random(seed)
    lifecycle = IncidentLifecycle(store)
    AgencyService(store).ensure_defaults()
    OperatorService(store).ensure_demo_roster()
    agencies = [dict(r) for r in store.query("SELECT id, kind, name FROM agencies WHERE active=1")]
    end = end_ms if end_ms is not None else store.now_ms()
    start = end - days * DAY_MS
    times = sorted(rng.randint(start, end - 120_000) for _ in range(calls))
    pool: list[str] = []
    counts = {"calls": 0, "incidents": 0, "referrals": 0}
    prefix_seq: dict[str, int] = {}

    def one_call(tx: Tx, t: int) -> None:
        raw = _number(rng, pool)
        outcome = _pick(rng, OUTCOME_WEIGHTS)
        op = rng.choice(OPERATORS)
        answer = None if outcome == CallOutcome.ABANDONED else t + rng.randint(2_000, 15_000)
        end_t = (answer or t) + rng.randint(5_000, 240_000 if outcome == CallOutcome.EMERGENCY else 40_000)
        fields: dict[str, Any] = {
            "site_id": tx.site_id,
            "caller_number": phone.normalise(raw),
            "caller_raw": raw,
            "source": "simulator",
            "started_at": t,
            "answered_at": answer,
            "ended_at": end_t,
            "outcome": str(outcome),
            "operator": None if answer is None else op,
        }
        if outcome == CallOutcome.EMERGENCY:
            fields["incident_id"] = _incident(tx, t, end_t, op, raw)
        pk = tx.insert_record("calls", fields)
        tx.audit("call_close", "calls", pk, {"outcome": str(outcome), "demo": True})
        counts["calls"] += 1

    def _incident(tx: Tx, t: int, end_t: int, op: str, raw: str) -> str:
        from ..domain.ids import incident_number
        from ..domain.timeutil import local

        cat = _pick(rng, CATEGORY_WEIGHTS)
        loc = Location(source="gazetteer", confirmed=True, address="")
        if places:
            p = rng.choice(places)
            loc = Location(
                lat=p.lat + rng.uniform(-0.01, 0.01),
                lon=p.lon + rng.uniform(-0.01, 0.01),
                address=f"Desa {p.desa_name}",
                desa_code=p.desa_code,
                desa_name=p.desa_name,
                kecamatan_code=p.kecamatan_code,
                kecamatan_name=p.kecamatan_name,
                source="gazetteer",
                confirmed=True,
            )
        else:
            loc = Location(address="Martapura", source="operator", confirmed=True)
        day = local(t)
        key = f"{day:%Y%m%d}"
        prefix_seq[key] = prefix_seq.get(key, 0) + 1
        age = end - t
        status = (
            IncidentStatus.CLOSED
            if age > DAY_MS
            else rng.choice(
                (
                    IncidentStatus.NEW,
                    IncidentStatus.REFERRED,
                    IncidentStatus.ON_SCENE,
                    IncidentStatus.RESOLVED,
                )
            )
        )
        pk = insert_incident(
            tx,
            {
                "number": incident_number("DEMO", store.site_code, day, prefix_seq[key]),
                "site_id": tx.site_id,
                "category": str(cat),
                "priority": rng.choice(("P1", "P2", "P2", "P3", "P3", "P4")),
                "status": str(IncidentStatus.NEW),
                "location": loc.to_dict(),
                "caller_name": rng.choice(("", "Pak Udin", "Bu Ani")),
                "caller_number": phone.normalise(raw),
                "narrative": NARRATIVES[cat],
                "casualties": rng.choice((0, 0, 1, 2)),
                "created_at": t + 30_000,
                "updated_at": end_t,
                "created_by": op,
                "updated_by": op,
            },
        )
        lifecycle.created_in(tx, pk, t + 30_000)
        if status != IncidentStatus.NEW:
            kinds = KIND_FOR_CATEGORY.get(cat, ())
            match = [a for a in agencies if a["kind"] in kinds] or agencies
            agency = match[0]
            sent = t + 90_000
            steps = {"sent_at": sent, "status": "sent"}
            if status in (IncidentStatus.ON_SCENE, IncidentStatus.RESOLVED, IncidentStatus.CLOSED):
                steps.update(acknowledged_at=sent + 120_000, on_scene_at=sent + 900_000, status="on_scene")
            if status == IncidentStatus.CLOSED:
                steps.update(
                    feedback_at=sent + 3_600_000,
                    closed_at=sent + 3_700_000,
                    status="closed",
                    feedback="Sudah ditangani",
                )
            rid = tx.insert_record(
                "referrals", {"incident_id": pk, "agency_id": agency["id"], "operator": op, **steps}
            )
            tx.append("referral_events", {"referral_id": rid, "step": "sent", "at": sent, "operator": op})
            counts["referrals"] += 1
            # the status moves by the lifecycle's rules (a closed one has its agency's feedback above)
            disposition = "handled" if status == IncidentStatus.CLOSED else None
            lifecycle.advance_in(tx, pk, status, disposition, at=sent)
        tx.append(
            "incident_notes",
            {
                "incident_id": pk,
                "at": t + 60_000,
                "operator": op,
                "text": "Pelapor dihubungi kembali, informasi dikonfirmasi.",
            },
        )
        counts["incidents"] += 1
        return pk

    def chunk_writer(chunk: list[int]) -> Callable[[Tx], None]:
        def write(tx: Tx) -> None:
            for t in chunk:
                one_call(tx, t)

        return write

    for i in range(0, len(times), batch):
        store.write(chunk_writer(times[i : i + batch]), operator="demo")
    return counts
