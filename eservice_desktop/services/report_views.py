"""The supervisor report as the reports page shows and exports it (issue 16).

The faces import services and domain only; this module gives the page everything it needs
from ``printing`` in one place: the computed report together with each chart's SVG (the same
reportlab Drawing the PDF draws, ``printing/charts.py``) and its figures in words for screen
readers, the cell format the PDF uses, and the export of the report on screen to CSV, XLSX or
PDF. Everything here runs on a worker except :func:`format_cell` / :func:`is_number`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.report_model import Cell, Report
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.printing import chart_text, charts
from eservice_desktop.services import access, exports
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require

Compute = Callable[[App, str, date, date], Report]
Progress = Callable[[int, int], None]
ExportWritten = exports.Written

#: Export formats by file suffix.
FORMATS: tuple[str, ...] = ("csv", "xlsx", "pdf")


@dataclass(frozen=True)
class ScreenReport:
    """A computed report with its charts drawn: ``svgs[i]`` and ``descriptions[i]`` belong to
    ``report.charts[i]``; ``font_family`` / ``font_path`` name the face the SVG text uses."""

    report: Report
    svgs: tuple[str, ...]
    descriptions: tuple[str, ...]
    font_family: str
    font_path: str


def _compute(app: App, kind: str, period_from: date, period_to: date) -> Report:
    from eservice_desktop.services import supervisor_reports

    return supervisor_reports.compute(app, kind, period_from, period_to)


def screen_report(
    app: App,
    kind: str,
    period_from: date,
    period_to: date,
    *,
    compute: Compute | None = None,
    progress: Progress | None = None,
) -> ScreenReport:
    """The report, then each chart drawn: one ``progress`` step for the report and one per
    chart. ``compute`` replaces ``supervisor_reports.compute`` (tests)."""
    require(app, Action.REPORTS)

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total)

    step(0, 1)
    report = (compute or _compute)(app, kind, period_from, period_to)
    total = 1 + len(report.charts)
    step(1, total)
    svgs = []
    for i, spec in enumerate(report.charts):
        svgs.append(charts.chart_svg(spec))
        step(2 + i, total)
    font = chart_text.chart_font()
    return ScreenReport(
        report,
        tuple(svgs),
        tuple(chart_text.describe(c) for c in report.charts),
        font.family,
        font.path,
    )


def format_cell(cell: Cell) -> str:
    """A table cell as the PDF prints it (``printing.chart_text.format_cell``)."""
    return chart_text.format_cell(cell)


def is_number(cell: Cell) -> bool:
    return chart_text.is_number(cell)


#: Reports that name people: the on-time report's overdue list names the clerk holding each
#: case (like the daily closing, personal data by ``services/exports.py``'s rule).
PERSONAL_KINDS: frozenset[str] = frozenset({"on-time"})


def export_bytes(report: Report, fmt: str, office_name: str = "", printed: str = "") -> bytes:
    """The file's bytes: CSV (UTF-8 with BOM) and XLSX by ``printing/report_export.py``, the
    PDF with its charts by ``printing/report_pdf.py`` (headed with the office's name and the
    time it was printed)."""
    if fmt == "pdf":
        from eservice_desktop.printing.report_pdf import ReportHeading, report_pdf

        return report_pdf(report, ReportHeading(office_name, printed))
    from eservice_desktop.printing import report_export

    if fmt == "csv":
        return report_export.report_csv_text(report).encode("utf-8-sig")
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory(prefix="eservice-report-") as tmp:  # 0700
            out = Path(tmp) / "report.xlsx"
            report_export.write_report_xlsx(report, out)
            return out.read_bytes()
    raise DomainError(
        "report.format",
        "報表檔案須為 .csv、.xlsx 或 .pdf",
        "The report file must end in .csv, .xlsx or .pdf",
        "out",
    )


def export_report(app: App, report: Report, path: Path, fmt: str | None = None) -> exports.Written:
    """Writes ``report`` to ``path`` as ``fmt`` (by default its suffix), atomically, the way
    every export is kept (``services/exports.py``): a report naming people is refused inside the
    data directory and written owner-only (0600); the others with ordinary permissions. The
    PDF is headed with the office's name and the time it was printed (ROC date, Taipei). The
    access log notes the export, as it notes the closing's and the reconciliation's: the
    on-time report lists case numbers and the clerks holding them (services/access.py)."""
    require(app, Action.EXPORT)
    kind = fmt or path.suffix.lower().lstrip(".")
    personal = report.kind in PERSONAL_KINDS
    exports.check_target(app.settings, path, personal)
    data = export_bytes(report, kind, app.office.name, roc_minute(app.now()))
    written = exports.write(app.settings, path, data, personal)
    period = f"{report.period_from.isoformat()}..{report.period_to.isoformat()}"
    access.record(app, access.EXPORT, detail=f"{report.kind} report {period} {path.name}")
    return written
