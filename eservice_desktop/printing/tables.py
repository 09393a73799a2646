"""A plain tabular report on A4 (closing, reconciliation): titles, sections, tables, paging.

Drawn line by line with the CJK font chain (per-character fallback), because reportlab's
platypus tables take one font per cell and would turn a rare character into a box. A cell
longer than its column is set smaller, then wrapped (:func:`fit_cell`), never cut.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eservice_desktop.printing.fonts import FontChain, font_chain

if TYPE_CHECKING:
    from reportlab.pdfgen import canvas as pdfcanvas

#: reportlab's millimetre (``reportlab.lib.units.mm``), spelled out so that importing this module
#: does not load reportlab: it loads when a document is first rendered (a cold-start cost).
mm = 72.0 / 2.54 * 0.1


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: str = "left"  # left | right | centre


@dataclass
class Section:
    title: str
    columns: Sequence[Column]
    rows: list[list[str]] = field(default_factory=list)
    footer: list[str] | None = None
    note: str = ""


@dataclass
class Report:
    title: str
    subtitle_lines: list[str]
    sections: list[Section]
    landscape: bool = False
    signature_line: str = ""


class _Pager:
    def __init__(
        self, c: pdfcanvas.Canvas, chain: FontChain, size: tuple[float, float], title: str
    ) -> None:
        self.c, self.chain, self.size, self.title = c, chain, size, title
        self.margin = 14 * mm
        self.page = 1
        self.y = size[1] - self.margin
        #: The columns of the table being printed: a page it runs onto starts with its heads.
        self.columns: Sequence[Column] = ()

    def need(self, h: float) -> None:
        if self.y - h < self.margin + 8 * mm:
            self.footer()
            self.c.showPage()
            self.page += 1
            self.y = self.size[1] - self.margin
            self.text(f"{self.title}（續）", 9)
            if self.columns:  # rows under no heads: which section's (無), which column's 15?
                self.heads(self.columns)

    def section(self, section: Section) -> None:
        """A section's title and column heads, kept on one page with its first row: the
        closing's 退費 heads sat alone at a page's foot, its （無） overleaf under no heads."""
        self.columns = ()
        self.need(11.5 * 1.6 + 9 * 1.7 + 3 + 9 * 1.7)
        self.y -= 4
        self.text(section.title, 11.5)
        self.heads(section.columns)
        self.columns = section.columns

    def heads(self, columns: Sequence[Column]) -> None:
        self.row([col.title for col in columns], columns, 9, bold_rule=True)

    def footer(self) -> None:
        self.chain.draw_centred(self.c, self.size[0] / 2, self.margin / 2, f"第 {self.page} 頁", 8)

    def text(self, text: str, size: float, align: str = "left") -> None:
        self.need(size * 1.6)
        self.y -= size * 1.5
        if align == "centre":
            self.chain.draw_centred(self.c, self.size[0] / 2, self.y, text, size)
        else:
            self.chain.draw(self.c, self.margin, self.y, text, size)

    def row(
        self, cells: Sequence[str], columns: Sequence[Column], size: float, bold_rule: bool = False
    ) -> None:
        """One row; a cell too long for its column is set smaller, then wrapped onto more
        lines (the row grows), never cut: a cut took the end of a transaction id, of a void
        mark or of a reason off the paper a supervisor signs."""
        fitted = [
            fit_cell(self.chain, text, col.width_mm * mm - 2, size)
            for text, col in zip(cells, columns, strict=False)
        ]
        step = size * 1.2
        extra = max((len(lines) - 1 for lines, _ in fitted), default=0) * step
        self.need(size * 1.7 + extra)
        self.y -= size * 1.55
        x = self.margin
        for (lines, cell_size), col in zip(fitted, columns, strict=False):
            w = col.width_mm * mm
            for i, shown in enumerate(lines):
                y = self.y - i * step
                if col.align == "right":
                    self.chain.draw_right(self.c, x + w - 2, y, shown, cell_size)
                elif col.align == "centre":
                    self.chain.draw_centred(self.c, x + w / 2, y, shown, cell_size)
                else:
                    self.chain.draw(self.c, x + 1, y, shown, cell_size)
            x += w
        self.y -= extra
        if bold_rule:
            self.c.setLineWidth(0.6)
            self.c.line(self.margin, self.y - 3, x, self.y - 3)
            self.y -= 3


#: The smallest type a cell too long for its column is set in before it wraps (points).
MIN_CELL_SIZE = 6.5


def fit_cell(chain: FontChain, text: str, width: float, size: float) -> tuple[list[str], float]:
    """The lines of a cell and their type size: the text whole at ``size`` when it fits
    ``width``; else smaller, down to :data:`MIN_CELL_SIZE`; else wrapped at that size."""
    full = chain.width(text, size)
    if full <= width:
        return [text], size
    smaller = max(MIN_CELL_SIZE, math.floor(size * width / full * 10) / 10)
    if chain.width(text, smaller) <= width:
        return [text], smaller
    return chain.wrap(text, MIN_CELL_SIZE, width) or [text], MIN_CELL_SIZE


def render_report(report: Report) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas as pdfcanvas

    chain = font_chain()
    size = landscape(A4) if report.landscape else A4
    buf = io.BytesIO()
    c = pdfcanvas.Canvas(buf, pagesize=size, pageCompression=1, initialFontName=chain.primary)
    c.setTitle(report.title)
    c.setCreator("eservice-desktop")
    p = _Pager(c, chain, size, report.title)
    p.text(report.title, 15, "centre")
    for line in report.subtitle_lines:
        p.text(line, 9.5)
    for section in report.sections:
        p.section(section)
        for r in section.rows:
            p.row(r, section.columns, 9)
        if not section.rows:
            p.row(["（無）"], section.columns, 9)
        if section.footer:
            p.row(section.footer, section.columns, 9, bold_rule=False)
        p.columns = ()
        if section.note:
            p.text(section.note, 8.5)
    if report.signature_line:
        p.y -= 10
        p.text(report.signature_line, 10)
    p.footer()
    c.showPage()
    c.save()
    return buf.getvalue()


#: An amount as the tables print it (``-1,234``): starts with a sign but is no formula.
_AMOUNT = re.compile(r"[-+]?[\d,]+(\.\d+)?")


def csv_text(cell: str) -> str:
    """A cell Excel shows as the text it is: one starting with = + - @ (or a tab or a return)
    would be run as a formula (CSV injection; a reason is typed by a clerk), so it gets a
    leading apostrophe, which Excel does not show. Amounts are left as they are."""
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _AMOUNT.fullmatch(cell):
        return "'" + cell
    return cell


def render_csv(report: Report) -> bytes:
    """One CSV with each section as a block (UTF-8 with BOM so Excel on Windows reads it);
    text that Excel would take for a formula is kept text (:func:`csv_text`). A section's note
    is its last line, as on the paper: the closing's say what it may lack (a counter not
    synced, a closing taken again, receipts never printed), and a CSV without them listed
    less than the office took and said nothing of it."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")

    def row(cells: Sequence[str]) -> None:
        w.writerow([csv_text(str(c)) for c in cells])

    row([report.title])
    for line in report.subtitle_lines:
        row([line])
    for section in report.sections:
        w.writerow([])
        row([section.title])
        row([col.title for col in section.columns])
        for cells in section.rows:
            row(cells)
        if section.footer:
            row(section.footer)
        if section.note:
            row([section.note])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
