"""The message a referral sends to the agency, from a template per incident category (Bahasa Indonesia).

`compose_message(facts)` writes what the agency needs to move: the incident number, category, priority,
the place (address, landmark, desa/kelurahan and kecamatan) with a map link, the caller's call-back
number, the narrative, the casualties, and what the center asks of the agency (one line per category).
The operator edits it before sending. `masked=True` gives the same message with personal data masked as
`domain/privacy.py` masks it (number 0812-****-3373, no narrative or address, position rounded to about
110 m): for a screen others see, a screenshot or a log; what is sent to the agency is unmasked (the
agency is a recipient in the record of processing).

Pure functions, no I/O: `facts_from(...)` builds the facts from the typed records, `whatsapp_link` and
`maps_link` the links, `sms_parts` counts the SMS a text costs. Messages stay in GSM 7-bit characters
where the template decides (a plain hyphen, not a dash), so an SMS part holds 153 characters, not 67.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from ..domain import phone as phones
from ..domain.location import is_kelurahan
from ..domain.privacy import coarse, mask_number
from ..domain.timeutil import WITA, local

MAX_MESSAGE_CHARS = 1000  # an SMS of at most 7 GSM parts or 15 UCS-2 parts; gammu-smsd is safe there
MAX_NARRATIVE_CHARS = 500  # the narrative as the message carries it (the incident keeps all of it)
MAP_DECIMALS = 6  # about 0.1 m: the agency drives to it
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

CATEGORY_LABELS: Mapping[str, str] = {
    "fire": "Kebakaran",
    "medical": "Medis/kesehatan",
    "traffic_accident": "Kecelakaan lalu lintas",
    "crime_security": "Kriminal dan keamanan",
    "domestic_violence": "KDRT",
    "disaster_flood": "Bencana: banjir",
    "disaster_landslide": "Bencana: tanah longsor",
    "disaster_fallen_tree": "Bencana: pohon tumbang",
    "animal_snake": "Evakuasi hewan: ular",
    "animal_bees": "Evakuasi hewan: sarang tawon",
    "utility_pln": "Gangguan listrik (PLN)",
    "utility_pdam": "Gangguan air (PDAM)",
    "utility_street_light": "PJU mati",
    "missing_person": "Orang hilang",
    "social_neglect": "ODGJ / orang terlantar",
    "public_disturbance": "Gangguan ketertiban",
    "drowning_sar": "Tenggelam / SAR",
    "road_damage": "Jalan rusak",
    "body_found": "Penemuan mayat",
    "other": "Lainnya",
}

# What the center asks of the agency, per category (the last line before the reply hint).
REQUESTS: Mapping[str, str] = {
    "fire": "Mohon segera kirim unit pemadam ke lokasi.",
    "medical": "Mohon segera kirim ambulans dan tenaga medis ke lokasi.",
    "traffic_accident": "Mohon kirim petugas dan ambulans ke lokasi kecelakaan.",
    "crime_security": "Mohon segera kirim petugas ke lokasi.",
    "domestic_violence": "Mohon segera kirim petugas; utamakan keselamatan korban.",
    "disaster_flood": "Mohon kirim tim kaji cepat dan penanganan banjir ke lokasi.",
    "disaster_landslide": "Mohon kirim tim penanganan tanah longsor ke lokasi.",
    "disaster_fallen_tree": "Mohon kirim tim evakuasi pohon tumbang ke lokasi.",
    "animal_snake": "Mohon kirim tim evakuasi ular ke lokasi.",
    "animal_bees": "Mohon kirim tim evakuasi sarang tawon ke lokasi.",
    "utility_pln": "Mohon tindak lanjuti gangguan listrik di lokasi.",
    "utility_pdam": "Mohon tindak lanjuti gangguan air di lokasi.",
    "utility_street_light": "Mohon tindak lanjuti PJU mati di lokasi.",
    "missing_person": "Mohon bantu pencarian orang hilang; hubungi pelapor untuk ciri-ciri.",
    "social_neglect": "Mohon kirim petugas untuk penanganan ODGJ / orang terlantar di lokasi.",
    "public_disturbance": "Mohon kirim petugas untuk menertibkan gangguan di lokasi.",
    "drowning_sar": "Mohon segera kirim tim SAR ke lokasi.",
    "road_damage": "Mohon tindak lanjuti jalan rusak di lokasi.",
    "body_found": "Mohon segera kirim petugas ke lokasi penemuan mayat.",
    "other": "Mohon tindak lanjuti laporan ini.",
}

PRIORITY_LABELS: Mapping[str, str] = {
    "P1": "P1 - mengancam nyawa",
    "P2": "P2 - mendesak",
    "P3": "P3 - tidak mendesak",
    "P4": "P4 - dapat menunggu",
}

VICTIM_KINDS = ("dead", "severe", "minor", "unknown")  # incidents.victims_<kind> (glossary order)
VICTIM_LABELS = ("meninggal", "luka berat", "luka ringan", "belum diketahui kondisinya")

# The SMS reply an agency sends back (services/sms_gateway.py parses it): word -> referral step.
REPLY_WORDS: Mapping[str, str] = {"OK": "acknowledged", "TIBA": "on_scene", "SELESAI": "feedback"}


@dataclass(frozen=True)
class MessageFacts:
    """What a referral message says, as plain values (the incident and the agency as stored)."""

    number: str
    category: str | None = None
    priority: str | None = None
    created_at: int | None = None
    address: str = ""
    landmark: str = ""
    desa_code: str | None = None
    desa_name: str | None = None
    kecamatan_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    callback_number: str | None = None  # E.164 (the incident's call-back number, else the caller's)
    narrative: str | None = None
    casualties: int | None = None
    victims: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)
    occurred_at: int | None = None
    agency_name: str | None = None
    center: str = "Call center 112"


def facts_from(
    incident: Mapping[str, Any], agency: Mapping[str, Any] | None = None, center: str | None = None
) -> MessageFacts:
    """The facts of an incident record (an `Incident` or its dict) for an agency record (or None).

    The call-back number is the incident's `callback_number` when it has one, else the caller's number.
    """
    loc: Any = incident.get("location")
    place: Mapping[str, Any] = loc.to_dict() if hasattr(loc, "to_dict") else dict(loc or {})
    callback = incident.get("callback_number") or incident.get("caller_number")
    casualties = incident.get("casualties")
    victims = tuple(_count(incident.get(f"victims_{k}")) for k in VICTIM_KINDS)
    return MessageFacts(
        number=str(incident.get("number") or ""),
        category=incident.get("category"),
        priority=incident.get("priority"),
        created_at=incident.get("created_at"),
        address=str(place.get("address") or ""),
        landmark=str(place.get("landmark") or ""),
        desa_code=place.get("desa_code"),
        desa_name=place.get("desa_name"),
        kecamatan_name=place.get("kecamatan_name"),
        lat=place.get("lat"),
        lon=place.get("lon"),
        callback_number=str(callback) if callback else None,
        narrative=incident.get("narrative"),
        casualties=_count(casualties),
        victims=(victims[0], victims[1], victims[2], victims[3]),
        occurred_at=_count(incident.get("occurred_at")),
        agency_name=(agency or {}).get("name"),
        center=center or "Call center 112",
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def category_label(code: str | None) -> str:
    return CATEGORY_LABELS.get(code or "", (code or "belum diketahui").replace("_", " "))


def maps_link(lat: float | None, lon: float | None, decimals: int = MAP_DECIMALS) -> str | None:
    """A Google Maps link to the point (opens in any phone's browser or maps app); None without one."""
    if lat is None or lon is None:
        return None
    return f"https://www.google.com/maps?q={lat:.{decimals}f},{lon:.{decimals}f}"


def _moment(ms: int, zone: ZoneInfo) -> str:
    t = local(ms, zone)
    return f"{t.day} {MONTHS[t.month - 1]} {t.year} {t:%H:%M} {ZONE_NAMES.get(str(zone), str(zone))}"


def _place(f: MessageFacts, masked: bool) -> str:
    parts: list[str] = []
    if not masked:
        street = " ".join(f.address.split())
        if street:
            parts.append(street)
        if f.landmark.strip():
            parts.append(f"({' '.join(f.landmark.split())})")
    if f.desa_name:
        parts.append(("Kel. " if is_kelurahan(f.desa_code) else "Desa ") + f.desa_name)
    if f.kecamatan_name:
        parts.append(f"Kec. {f.kecamatan_name}")
    return ", ".join(parts).replace(", (", " (") or "belum diketahui"


def _casualties(f: MessageFacts) -> str:
    """By condition when the incident has them (null: not known, 0: none), else the one count."""
    if any(v is not None for v in f.victims):
        parts = [f"{label} {v}" for label, v in zip(VICTIM_LABELS, f.victims, strict=True) if v]
        return ", ".join(parts) or "tidak ada"
    n = f.casualties
    if n is None:
        return "belum diketahui"
    return "tidak ada" if n == 0 else str(n)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def reply_hint(number: str) -> str:
    return (
        f"Balas SMS: OK {number} (dikonfirmasi) / TIBA {number} (tiba di lokasi) / "
        f"SELESAI {number} <laporan tindak lanjut>"
    )


def compose_message(
    facts: MessageFacts, *, masked: bool = False, with_reply_hint: bool = False, zone: ZoneInfo = WITA
) -> str:
    """The message in Bahasa Indonesia, one fact a line; `masked` hides the caller's personal data."""
    f = facts
    if masked:
        f = replace(
            f,
            lat=coarse(f.lat),
            lon=coarse(f.lon),
            callback_number=mask_number(f.callback_number),
        )
    lines = [f"[{f.center}] PENERUSAN KEJADIAN" + (f" ke {f.agency_name}" if f.agency_name else "")]
    lines.append(f"No. kejadian: {f.number}")
    lines.append(f"Kategori: {category_label(f.category)}")
    lines.append(f"Prioritas: {PRIORITY_LABELS.get(f.priority or '', f.priority or 'belum ditentukan')}")
    if f.occurred_at is not None:
        lines.append(f"Waktu kejadian: {_moment(f.occurred_at, zone)}")
    if f.created_at is not None:
        lines.append(f"Waktu lapor: {_moment(f.created_at, zone)}")
    lines.append(f"Lokasi: {_place(f, masked)}")
    link = maps_link(f.lat, f.lon, 3 if masked else MAP_DECIMALS)
    if link:
        lines.append(f"Peta: {link}")
    if f.callback_number:
        shown = f.callback_number if masked else phones.display(f.callback_number)
        lines.append(f"Nomor pelapor (hubungi kembali): {shown}")
    else:
        lines.append("Nomor pelapor: tidak ada")
    if masked:
        lines.append("Kronologi: (disamarkan)")
    elif f.narrative and f.narrative.strip():
        lines.append(f"Kronologi: {_clip(f.narrative, MAX_NARRATIVE_CHARS)}")
    lines.append(f"Jumlah korban: {_casualties(f)}")
    lines.append(REQUESTS.get(f.category or "", REQUESTS["other"]))
    if with_reply_hint and f.number:
        lines.append(reply_hint(f.number))
    return "\n".join(lines)


# -- channels -------------------------------------------------------------------------------------------
def wa_digits(number: str | None) -> str | None:
    """The digits wa.me wants (country code, no +, no trunk 0): ``0812…`` / ``+62812…`` -> ``62812…``."""
    if not number:
        return None
    e164 = phones.normalise(number)
    if e164 is None or not e164.startswith("+"):
        return None
    return e164[1:]


def whatsapp_link(number: str | None, text: str) -> str | None:
    """``https://wa.me/<digits>?text=<url-encoded text>``; None when the number is not a phone number."""
    digits = wa_digits(number)
    if digits is None:
        return None
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


# GSM 03.38 basic set and the extension table (each extension character costs two septets).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXT = set("^{}\\[~]|€\f")


def sms_parts(text: str) -> tuple[str, int]:
    """("gsm7" or "ucs2", the number of SMS parts the text takes)."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXT for ch in text):
        septets = sum(2 if ch in _GSM_EXT else 1 for ch in text)
        return "gsm7", 1 if septets <= 160 else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return "ucs2", 1 if units <= 70 else -(-units // 67)


def message_problem(text: str) -> str | None:
    """Why `text` cannot be sent (`empty`, `too_long`), else None."""
    if not text.strip():
        return "empty"
    if len(text) > MAX_MESSAGE_CHARS:
        return "too_long"
    return None
