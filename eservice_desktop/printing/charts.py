"""One chart renderer for every face: a report's :class:`ChartSpec` becomes a reportlab
``Drawing`` that the PDF draws as it is and the GUI shows as SVG.

Why reportlab's own graphics and not a Qt chart: the PDF export must show the very chart the
supervisor saw on screen. Drawing both from one ``Drawing`` makes them identical by
construction (same scale, same labels, same colours), where QtCharts (PySide6-Addons, ~600 MB
installed, not in PySide6-Essentials) or pyqtgraph would be a second layout for the screen only.
The GUI turns the drawing into SVG with ``reportlab.graphics.renderSVG`` (pure Python) and shows
it with QtSvg, which PySide6-Essentials has.

Legibility and accessibility:

- colours are the Okabe–Ito palette (told apart with the common colour-vision deficiencies),
  and colour is never the only carrier: every bar, point and slice has its value written on it,
  lines differ by marker and dash as well, pie slices are named beside them;
- text uses one CJK TrueType face of the receipt fonts (``printing/fonts.py``), a Ming face
  (AR PL UMing TW, MingLiU) when there is one, since a calligraphic Kai face is hard to read at
  label sizes; the SVG names that face's real family so Qt draws with the same font (and the
  same widths reportlab placed the labels with). A character that face lacks is written as its
  code point (``[U+2B740]``) rather than drawn as an empty box;
- a chart with more categories than fit is cut to the largest ones and says so in its title;
  the table beside it always has every row.

The palette, markers and dashes are ``printing.chart_style`` (importable from here).

Nothing here imports reportlab at module level: it loads when a chart is first drawn (the
window's cold start never pays for it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eservice_desktop.domain.report_model import ChartSpec
from eservice_desktop.printing.chart_style import DASHES, MARKERS, PALETTE, _colour
from eservice_desktop.printing.chart_text import (
    MAX_CATEGORIES,
    chart_font,
    drawable,
    format_value,
    short_label,
    side_label,
    title_of,
)

__all__ = ["DASHES", "MARKERS", "PALETTE", "chart_drawing", "chart_svg"]

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing


#: Width of a chart on an A4 page between 14 mm margins, in points; the GUI scales it.
WIDTH = 515.0
HEIGHT = 250.0

#: An empty period, in both languages like the titles the reports give their charts: the
#: English reports page showed "（本期無資料）" alone under "Overdue open cases by department".
NO_DATA = "（本期無資料）No data for this period"

TITLE_SIZE = 11.0
LABEL_SIZE = 7.5
VALUE_SIZE = 7.5


def _limited(spec: ChartSpec) -> tuple[ChartSpec, bool]:
    """The spec cut to the :data:`MAX_CATEGORIES` largest categories (line charts keep their
    order: their categories are months)."""
    if len(spec.categories) <= MAX_CATEGORIES or spec.kind == "line":
        return spec, False
    totals = [
        sum(abs(v or 0.0) for _, values in spec.series for v in (values[i],))
        for i in range(len(spec.categories))
    ]
    keep = sorted(sorted(range(len(totals)), key=lambda i: -totals[i])[:MAX_CATEGORIES])
    cut = ChartSpec(
        kind=spec.kind,
        title=spec.title,
        categories=tuple(spec.categories[i] for i in keep),
        series=tuple((name, tuple(values[i] for i in keep)) for name, values in spec.series),
        unit=spec.unit,
    )
    return cut, True


def _empty(spec: ChartSpec) -> bool:
    """Nothing to draw: a line's 0.0 is a rate (all finished late), its None none; bars and
    pies of counts all zero are empty. A 0 % month said "no data" over a table showing 0.00."""
    line = spec.kind == "line"
    values = [v for _, vs in spec.series for v in vs]
    return not spec.categories or all(v is None if line else not v for v in values)


def chart_drawing(spec: ChartSpec, width: float = WIDTH, height: float = HEIGHT) -> Drawing:
    """The chart for ``spec`` as a reportlab Drawing ``width`` points wide (a horizontal bar
    chart with many categories grows taller than ``height``)."""
    from reportlab.graphics.shapes import Drawing, String

    font = chart_font().name
    spec, cut = _limited(spec)
    horizontal = spec.kind in ("bar", "stacked_bar") and _wants_horizontal(spec)
    if horizontal:
        # bars about 14 points thick whatever their number: a chart of two services is short
        rows = len(spec.categories) * (1 if spec.kind == "stacked_bar" else len(spec.series))
        lines = sum(side_label(c).count("\n") for c in spec.categories)  # names on 2-3 lines
        height = max(150.0, 70 + len(spec.categories) * 8 + rows * 16 + lines * LABEL_SIZE * 1.2)
    d = Drawing(width, height)
    d.add(
        String(
            width / 2,
            height - TITLE_SIZE - 2,
            drawable(title_of(spec, cut)),
            fontName=font,
            fontSize=TITLE_SIZE,
            textAnchor="middle",
        )
    )
    if _empty(spec):
        d.add(
            String(
                width / 2,
                height / 2,
                NO_DATA,
                fontName=font,
                fontSize=10,
                textAnchor="middle",
            )
        )
        return d
    legend_h = 22 if len(spec.series) > 1 and spec.kind != "pie" else 0
    top = height - TITLE_SIZE - 14
    if spec.kind == "pie":
        _pie(d, spec, font, width, top)
    elif spec.kind == "line":
        _line(d, spec, font=font, width=width, top=top, legend_h=legend_h)
    else:
        _bars(d, spec, font=font, width=width, top=top, legend_h=legend_h, horizontal=horizontal)
    if legend_h:
        _legend(d, spec, font, width)
    return d


def _wants_horizontal(spec: ChartSpec) -> bool:
    """Long names (services) read better down the side than slanted under the bars."""
    longest = max((len(c) for c in spec.categories), default=0)
    return longest > 8 or len(spec.categories) * max(1, len(spec.series)) > 16


def _fmt(unit: str, below: float = 0.0) -> Callable[[float], str]:
    """Value labels; a stacked segment too thin to hold its figure (``below``) goes without:
    its figure is in the table."""

    def fmt(v: float) -> str:
        if below and abs(v) < below:
            return ""
        return format_value(v, unit)

    return fmt


def _tick(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.1f}"


def _nice_step(top: float, whole: bool) -> float:
    """A tick step of 1, 2 or 5 times a power of ten giving about five ticks; counts never
    get fractional ticks."""
    if top <= 0:
        return 1.0
    raw = top / 5
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(step, 1.0) if whole else step


def _value_axis(axis: Any, spec: ChartSpec, font: str) -> None:
    values = [v or 0.0 for _, vs in spec.series for v in vs]
    if spec.kind == "stacked_bar":
        values = [sum((vs[i] or 0.0) for _, vs in spec.series) for i in range(len(spec.categories))]
    if min(values, default=0.0) >= 0:
        axis.valueMin = 0
    top = max(values, default=0.0)
    if spec.unit == "%" and top <= 100:
        axis.valueMax = 100
        axis.valueStep = 20
    else:
        step = _nice_step(top, whole=all(float(v).is_integer() for v in values))
        axis.valueStep = step
        axis.valueMax = (math.floor(top * 1.08 / step) + 1) * step
    axis.labels.fontName = font
    axis.labels.fontSize = LABEL_SIZE
    axis.labelTextFormat = _tick
    axis.visibleGrid = 1
    axis.gridStrokeColor = _colour("#D0D0D0")
    axis.gridStrokeWidth = 0.4


def _label(category: str, side: bool) -> str:
    """A category as the axis writes it: down the side on its lines (:func:`side_label`),
    under the bars on one."""
    return drawable(side_label(category) if side else short_label(category))


def _widest(spec: ChartSpec, font: str, side: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return max(
        float(stringWidth(line, font, LABEL_SIZE))
        for c in spec.categories
        for line in _label(c, side).split("\n")
    )


def _bottom(spec: ChartSpec, font: str, plot_width: float) -> tuple[bool, float]:
    """Whether the category labels must slant to fit under their slots, and the room below
    the axis they take."""
    widest = _widest(spec, font)
    slot = plot_width / max(1, len(spec.categories))
    if widest <= slot - 4:
        return False, 18.0
    return True, widest * 0.5 + LABEL_SIZE + 12  # sin 30° of the label, its height, a gap


def _categories(axis: Any, spec: ChartSpec, font: str, slanted: bool, side: bool = False) -> None:
    axis.categoryNames = [_label(c, side) for c in spec.categories]
    axis.labels.fontName = font
    axis.labels.fontSize = LABEL_SIZE
    if side:  # every line of a name against the axis
        axis.labels.textAnchor = "end"
    if slanted:
        axis.labels.angle = 30
        axis.labels.boxAnchor = "ne"
        axis.labels.dx = 4
        axis.labels.dy = -2


def _bars(
    d: Drawing,
    spec: ChartSpec,
    *,
    font: str,
    width: float,
    top: float,
    legend_h: float,
    horizontal: bool,
) -> None:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart

    stacked = spec.kind == "stacked_bar"
    chart: Any = HorizontalBarChart() if horizontal else VerticalBarChart()
    if horizontal:
        left = 12 + _widest(spec, font, side=True)
        chart.x, chart.y = left, 20 + legend_h
        chart.width, chart.height = width - left - 30, top - chart.y - 4
        chart.categoryAxis.reverseDirection = 1  # first category at the top, as in the table
        _categories(chart.categoryAxis, spec, font, slanted=False, side=True)
    else:
        slanted, bottom = _bottom(spec, font, width - 60)
        chart.x, chart.y = 46, bottom + legend_h
        chart.width, chart.height = width - 60, top - chart.y - 6
        _categories(chart.categoryAxis, spec, font, slanted)
    chart.data = [[v or 0.0 for v in values] for _, values in spec.series]
    _value_axis(chart.valueAxis, spec, font)
    for i in range(len(spec.series)):
        chart.bars[i].fillColor = _colour(PALETTE[i % len(PALETTE)])
        chart.bars[i].strokeColor = _colour("#FFFFFF") if stacked else None
        chart.bars[i].strokeWidth = 0.5
    chart.barLabelFormat = _fmt(
        spec.unit,
        below=_thin(spec, chart.width if horizontal else chart.height) if stacked else 0.0,
    )
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = VALUE_SIZE
    if stacked:
        chart.categoryAxis.style = "stacked"
        chart.barLabels.boxTarget = "mid"
        chart.barLabels.fillColor = _colour("#000000")
        chart.barLabels.boxFillColor = _colour("#FFFFFF")
        chart.barLabels.leftPadding = chart.barLabels.rightPadding = 2
        chart.barLabels.topPadding = chart.barLabels.bottomPadding = 1
    elif horizontal:
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
    else:
        chart.barLabels.boxAnchor = "s"
        chart.barLabels.dy = 1
    chart.barSpacing = 1
    chart.groupSpacing = 6
    d.add(chart)


def _thin(spec: ChartSpec, length: float) -> float:
    """The smallest stacked segment whose figure fits inside it (14 points of a bar drawn
    ``length`` points long at the axis maximum)."""
    top = max(sum((vs[i] or 0.0) for _, vs in spec.series) for i in range(len(spec.categories)))
    return max(top * 1.12 * 14 / max(length, 1.0), 1e-9)


def _line(
    d: Drawing, spec: ChartSpec, *, font: str, width: float, top: float, legend_h: float
) -> None:
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.widgets.markers import makeMarker

    chart: Any = HorizontalLineChart()
    slanted, bottom = _bottom(spec, font, width - 64)
    chart.x, chart.y = 46, bottom + legend_h
    chart.width, chart.height = width - 64, top - chart.y - 8
    runs = spec.runs()  # a gap where a series has no value (a line over it drew one)
    chart.data = [values for _, values in runs]
    _categories(chart.categoryAxis, spec, font, slanted)
    chart.categoryAxis.joinAxisMode = "bottom"
    _value_axis(chart.valueAxis, spec, font)
    for j, (i, _) in enumerate(runs):  # a series' runs alike: its colour, marker and dash
        line = chart.lines[j]
        line.strokeColor = _colour(PALETTE[i % len(PALETTE)])
        line.strokeWidth = 1.6
        line.symbol = makeMarker(MARKERS[i % len(MARKERS)], size=4.5)
        line.symbol.fillColor = line.strokeColor
        line.symbol.strokeColor = line.strokeColor
        dash = DASHES[i % len(DASHES)]
        if dash:
            line.strokeDashArray = dash
    # the figures by point drawn: reportlab labels the n-th point drawn with the n-th value
    fmt = _fmt(spec.unit)
    chart.lineLabelFormat = "values"
    chart.lineLabelArray = [[fmt(v) for v in values if v is not None] for _, values in runs]
    chart.lineLabels.fontName = font
    chart.lineLabels.fontSize = VALUE_SIZE
    chart.lineLabels.boxAnchor = "s"
    chart.lineLabels.dy = 2
    chart.lineLabelNudge = 2  # reportlab puts the figure 10 points above its point
    d.add(chart)


def _pie(d: Drawing, spec: ChartSpec, font: str, width: float, top: float) -> None:
    from reportlab.graphics.charts.piecharts import Pie

    values = spec.series[0][1]
    shown = [(c, v) for c, v in zip(spec.categories, values, strict=True) if v and v > 0]
    total = sum(v for _, v in shown)
    pie: Any = Pie()
    size = min(top - 30, width * 0.42)
    pie.x, pie.y = (width - size) / 2, (top - size) / 2 + 4
    pie.width = pie.height = size
    pie.data = [v for _, v in shown]
    pie.labels = [
        drawable(f"{short_label(c)} {format_value(v, spec.unit)}（{v / total * 100:.1f}%）")
        for c, v in shown
    ]
    pie.sideLabels = 1
    pie.simpleLabels = 0
    pie.slices.fontName = font
    pie.slices.fontSize = LABEL_SIZE
    pie.slices.strokeColor = _colour("#FFFFFF")
    pie.slices.strokeWidth = 0.8
    pie.slices.label_pointer_strokeColor = _colour("#606060")
    for i in range(len(shown)):
        pie.slices[i].fillColor = _colour(PALETTE[i % len(PALETTE)])
    d.add(pie)


def _legend(d: Drawing, spec: ChartSpec, font: str, width: float) -> None:
    from reportlab.graphics.charts.legends import Legend, LineLegend

    legend: Any = LineLegend() if spec.kind == "line" else Legend()
    legend.colorNamePairs = [
        (_colour(PALETTE[i % len(PALETTE)]), drawable(short_label(name, 20)))
        for i, (name, _) in enumerate(spec.series)
    ]
    legend.fontName = font
    legend.fontSize = LABEL_SIZE
    legend.columnMaximum = 1  # one entry per column: a single row under the chart
    legend.alignment = "right"
    legend.boxAnchor = "s"
    legend.x, legend.y = width / 2, 0
    legend.dx = legend.dy = 8
    legend.deltax = max(60, 12 + max(len(n) for n, _ in spec.series) * LABEL_SIZE)
    legend.autoXPadding = 10
    d.add(legend)


def chart_svg(spec: ChartSpec, width: float = WIDTH, height: float = HEIGHT) -> str:
    """The chart as SVG text for the screen: the same Drawing the PDF draws, its text in the
    chart face's real family name (Qt looks fonts up by family)."""
    from reportlab.graphics import renderSVG

    font = chart_font()
    drawing = chart_drawing(spec, width, height)
    # useClip: the page clip as an attribute; QtSvg (SVG Tiny) would paint a <clipPath>'s
    # rectangle as a black box.
    svg = str(
        renderSVG.drawToString(
            drawing, useClip=True, fontHacks={font.name: {"family": font.family}}
        )
    )
    # renderSVG writes Python's None for "no fill" (a polyline); SVG's keyword is lower case,
    # and QtSvg fills the line's area black on "None".
    return svg.replace(": None;", ": none;")
