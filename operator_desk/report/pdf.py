"""The printable period report (A4, reportlab): tables and charts as a Diskominfo publishes them.

All wording sits in `strings.STRINGS`, one dict per language ("id" is the published one). Charts are reportlab
graphics (vector, no matplotlib). Input is the dict of `report.report_from_stats`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..domain.timeutil import iso_to_ms
from .strings import STRINGS

PALETTE = (
    colors.HexColor("#c0392b"),
    colors.HexColor("#2980b9"),
    colors.HexColor("#e67e22"),
    colors.HexColor("#7f8c8d"),
    colors.HexColor("#8e44ad"),
    colors.HexColor("#16a085"),
    colors.HexColor("#d35400"),
    colors.HexColor("#bdc3c7"),
)
HEADER_BG = colors.HexColor("#1f4e79")
# How Indonesia names its zones on a clock (the report's period zone is an IANA key).
ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
WIDTH = A4[0] - 4 * cm


class _Text:
    """Labels of one language (falls back to the code)."""

    def __init__(self, lang: str) -> None:
        if lang not in STRINGS:
            raise ValueError(f"report language {lang!r} not available (choose from {sorted(STRINGS)})")
        self.s = STRINGS[lang]

    def __getitem__(self, key: str) -> Any:
        return self.s[key]

    def outcome(self, code: str) -> str:
        return str(self.s["outcomes"].get(code, code))

    def category(self, code: str) -> str:
        return str(self.s["categories"].get(code, code.replace("_", " ")))

    def day(self, iso: str) -> str:
        d = date.fromisoformat(iso)
        return f"{d.day} {self.s['months'][d.month - 1]} {d.year}"

    def secs(self, s: int | None) -> str:
        if s is None:
            return "–"
        if s < 60:
            return f"{s} {self.s['sec']}"
        return f"{s // 60} {self.s['min']} {s % 60:02d} {self.s['sec']}"

    def num(self, n: int) -> str:
        """A count with the language's thousands separator (1.234 in Indonesian)."""
        return f"{n:,}".replace(",", self.s["thousands"])

    def pct(self, x: float) -> str:
        """A share with one decimal and the language's decimal mark (7,8 % in Indonesian)."""
        return f"{x:.1f}".replace(".", self.s["decimal"]) + " %"

    def moment(self, iso_utc: str | None, zone: str) -> str:
        """A stored UTC moment as the region's clock shows it, always with its date."""
        if not iso_utc:
            return "–"
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            tz, zone = ZoneInfo("UTC"), "UTC"
        t = datetime.fromtimestamp(iso_to_ms(iso_utc) / 1000, tz=tz)
        return f"{self.day(t.date().isoformat())} {t:%H:%M} {zone_name(zone)}"

    def axis(self, v: float) -> str:
        """A chart tick of a count axis: whole numbers only (no "0.5 calls")."""
        return self.num(int(v)) if float(v).is_integer() else ""

    def pair(self, p: dict[str, Any]) -> str:
        return f"{self.secs(p.get('median_s'))} / {self.secs(p.get('p90_s'))}"

    @staticmethod
    def mmss(s: int | None) -> str:
        return "–" if s is None else f"{s // 60}:{s % 60:02d}"

    def short_pair(self, p: dict[str, Any]) -> str:
        return f"{self.mmss(p.get('median_s'))} / {self.mmss(p.get('p90_s'))}"


def zone_name(zone: str) -> str:
    """WIB / WITA / WIT for Indonesia's zones, else the zone key itself."""
    return ZONE_NAMES.get(zone, zone)


def _table(rows: list[list[Any]], widths: list[float], numeric_from: int = 1) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eef3f8")]),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa7b4")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


def _pie(values: list[int], labels: list[str]) -> Drawing:
    d = Drawing(WIDTH, 150)
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10, 10, 130, 130
    pie.data = [max(v, 0) for v in values] if any(values) else [1]
    pie.labels = None
    pie.slices.strokeWidth = 0.5
    for i in range(len(pie.data)):
        pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
    d.add(pie)
    legend = Legend()
    legend.x, legend.y, legend.alignment = 170, 140, "right"
    legend.fontSize, legend.columnMaximum = 8, 8
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], f"{lab} ({v})")
        for i, (lab, v) in enumerate(zip(labels, values, strict=True))
    ]
    d.add(legend)
    return d


def _bars(
    series: list[list[int]],
    names: list[str],
    cats: list[str],
    title: str,
    height: float = 170,
    stacked: bool = True,
    axis_label: Any = None,
) -> Drawing:
    d = Drawing(WIDTH, height)
    ch = VerticalBarChart()
    ch.x, ch.y, ch.width, ch.height = 35, 30, WIDTH - 50, height - 55
    ch.data = series if any(any(s) for s in series) else [[0] * len(cats)]
    ch.categoryAxis.categoryNames = cats
    ch.categoryAxis.labels.fontSize = 6
    ch.categoryAxis.labels.angle = 90 if len(cats) > 24 else 0
    ch.categoryAxis.labels.dy = -2
    ch.valueAxis.valueMin = 0
    ch.valueAxis.labels.fontSize = 7
    if axis_label is not None:
        ch.valueAxis.labelTextFormat = axis_label
    ch.categoryAxis.style = "stacked" if stacked else "parallel"
    ch.bars.strokeWidth = 0
    for i in range(len(series)):
        ch.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    d.add(ch)
    d.add(String(35, height - 12, title, fontSize=9, fontName="Helvetica-Bold"))
    if len(names) > 1:
        legend = Legend()
        legend.x, legend.y, legend.alignment = WIDTH - 150, height - 6, "right"
        legend.fontSize, legend.columnMaximum, legend.deltay = 7, 1, 8
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
        d.add(legend)
    return d


def _hbars(values: list[int], labels: list[str], axis_label: Any = None) -> Drawing:
    height = 16 * max(len(values), 1) + 30
    d = Drawing(WIDTH, height)
    ch = HorizontalBarChart()
    ch.x, ch.y, ch.width, ch.height = 150, 15, WIDTH - 170, height - 25
    ch.data = [list(reversed(values))] if values else [[0]]
    ch.categoryAxis.categoryNames = list(reversed(labels)) or [""]
    ch.categoryAxis.labels.fontSize = 7
    ch.valueAxis.valueMin = 0
    ch.valueAxis.labels.fontSize = 7
    if axis_label is not None:
        ch.valueAxis.labelTextFormat = axis_label
    ch.bars[0].fillColor = PALETTE[1]
    ch.bars.strokeWidth = 0
    ch.barLabelFormat = "%d"
    ch.barLabels.fontSize = 6
    ch.barLabels.nudge = 6
    d.add(ch)
    return d


def build_pdf(report: dict[str, Any], out: str | Path | IO[bytes], lang: str = "id") -> None:
    """Write the report as a PDF to a path or a binary file object."""
    tx = _Text(lang)
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontSize=16, spaceAfter=2)
    h2 = ParagraphStyle(
        "h2", parent=styles["Heading2"], fontSize=11.5, spaceBefore=10, spaceAfter=4, textColor=HEADER_BG
    )
    small = ParagraphStyle(
        "small", parent=styles["Normal"], fontSize=8.5, textColor=colors.HexColor("#444444")
    )
    per, calls, inc, refs = report["period"], report["calls"], report["incidents"], report["referrals"]
    story: list[Any] = [
        Paragraph(tx["title"], h1),
        Paragraph(
            f"<b>{report.get('region', '')}</b>", ParagraphStyle("c", parent=styles["Normal"], alignment=1)
        ),
        Paragraph(
            tx["period"].format(
                start=tx.day(per["from"]), end=tx.day(per["to"]), zone=zone_name(per.get("zone", ""))
            ),
            ParagraphStyle("c2", parent=small, alignment=1),
        ),
        Paragraph(
            tx["generated"].format(at=tx.moment(report.get("generated_at"), per.get("zone", ""))),
            ParagraphStyle("c3", parent=small, alignment=1),
        ),
        Spacer(1, 8),
        Paragraph(tx["summary"], h2),
    ]
    t = report["times"]
    summary = [
        [tx["indicator"], tx["value"]],
        [tx["calls_total"], tx.num(calls["total"])],
        [tx["emergency_calls"], tx.num(calls["by_outcome"].get("emergency", 0))],
        [tx["nuisance"], f"{tx.num(calls['nuisance'])} ({tx.pct(calls['nuisance_pct'])})"],
        [tx["additional"], tx.num(calls["additional_reports"])],
        [tx["incidents_total"], tx.num(inc["total"])],
        [tx["referrals_total"], tx.num(refs["total"])],
        [tx["answer_time"], tx.pair(t["answer"])],
        [tx["handling_time"], tx.pair(t["handling"])],
    ]
    story.append(_table(summary, [WIDTH * 0.6, WIDTH * 0.4]))
    # Calls by type (prank and ghost included), with the pie.
    outcomes = [(o, n) for o, n in calls["by_outcome"].items() if n or o != "open"]
    rows = [[tx["type"], tx["count"], tx["share"]]] + [
        [tx.outcome(o), tx.num(n), tx.pct(calls["share_pct"][o])] for o, n in outcomes
    ]
    story.append(
        KeepTogether(
            [
                Paragraph(tx["calls_by_type"], h2),
                _table(rows, [WIDTH * 0.5, WIDTH * 0.25, WIDTH * 0.25]),
                Spacer(1, 4),
                _pie([n for _, n in outcomes], [tx.outcome(o) for o, _ in outcomes]),
            ]
        )
    )
    # Calls per day and per hour: emergency vs the rest, stacked.
    days = calls["by_day"]
    if days:
        labels = [d["date"][8:10] + "/" + d["date"][5:7] for d in days]
        series = [[d["emergency"] for d in days], [d["total"] - d["emergency"] for d in days]]
        story.append(
            _bars(
                series, [tx["emergency"], tx["other_calls"]], labels, tx["calls_by_day"], axis_label=tx.axis
            )
        )
    hours = calls["by_hour"]
    story.append(
        _bars(
            [[h["emergency"] for h in hours], [h["total"] - h["emergency"] for h in hours]],
            [tx["emergency"], tx["other_calls"]],
            [f"{h['hour']:02d}" for h in hours],
            tx["calls_by_hour"],
            axis_label=tx.axis,
        )
    )
    # Incidents by category and kecamatan.
    cats = [(c, n) for c, n in sorted(inc["by_category"].items(), key=lambda kv: -kv[1]) if n]
    block: list[Any] = [Paragraph(tx["incidents_by_category"], h2)]
    if cats:
        block += [
            _table(
                [[tx["category"], tx["count"]]] + [[tx.category(c), str(n)] for c, n in cats],
                [WIDTH * 0.7, WIDTH * 0.3],
            ),
            Spacer(1, 4),
            _hbars([n for _, n in cats], [tx.category(c) for c, _ in cats], axis_label=tx.axis),
        ]
    else:
        block.append(Paragraph(tx["none"], small))
    story.append(KeepTogether(block))
    kec = inc["by_kecamatan"]
    block = [Paragraph(tx["incidents_by_kecamatan"], h2)]
    if kec:
        block.append(
            _table(
                [[tx["kecamatan"], tx["count"]]]
                + [[k["name"] or k["code"] or tx["unknown_kecamatan"], str(k["count"])] for k in kec],
                [WIDTH * 0.7, WIDTH * 0.3],
            )
        )
    else:
        block.append(Paragraph(tx["none"], small))
    story.append(KeepTogether(block))
    # Referrals per agency with their response intervals.
    block = [Paragraph(tx["referrals_by_agency"], h2)]
    if refs["by_agency"]:
        head = [
            tx["agency"],
            tx["referrals"],
            tx["acknowledged"],
            tx["on_scene"],
            tx["feedback"],
            tx["escalated"],
            tx["ack_time"],
            tx["arrive_time"],
        ]
        body = [
            [
                Paragraph(a["name"], small),
                a["referrals"],
                a["acknowledged"],
                a["on_scene"],
                a["feedback"],
                a["escalated"],
                tx.short_pair(a["ack"]),
                tx.short_pair(a["arrive"]),
            ]
            for a in refs["by_agency"]
        ]
        w = WIDTH
        tiny = ParagraphStyle("tiny", parent=small, fontSize=7, leading=8)
        head = [Paragraph(f"<font color='white'><b>{h}</b></font>", tiny) for h in head]
        # Wide enough that no single header word is split ("Dikonfirmasi", "Acknowledged").
        widths = [w * 0.17, w * 0.10, w * 0.13, w * 0.10, w * 0.10, w * 0.10, w * 0.15, w * 0.15]
        story_t = _table([head, *body], widths)
        block.append(story_t)
    else:
        block.append(Paragraph(tx["none"], small))
    story.append(KeepTogether(block))
    # Answer and handling times, overall and per operator.
    rows = [
        [tx["operator"], tx["calls_handled"], tx["answer"], tx["handling"]],
        [tx["all_operators"], str(t["answer"]["n"]), tx.pair(t["answer"]), tx.pair(t["handling"])],
    ]
    rows += [
        [o["operator"], str(o["calls"]), tx.pair(o["answer"]), tx.pair(o["handling"])]
        for o in report["operators"]
    ]
    story.append(
        KeepTogether(
            [
                Paragraph(tx["times"], h2),
                _table(rows, [WIDTH * 0.3, WIDTH * 0.16, WIDTH * 0.27, WIDTH * 0.27]),
            ]
        )
    )
    doc = SimpleDocTemplate(
        out if not isinstance(out, Path) else str(out),
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.6 * cm,
        title=tx["title"],
        author="Operator Desk",
    )
    doc.build(story)
