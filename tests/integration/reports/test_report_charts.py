"""The chart renderer (``printing/charts.py``): every chart kind draws its title, its categories
and every value as text; colours stay apart for colour-blind readers; what does not fit is cut
and said; the SVG the screen shows is the Drawing the PDF draws. Real fonts, real reportlab."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest

from eservice_desktop.domain.report_model import ChartSpec
from eservice_desktop.printing import charts
from eservice_desktop.printing.chart_text import (
    MAX_CATEGORIES,
    chart_font,
    describe,
    format_cell,
    format_value,
)
from eservice_desktop.printing.charts import PALETTE, chart_drawing, chart_svg

SVG = "{http://www.w3.org/2000/svg}"

RATES = ChartSpec(
    "line",
    "準時結案率",
    ("2026-01", "2026-02", "2026-03"),
    (("戶籍課", (95.0, 92.5, 97.1)), ("地籍課", (88.0, 90.0, 85.5))),
    "%",
)
OVERDUE = ChartSpec(
    "bar", "逾期案件（依課別）", ("戶籍課", "地籍課"), (("逾期", (3.0, 7.0)),), "件"
)
CHANNELS = ChartSpec(
    "stacked_bar",
    "各服務案件數（依管道）",
    ("短期補習班立案申請", "申請管制編號", "戶籍謄本"),
    (("臨櫃", (10.0, 20.0, 300.0)), ("線上", (5.0, 0.0, 120.0))),
    "件",
)
SHARE = ChartSpec(
    "pie", "管道占比", ("臨櫃", "線上", "郵寄"), (("件數", (420.0, 207.0, 12.0)),), "件"
)


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg.encode()).iter(SVG + "text")]


def fills(svg: str) -> set[str]:
    """Fill colours of the shapes (not the text) as #rrggbb."""
    out = set()
    for el in ET.fromstring(svg.encode()).iter():
        if el.tag in (SVG + "rect", SVG + "path", SVG + "circle", SVG + "polygon"):
            style = el.get("style", "")
            for part in style.split(";"):
                key, _, value = part.partition(":")
                if key.strip() == "fill" and value.strip().startswith("rgb("):
                    nums = value.strip()[4:-1].split(",")
                    rgb = [round(float(n.strip().rstrip("%")) * 2.55) for n in nums]
                    out.add("#{:02X}{:02X}{:02X}".format(*rgb))
    return out


def close(hex_a: str, hex_b: str) -> bool:
    """renderSVG writes colours as whole percentages: equal within rounding."""
    a = [int(hex_a[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(hex_b[i : i + 2], 16) for i in (1, 3, 5)]
    return all(abs(x - y) <= 3 for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize(
    ("spec", "labels"),
    [
        (RATES, ["95.0", "92.5", "97.1", "88.0", "90.0", "85.5", "戶籍課", "地籍課", "115/02"]),
        (OVERDUE, ["3", "7", "戶籍課", "地籍課"]),
        (CHANNELS, ["300", "120", "20", "臨櫃", "線上", "短期補習班立案申請", "戶籍謄本"]),
        (SHARE, ["臨櫃 420（65.7%）", "線上 207（32.4%）", "郵寄 12（1.9%）"]),
    ],
    ids=["line", "bar", "stacked", "pie"],
)
def test_every_kind_writes_title_categories_and_values(spec: ChartSpec, labels: list[str]) -> None:
    shown = texts(chart_svg(spec))
    assert f"{spec.title}（單位：{spec.unit}）" in shown
    for label in labels:
        assert label in shown, (label, shown)


def test_series_get_distinct_palette_colours_and_lines_distinct_markers() -> None:
    bar = ChartSpec(
        "bar", "三課", ("一月", "二月"), tuple((f"課{i}", (1.0 + i, 2.0)) for i in range(3)), "件"
    )
    used = fills(chart_svg(bar))
    for colour in PALETTE[:3]:
        assert any(close(colour, f) for f in used), (colour, used)
    assert not any(close(PALETTE[3], f) for f in used)  # a fourth colour only for a fourth series
    lines = chart_drawing(RATES).contents
    chart = next(c for c in lines if type(c).__name__ == "HorizontalLineChart")
    assert chart.lines[0].symbol.kind != chart.lines[1].symbol.kind
    assert getattr(chart.lines[1], "strokeDashArray", None) == charts.DASHES[1]
    assert charts.DASHES[0] is None  # the first series solid, the second dashed


#: Machado, Oliveira & Fernandes (2009) simulation matrices at full severity (linear RGB).
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}  # fmt: skip


def _lab(hex_colour: str, matrix: tuple[tuple[float, ...], ...] | None) -> tuple[float, ...]:
    def lin(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    rgb = [lin(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5)]
    if matrix:
        rgb = [
            max(0.0, min(1.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix
        ]
    x = 0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = 0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


@pytest.mark.parametrize("vision", [None, *CVD])
def test_the_first_seven_colours_stay_apart_for_colour_blind_readers(vision: str | None) -> None:
    """CIE76 ΔE ≥ 15 between any two of the colours a chart with up to seven series uses, also
    as seen with each full dichromacy (a ΔE of 2 is a just-noticeable difference)."""
    matrix = CVD[vision] if vision else None
    labs = [_lab(c, matrix) for c in PALETTE[:7]]
    worst = min(math.dist(a, b) for a, b in itertools.combinations(labs, 2))
    assert worst >= 15, (vision, worst)


def test_an_empty_period_says_so() -> None:
    empty = ChartSpec("bar", "逾期案件 Overdue", ("戶籍課",), (("逾期", (0.0,)),), "件")
    assert "（本期無資料）No data for this period" in texts(chart_svg(empty))  # as its title
    nothing = ChartSpec("pie", "管道占比", (), (("件數", ()),), "件")
    assert "（本期無資料）No data for this period" in texts(chart_svg(nothing))


def test_a_rate_of_zero_is_drawn_not_said_to_be_no_data() -> None:
    """A month whose finished cases were all late has an on-time rate of 0 %: a point at
    0.0 % with its figure, never "no data" over a table that shows 0.00; a month with nothing
    finished (None) has no point, and only a chart of nothing but those is empty."""
    late = ChartSpec(
        "line", "每月依限辦結率 On-time rate by month", ("116/01", "116/02"),
        (("依限辦結率 On-time rate", (0.0, None)),), "%",
    )  # fmt: skip
    shown = texts(chart_svg(late))
    assert "（本期無資料）No data for this period" not in shown
    assert "0.0" in shown and "116/01" in shown
    nothing = ChartSpec("line", "每月依限辦結率", ("116/01",), (("依限辦結率", (None,)),), "%")
    assert "（本期無資料）No data for this period" in texts(chart_svg(nothing))


def test_too_many_categories_keep_the_largest_and_say_the_rest_is_in_the_table() -> None:
    n = MAX_CATEGORIES + 6
    spec = ChartSpec(
        "bar", "各服務案件數", tuple(f"服務{i:02d}" for i in range(n)),
        (("件數", tuple(float(i) for i in range(n))),), "件",
    )  # fmt: skip
    shown = texts(chart_svg(spec))
    assert f"各服務案件數（單位：件）（前 {MAX_CATEGORIES} 項，其餘見表）" in shown
    assert f"服務{n - 1:02d}" in shown and "服務06" in shown
    assert "服務05" not in shown and "服務00" not in shown  # the six smallest are left out


def test_a_character_the_chart_face_lacks_is_written_as_its_code_point() -> None:
    # 𰻞 (U+30EDE, Ext-G): only BabelStone Han has it, not the Ming face charts use.
    assert chart_font().name == "UMingTW"
    spec = ChartSpec("bar", "承辦人", ("林\U00030ede",), (("件", (2.0,)),), "件")
    assert "林[U+30EDE]" in texts(chart_svg(spec))


def test_the_svg_names_the_real_family_of_the_face_reportlab_measured_with() -> None:
    svg = chart_svg(OVERDUE)
    families = {
        part.split(":", 1)[1].strip()
        for el in ET.fromstring(svg.encode()).iter(SVG + "text")
        for part in el.get("style", "").split(";")
        if part.strip().startswith("font-family")
    }
    assert families == {chart_font().family} == {"AR PL UMing TW"}
    # QtSvg (SVG Tiny) paints a <clipPath> rectangle black and "fill: None" as black.
    assert "<clipPath" not in svg and "None;" not in svg


def test_value_and_cell_formats() -> None:
    assert [format_value(v, "%") for v in (95.0, 92.46, 100.0)] == ["95.0", "92.5", "100.0"]
    assert [format_value(v, "NTD") for v in (1234567.0, 2.5, None)] == ["1,234,567", "2.5", ""]
    assert [format_cell(c) for c in (1234, 95.0, 92.46, 0.125, None, "戶籍課")] == [
        "1,234", "95.00", "92.46", "0.12", "", "戶籍課",
    ]  # fmt: skip
    # days and times as the counter shows them: Taipei, ROC year; anything else as it is
    assert [
        format_cell(c)
        for c in ("2026-03-10", "2026-12-31T16:30+00:00", "2026-12-31T23:59+08:00", "2026-13-01")
    ] == ["115/03/10", "116/01/01 00:30", "115/12/31 23:59", "2026-13-01"]
    assert format_cell("H01-01-115-000001-3") == "H01-01-115-000001-3"


def test_the_description_reads_every_figure() -> None:
    text = describe(RATES)
    assert text.startswith("準時結案率（單位：%）。")
    assert "戶籍課：2026-01 95.0%、2026-02 92.5%、2026-03 97.1%" in text
    assert "地籍課：2026-01 88.0%" in text


def test_reportlab_is_not_loaded_by_importing_the_renderer() -> None:
    import subprocess
    import sys

    code = (
        "import sys, eservice_desktop.printing.charts, eservice_desktop.printing.report_pdf;"
        "print(any(m.startswith('reportlab') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert charts.WIDTH > 0


def test_counts_get_whole_ticks_and_a_rate_axis_runs_to_100() -> None:
    one = ChartSpec("bar", "逾期", ("戶籍課", "地籍課"), (("逾期", (0.0, 1.0)),), "件")
    shown = texts(chart_svg(one))
    assert not [t for t in shown if re.fullmatch(r"\d+\.\d+", t)], shown  # no 0.2, 0.4 ...
    assert {"0", "1", "2"} <= set(shown)
    rates = texts(chart_svg(RATES))
    assert {"0", "20", "40", "60", "80", "100"} <= set(rates)


def test_the_county_page_shows_the_same_charts_inline_before_the_tables() -> None:
    from datetime import date

    from eservice_desktop.county.reports import report_html
    from eservice_desktop.domain.report_model import Report, ReportTable

    table = ReportTable("各管道", ("管道", "件數"), (("臨櫃", 420), ("線上", 207), ("郵寄", 12)))
    r = Report("usage", "使用量", date(2026, 3, 1), date(2026, 3, 31), "*", (table,), (SHARE,))
    page = report_html(r)
    assert page.count("<svg") == 1 and "<?xml" not in page
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    assert texts(svg) == texts(chart_svg(SHARE))  # the office's chart, figure for figure
    assert page.index("</svg>") < page.index("<table")


def test_a_bilingual_department_down_the_side_is_written_whole_on_its_lines() -> None:
    """Cut to 12 characters the departments read 「教育處 Departm…」 and 「地政事務所 Land …」
    on the on-time chart (reports page and PDF); each is its Chinese line and its English
    wrapped under it, the lines against the axis."""
    departments = (
        "教育處 Department of Education",
        "城鄉發展處 Department of Urban and Rural Development",
        "地政事務所 Land Registration Offices",
    )
    spec = ChartSpec("bar", "各單位逾期未結", departments, (("逾期未結", (1.0, 3.0, 1.0)),), "件")
    shown = texts(chart_svg(spec))
    for line in ("教育處", "Department of Education", "城鄉發展處", "Department of Urban and",
                 "Rural Development", "地政事務所", "Land Registration", "Offices"):  # fmt: skip
        assert line in shown, (line, shown)
    assert not [t for t in shown if t.endswith("…")], shown
    # a name of another kind is cut as before; English past two lines ends in …
    long = "環保局 " + " ".join(["Environmental"] * 6)
    assert charts.side_label(long).split("\n")[-1].endswith("…")
    assert charts.side_label("短期補習班立案申請及其他長名稱") == "短期補習班立案申請及其…"


def test_the_county_page_dates_with_the_roc_year() -> None:
    """The county's page said ``2026-03-01 ~ 2026-03-31`` and listed months and due dates as
    ``2026-03`` and ``2026-03-10`` where the office's page and PDF show ``115/03``."""
    from datetime import date

    from eservice_desktop.county.reports import report_html
    from eservice_desktop.domain.report_model import Report, ReportTable

    months = ReportTable("每月", ("月份", "期限", "件數"), (("2026-03", "2026-03-10", 420),))
    r = Report("usage", "使用量", date(2026, 3, 1), date(2026, 3, 31), "*", (months,), ())
    page = report_html(r)
    assert "115/03/01 ~ 115/03/31" in page
    assert "<td>115/03</td><td>115/03/10</td>" in page and "2026-03" not in page


def test_the_county_page_names_its_totals_and_sets_figures_as_the_office_does() -> None:
    """The county's page listed its totals by the program's keys (``rate_pct: 33.3``,
    ``ntd: 663592``) and its cells as Python prints them (33.3, 1234), where the office's
    exports name each total (依限辦結率% Rate) and its page and PDF show 33.30 and 1,234: an
    auditor holding the office's PDF beside the county's page read two sets of figures."""
    from datetime import date

    from eservice_desktop.county.reports import report_html
    from eservice_desktop.domain.report_model import Report, ReportTable

    table = ReportTable("各單位", ("單位", "收件", "依限辦結率%"), (("戶政事務所", 1234, 33.3),))
    totals = {"received": 1234, "rate_pct": 33.3}
    r = Report("on-time", "依限辦結", date(2026, 3, 1), date(2026, 3, 31), "*", (table,), (),
               totals)  # fmt: skip
    page = report_html(r)
    assert "<li>收件 Received：1,234</li>" in page
    assert "<li>依限辦結率% Rate：33.30</li>" in page
    assert "rate_pct" not in page and "received:" not in page
    assert "<td>戶政事務所</td><td class='n'>1,234</td><td class='n'>33.30</td>" in page
