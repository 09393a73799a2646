"""What a chart writes, and how: the chart face (a Ming face of the receipt fonts, named as
its real family for the SVG), labels cut to fit, values and table cells as every face shows
them, a chart's title and its one-sentence description for screen readers.

A character the face lacks is written as its code point (``[U+2B740]``) rather than drawn as
an empty box. ``printing.charts`` draws with these and re-exports them.
"""

from __future__ import annotations

import functools
import math
import re
import textwrap
from dataclasses import dataclass

from eservice_desktop.domain.report_model import Cell, ChartSpec
from eservice_desktop.domain.rocdate import roc_text
from eservice_desktop.printing.fonts import font_chain, placeholder

#: The most categories a chart draws; the rest are in the table.
MAX_CATEGORIES = 24


#: The longest category label drawn, in characters (the full text is in the table).
MAX_LABEL = 12


@dataclass(frozen=True)
class ChartFont:
    """The face charts are drawn with: reportlab's registered name and its real family name
    (what the SVG names, so that Qt draws the same face)."""

    name: str
    family: str
    path: str


#: Ming faces first; the chain's primary face (TW-Kai) when the counter has none.
PREFERRED_FACES: tuple[str, ...] = ("UMingTW", "MingLiU")


@functools.cache
def chart_font() -> ChartFont:
    chain = font_chain()
    faces = {f.name: f for f in chain.faces}
    face = next((faces[n] for n in PREFERRED_FACES if n in faces), chain.faces[0])
    tt = face.load()
    family = tt.face.familyName
    if isinstance(family, bytes):
        family = family.decode("utf-8", "replace")
    return ChartFont(face.name, str(family), str(face.path))


def drawable(text: str) -> str:
    """``text`` with every character the chart face lacks written as its code point."""
    font = chart_font()
    glyphs = font_chain()  # the faces are loaded and cached there
    face = next(f for f in glyphs.faces if f.name == font.name)
    if all(ch.isspace() or face.has(ord(ch)) for ch in text):
        return text
    return "".join(ch if ch.isspace() or face.has(ord(ch)) else placeholder(ch) for ch in text)


#: The longest line of a bilingual label's English down the side of a chart, and its lines.
EN_LINE, EN_LINES = 24, 2

_BILINGUAL = re.compile(r"^([^\x00-\x7f][^ ]*) +([\x21-\x7e].*)$")


def side_label(text: str) -> str:
    """A category down the side of a horizontal bar chart: a bilingual name (``戶政事務所
    Household Registration Offices``) on its lines, the Chinese then the English wrapped (at
    most :data:`EN_LINES` of :data:`EN_LINE` characters); anything else as
    :func:`short_label`. Cut to 12 characters the departments read 「教育處 Departm…」,
    「地政事務所 Land …」 on the reports page and the PDF."""
    text = roc_text(text)
    found = _BILINGUAL.match(text)
    if len(text) <= MAX_LABEL or found is None:
        return short_label(text)
    lines = textwrap.wrap(found[2], EN_LINE, break_long_words=True)
    if len(lines) > EN_LINES:
        last = lines[EN_LINES - 1]
        lines = [*lines[: EN_LINES - 1], last[: EN_LINE - 1] + "…"]
    return "\n".join([short_label(found[1]), *lines])


def short_label(text: str, limit: int = MAX_LABEL) -> str:
    """A label as a chart draws it: a month or day with the ROC year (:func:`roc_text`), cut
    to ``limit`` characters."""
    text = roc_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_value(value: float | None, unit: str = "") -> str:
    """A value as the charts and the report tables write it: thousands separators, whole
    numbers without decimals, a rate with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if unit == "%":
        return f"{value:.1f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def format_cell(cell: Cell) -> str:
    """A table cell as every face shows it (the PDF, the screen): counts with thousands
    separators, figures with two decimals (a column of rates lines up), nothing as empty,
    days and times in Taipei with the ROC year (:func:`roc_text`)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, int):
        return f"{cell:,}"
    if isinstance(cell, float):
        if math.isnan(cell):
            return ""
        return f"{cell:,.2f}"
    return roc_text(str(cell))


def is_number(cell: Cell) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def title_of(spec: ChartSpec, cut: bool = False) -> str:
    text = spec.title
    if spec.unit:
        text += f"（單位：{spec.unit}）"
    if cut:
        text += f"（前 {MAX_CATEGORIES} 項，其餘見表）"
    return text


def describe(spec: ChartSpec) -> str:
    """The chart as one sentence of figures: the accessible description a screen reader reads
    (the table beside the chart has the same figures)."""
    parts = []
    for name, values in spec.series:
        pairs = "、".join(
            f"{c} {format_value(v, spec.unit)}{spec.unit}" if v is not None else f"{c} —"
            for c, v in zip(spec.categories, values, strict=True)
        )
        parts.append(f"{name}：{pairs}" if len(spec.series) > 1 or name else pairs)
    return f"{title_of(spec)}。" + "；".join(parts) if parts else f"{title_of(spec)}。（無資料）"
