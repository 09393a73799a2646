"""The PDF of a supervisor report (on time, usage, savings, targets) on A4.

Layout: the report's title, the office and the period in ROC dates, then each chart followed
by its table (chart *i* goes with table *i*; tables beyond the charts follow on their own).
Charts are the very reportlab Drawings the GUI shows as SVG (``printing/charts.py``), so paper
and screen agree. Tables are platypus tables: they split over pages and repeat their header
row on every page. Each cell is a paragraph whose text is cut into runs by the CJK font chain
(``printing/fonts.py``), so a rare character in a clerk's or an applicant's name falls back to
the face that has it instead of printing as a box. Text is real text: ``pdftotext`` and PDFium
read it back (the tests do).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from eservice_desktop.domain.report_model import Report, ReportTable
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.printing.chart_text import chart_font, format_cell, is_number
from eservice_desktop.printing.charts import NO_DATA, WIDTH, chart_drawing
from eservice_desktop.printing.fonts import FontChain, font_chain

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

#: reportlab's millimetre, spelled out so importing this module does not load reportlab.
mm = 72.0 / 25.4
MARGIN = 14 * mm
BODY_SIZE = 8.5
#: No column narrower than this, none wider than this share of the page (points).
MIN_COL = 11 * mm
MAX_COL_SHARE = 0.45


@dataclass(frozen=True)
class ReportHeading:
    """What the first lines say besides the report itself: the office's name (the report
    carries its code) and when it was printed (the caller's clock: printing has none)."""

    office_name: str = ""
    printed: str = ""


@functools.cache
def report_chain() -> FontChain:
    """The receipt fonts with the chart face first, so the tables read like the charts."""
    chain = font_chain()
    first = chart_font().name
    faces = sorted(chain.faces, key=lambda f: f.name != first)
    return FontChain(faces)


def markup(text: str) -> str:
    """Paragraph markup for ``text``: one ``<font>`` run per face of the chain."""
    return "".join(
        f'<font name="{name}">{escape(run)}</font>' for name, run in report_chain().runs(text)
    )


def period_text(report: Report) -> str:
    start, end = format_roc(report.period_from), format_roc(report.period_to)
    return start if start == end else f"{start}至{end}"


def office_text(report: Report, office_name: str = "") -> str:
    if report.office == "*":
        return "全縣各所"
    return f"{office_name}（{report.office}）" if office_name else report.office


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font = report_chain().primary
    base = ParagraphStyle("body", fontName=font, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3)
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=16, leading=22, alignment=TA_CENTER, spaceAfter=4
        ),
        "meta": ParagraphStyle("meta", parent=base, fontSize=10, leading=14),
        "table_title": ParagraphStyle(
            "table_title", parent=base, fontSize=11, leading=15, spaceBefore=6, spaceAfter=3
        ),
        "cell": base,
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, alignment=TA_CENTER),
    }


#: The smallest type a wide table shrinks to (points).
MIN_SIZE = 6.5
#: Cell padding, left and right together (platypus' default 6 points each side is 12).
PADDING = 8
#: A word measured to fit exactly may still wrap (rounding in the layout): this much to spare.
SLACK = 1.5


def column_widths(
    table: ReportTable, texts: list[list[str]], avail: float
) -> tuple[list[float], float]:
    """Column widths filling ``avail`` and the type size to set the table in.

    No column is narrower than its longest word (a heading wraps between its Chinese and its
    English, never inside "Received"), its widest figure or its longest code or case number.
    Columns get up to their widest cell when the page allows, what is left in proportion. A
    table whose words alone are wider than the page is set smaller (down to
    :data:`MIN_SIZE`)."""
    chain = report_chain()

    def width(text: str) -> float:
        return chain.width(text, BODY_SIZE)

    least, natural = [], []
    for i, heading in enumerate(table.columns):
        cells = [row[i] for row in texts]
        numbers = [t for t, row in zip(cells, table.rows, strict=True) if is_number(row[i])]
        # words that must not break: the heading's, figures, Latin codes and case numbers
        # (Chinese wraps between any two characters)
        words = heading.split() + numbers + [t for c in cells for t in c.split() if t.isascii()]
        low = max([width(w) for w in words] + [0.0])
        low = max(low + PADDING + SLACK, MIN_COL)
        widest = max([width(heading)] + [width(c) for c in cells]) + PADDING
        least.append(low)
        natural.append(max(low, min(widest, avail * MAX_COL_SHARE)))
    if sum(natural) <= avail:
        return [w * avail / sum(natural) for w in natural], BODY_SIZE
    if sum(least) <= avail:
        spare = avail - sum(least)
        give = [n - low for n, low in zip(natural, least, strict=True)]
        return [low + spare * g / sum(give) for low, g in zip(least, give, strict=True)], BODY_SIZE
    # set smaller: the words shrink with the type, the padding does not
    glyphs = [max(w - PADDING - SLACK, 1.0) for w in least]
    size = BODY_SIZE * (avail - (PADDING + SLACK) * len(glyphs)) / sum(glyphs)
    size = max(MIN_SIZE, min(BODY_SIZE, size))
    widths = [w * size / BODY_SIZE + PADDING + SLACK for w in glyphs]
    return [w * avail / sum(widths) for w in widths], size


def table_flowable(table: ReportTable, styles: dict[str, Any], avail: float) -> Flowable:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    texts = [[format_cell(c) for c in row] for row in table.rows]
    numeric = [
        bool(table.rows) and all(is_number(r[i]) or r[i] is None for r in table.rows)
        for i in range(len(table.columns))
    ]
    widths, size = column_widths(table, texts, avail)
    if size != BODY_SIZE:
        styles = {
            k: ParagraphStyle(f"{k}_small", parent=v, fontSize=size, leading=size * 1.3)
            for k, v in styles.items()
        }
    head = [Paragraph(markup(c), styles["head"]) for c in table.columns]
    body = [
        [
            Paragraph(markup(text), styles["number" if numeric[i] else "cell"])
            for i, text in enumerate(row)
        ]
        for row in texts
    ]
    if not body:
        # both languages, as the report's titles and its charts say it
        body = [[Paragraph(markup(NO_DATA), styles["cell"])] + [""] * (len(head) - 1)]
    grid = Table([head, *body], colWidths=widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#808080")),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#E8E8E8")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING / 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING / 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if not table.rows:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    grid.setStyle(TableStyle(commands))
    return grid


def report_story(report: Report, heading: ReportHeading | None = None) -> list[Flowable]:
    from reportlab.platypus import CondPageBreak, Paragraph, Spacer

    heading = heading or ReportHeading()
    styles = _styles()
    avail = WIDTH
    story: list[Flowable] = [
        Paragraph(markup(report.title), styles["title"]),
        Paragraph(markup(f"機關：{office_text(report, heading.office_name)}"), styles["meta"]),
        Paragraph(markup(f"期間：{period_text(report)}"), styles["meta"]),
    ]
    if heading.printed:
        story.append(Paragraph(markup(f"列印時間：{heading.printed}"), styles["meta"]))
    story.append(Spacer(1, 4 * mm))
    for i in range(max(len(report.charts), len(report.tables))):
        if i < len(report.charts):
            story.append(chart_drawing(report.charts[i], avail))
            story.append(Spacer(1, 3 * mm))
        if i < len(report.tables):
            table = report.tables[i]
            # A title with room for a few rows under it, or a new page: never a title alone
            # at the foot of a page (keepWithNext would push a long table to the next page).
            story += [
                CondPageBreak(30 * mm),
                Paragraph(markup(table.title), styles["table_title"]),
                table_flowable(table, styles, avail),
                Spacer(1, 5 * mm),
            ]
    return story


def report_pdf(report: Report, heading: ReportHeading | None = None) -> bytes:
    """The report as PDF bytes (A4 portrait)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    heading = heading or ReportHeading()
    chain = report_chain()
    footer = f"{report.title}　{period_text(report)}"

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        chain.draw(canvas, MARGIN, MARGIN / 2, footer, 7.5)
        chain.draw_right(canvas, A4[0] - MARGIN, MARGIN / 2, f"第 {doc.page} 頁", 7.5)
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=report.title,
        author=office_text(report, heading.office_name),
        creator="eservice-desktop",
        initialFontName=chain.primary,
    )
    doc.build(report_story(report, heading), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def write_report_pdf(report: Report, path: Path, heading: ReportHeading | None = None) -> Path:
    """Writes the report's PDF to ``path`` (the whole file at once: no half-written PDF)."""
    data = report_pdf(report, heading)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
