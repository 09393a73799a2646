"""The shape every supervisor report takes, whatever computed it and whatever draws it.

A report (on-time, usage, savings, targets) is computed by ``services.supervisor_reports`` (or
by the county server over all offices) and returned as one :class:`Report`: tables to read,
charts to look at, and a few totals. The writers (CSV and XLSX in ``services.report_export``,
PDF in ``printing.report_pdf``) and the GUI's reports page all work from this one value, so a
figure is computed once and shown the same way everywhere. Pure data: no SQL, no Qt, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, Literal

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import check_roc, format_roc, parse_roc
from eservice_desktop.domain.text_values import no_such_day
from eservice_desktop.domain.values import EARLIEST, LATEST

#: A table cell: text, a count, a figure, or nothing (an empty cell, e.g. a rate over no cases).
Cell = str | int | float | None

ChartKind = Literal["line", "bar", "stacked_bar", "pie"]
CHART_KINDS: frozenset[str] = frozenset({"line", "bar", "stacked_bar", "pie"})

ReportKind = Literal["on-time", "usage", "savings", "targets"]
REPORT_KINDS: tuple[str, ...] = ("on-time", "usage", "savings", "targets")


@dataclass(frozen=True)
class ReportTable:
    """One table: a title, column headings and rows of cells (each row as long as ``columns``)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        for n, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.title!r}: row {n} has {len(row)} cells for "
                    f"{len(self.columns)} columns"
                )

    def column(self, name: str) -> tuple[Cell, ...]:
        """Every cell of one column, in row order (tests and charts read figures this way)."""
        i = self.columns.index(name)
        return tuple(row[i] for row in self.rows)


@dataclass(frozen=True)
class ChartSpec:
    """What to draw, not how: the GUI (QtCharts) and the PDF (reportlab) draw the same spec.

    ``categories`` are the x axis (months, departments, services) or the pie's slices;
    ``series`` are named value lists, each as long as ``categories`` (a pie has one series).
    ``unit`` labels the value axis ("%", "件", "NTD" ...).
    """

    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    #: None: no value there (a rate over nothing): a gap in a line, "—" in the description.
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    unit: str = ""

    def __post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"chart {self.title!r}: unknown kind {self.kind!r}")
        for name, values in self.series:
            if len(values) != len(self.categories):
                raise ValueError(
                    f"chart {self.title!r}: series {name!r} has {len(values)} values for "
                    f"{len(self.categories)} categories"
                )
        if self.kind == "pie" and len(self.series) != 1:
            raise ValueError(f"chart {self.title!r}: a pie has exactly one series")

    def runs(self) -> list[tuple[int, list[float | None]]]:
        """Each series cut where it has no value (a month with nothing finished has no on-time
        rate): ``(series index, values)`` with None outside the run. A line drawn over a missing
        value draws one there; one line per run leaves the gap."""
        runs: list[tuple[int, list[float | None]]] = []
        for i, (_, values) in enumerate(self.series):
            start = None
            for k, v in enumerate((*values, None)):
                if v is not None and start is None:
                    start = k
                elif v is None and start is not None:
                    runs.append((i, [x if start <= n < k else None for n, x in enumerate(values)]))
                    start = None
        return runs


@dataclass(frozen=True)
class Report:
    """One computed report for one period (both dates inclusive, Asia/Taipei calendar days).

    ``office`` is the office code, or ``"*"`` for the county's report over every office.
    ``totals`` holds the headline figures by a stable key (``"ntd"``, ``"rate_pct"`` ...);
    the CLI's ``--json`` output is built from it, so its keys are a promise.
    """

    kind: str
    title: str
    period_from: date
    period_to: date
    office: str
    tables: tuple[ReportTable, ...]
    charts: tuple[ChartSpec, ...] = ()
    totals: Mapping[str, int | float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in REPORT_KINDS:
            raise ValueError(f"unknown report kind {self.kind!r}")
        object.__setattr__(self, "totals", MappingProxyType(dict(self.totals)))

    def table(self, title: str) -> ReportTable:
        """The table with this title (KeyError if there is none)."""
        for t in self.tables:
            if t.title == title:
                return t
        raise KeyError(title)


#: The longest period a report covers (five years and a leap day or two).
MAX_PERIOD_DAYS = 366 * 5


def check_report_day(day: date, name: tuple[str, str], field: str, typed: str = "") -> None:
    """Refuse a day outside 2000–2099 (:data:`EARLIEST` .. :data:`LATEST`), in the command
    line's words (``name``: ``--from``, or the window's 起日, zh and English; ``typed``: as
    typed, else as the date fields show it, ROC, and ISO): the window took any year its date
    field could hold, and the command line refused them."""
    if not EARLIEST.date() <= day < LATEST.date():
        typed = typed or f"{format_roc(day, 'short')}, {day.isoformat()}"
        first, last = EARLIEST.year, LATEST.year - 1
        gap = " " if name[0].isascii() else ""  # "--from 的日期", the window's "起日的日期"
        raise DomainError(
            "date.range",
            f"{name[0]}{gap}的日期須在 {first} 到 {last} 年之間（收到「{typed}」）",
            f"{name[1]} must be within {first}..{last} (got '{typed}')",
            field,
        )


def western_of_roc(typed: str) -> date | None:
    """The Western day of a date written with the ROC year, the way the counter shows dates
    (``115-03-01``, ``115/3/1``, ``1150301``: ``rocdate.parse_roc``); None for anything else,
    and for an ROC year whose Western day the reports refuse (``999-01-01`` was told to write
    2910-01-01, then refused for its year)."""
    try:
        day = parse_roc(typed)
    except DomainError:
        return None
    return day if EARLIEST.date() <= day < LATEST.date() else None


def day_hint(typed: str) -> tuple[str, str]:
    """What a period's day refused for its form is told besides (zh-TW, English, each with
    its leading separator; empty for anything else): that a day written right does not exist
    (2026-02-30), or the Western day of one written with the ROC year as every print shows it
    (115/12/01: 2026-12-01), or that such a one does not exist (116/02/29: 116 is no leap
    year, and its Western form was refused in turn). The office's ``report`` and the county's
    report command and routes say the same: the county said only "YYYY-MM-DD" to 115/12/01."""
    if (missing := no_such_day(typed)) and len(typed) == len(missing):
        return f"；{missing} 這一天不存在", f"; there is no such day as {missing}"
    if western := western_of_roc(typed):
        day = western.isoformat()
        return f"；民國年請換算為西元：{day}", f"; with the Western year (not the ROC year): {day}"
    if _no_such_roc_day(typed):  # 116/02/29: 116 is no leap year; converted, it was refused again
        return f"；{typed} 這一天不存在", f"; there is no such day as {typed} (ROC year)"
    return "", ""


def _no_such_roc_day(typed: str) -> bool:
    """Whether ``typed`` is an ROC date written right of a day that does not exist."""
    try:
        parse_roc(typed)
    except DomainError as e:
        return e.code == "date.invalid"
    return False


def check_period(period_from: date, period_to: date) -> None:
    """Refuse a period that ends before it starts or spans more than five years, or one with
    no ROC year (before 1912), which the report's pages and prints cannot write: the county's
    report page answered such a period with a server error."""
    check_roc(period_from, "from")
    check_roc(period_to, "to")
    if period_to < period_from:
        # as the date fields show them (ROC), with the ISO form the command line takes beside
        end, start = (
            f"{format_roc(d, 'short')}（{d.isoformat()}）" for d in (period_to, period_from)
        )
        end_en, start_en = (
            f"{format_roc(d, 'short')}, {d.isoformat()}" for d in (period_to, period_from)
        )
        raise DomainError(
            "report_period_reversed",
            f"報表期間的結束日 {end}早於開始日 {start}。",
            f"The report period ends ({end_en}) before it starts ({start_en}).",
            field="to",
        )
    if (period_to - period_from).days + 1 > MAX_PERIOD_DAYS:
        raise DomainError(
            "report_period_too_long",
            "報表期間最長五年，請縮短期間。",
            "A report period is at most five years; shorten it.",
            field="to",
        )


def months_between(period_from: date, period_to: date) -> tuple[str, ...]:
    """Every month the period touches, as ``YYYY-MM`` (the usage and target reports' columns)."""
    out: list[str] = []
    y, m = period_from.year, period_from.month
    while (y, m) <= (period_to.year, period_to.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


#: A total that is a rate, and the total it is taken over.
RATE_OVER: Mapping[str, str] = MappingProxyType(
    {"rate_pct": "finished", "online_share_pct": "cases"}
)


def shown_totals(report: Report) -> dict[str, Cell]:
    """The totals as a reader sees them (the exports' summary, the county's page, the command's
    line): a rate over nothing has no value, as the tables leave it empty. ``--json`` keeps
    ``0.0`` there, its promise; shown, it read 依限 0（0.0%） beside a 合計 row with no rate, a
    month of open cases as a month of late ones."""
    t = report.totals
    return {k: None if k in RATE_OVER and t.get(RATE_OVER[k]) == 0 else v for k, v in t.items()}


def report_to_json(report: Report) -> dict[str, Any]:
    """The JSON form of a report (``report … --json`` and the county's report endpoint): its
    headline figures under ``total`` (``report savings --json`` promises
    ``{"total": {"ntd", "minutes", "sheets", ...}}``), then every table and chart."""
    return {
        "kind": report.kind,
        "title": report.title,
        "office": report.office,
        "from": report.period_from.isoformat(),
        "to": report.period_to.isoformat(),
        "total": dict(report.totals),
        "tables": [
            {"title": t.title, "columns": list(t.columns), "rows": [list(r) for r in t.rows]}
            for t in report.tables
        ],
        "charts": [
            {
                "kind": c.kind,
                "title": c.title,
                "unit": c.unit,
                "categories": list(c.categories),
                "series": [{"name": n, "values": list(v)} for n, v in c.series],
            }
            for c in report.charts
        ],
    }
