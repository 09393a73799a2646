"""The supervisor reports at the county: the same four reports over every office.

The push keeps ``county_case_facts`` (one row per case: office, service, channel, day of
receipt, status, consent, due date, on-time verdict, holder) in its transaction
(``county.case_facts``, from the same ``domain.case`` fold the county checks events with).
The reports are SQL aggregates over that table handed to the builders of
``domain.supervisor``, so a county figure is computed by the same rules as an office's.

Targets: the county sets them (``eservice-county-server targets set``), keeps them in
``county_targets`` and publishes each office's set to that office's feed (kind ``targets``);
the office's pull stores them (``services.supervisor_reports.store_targets``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from eservice_desktop.county.case_facts import county_calendar
from eservice_desktop.county.store import (
    CountyCaseFactRow,
    CountyTargetRow,
    aware,
)
from eservice_desktop.domain import supervisor as sv
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.report_model import (
    Report,
    check_period,
    day_hint,
    report_to_json,
    shown_totals,
)
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.domain.text_values import printable, typed_date
from eservice_desktop.printing.chart_text import format_cell, is_number
from eservice_desktop.printing.report_export import TOTAL_LABELS

_FINISHED = ", ".join(f"'{x}'" for x in sv.FINISHED_STATUSES)
_CLOSED = ", ".join(f"'{x}'" for x in sv.CLOSED_STATUSES)
_OPEN = ", ".join(f"'{x}'" for x in sv.OPEN_STATUSES)
_MONTH = "substr(CAST(received_day AS VARCHAR), 1, 7)"
_WHERE = "received_day BETWEEN :f AND :t"
#: A figure's cell on the page: set right, as the office's tables set it.
_NUMERIC = " class='n'"


_LOOKUPS_FROM = (
    "FROM county_case_lookups l JOIN county_case_facts f ON f.case_id = l.case_id "
    f"WHERE f.received_day BETWEEN :f AND :t AND f.consent AND f.status IN ({_CLOSED})"
)


def _lookup_counts(s: Session, p: Mapping[str, Any]) -> sv.LookupCounts:
    """The closed cases with consent that recorded look-ups, per service and kind."""
    return sv.LookupCounts(
        cases={
            code: int(n)
            for code, n in s.execute(
                text(
                    f"SELECT f.service_code, count(DISTINCT f.case_id) {_LOOKUPS_FROM} "
                    "GROUP BY f.service_code"
                ),
                p,
            )
        },
        by_kind={
            (code, kind): int(n)
            for code, kind, n in s.execute(
                text(
                    f"SELECT f.service_code, l.kind, count(DISTINCT f.case_id) {_LOOKUPS_FROM} "
                    "GROUP BY f.service_code, l.kind"
                ),
                p,
            )
        },
    )


def _on_time(
    s: Session, catalogue: Catalogue, p: Mapping[str, Any], today: date, common: dict[str, Any]
) -> Report:
    period_from, period_to = p["f"], p["t"]
    counts = [
        sv.OnTimeCount(code, month, int(n), int(fin), int(ok), int(op))
        for code, month, n, fin, ok, op in s.execute(
            text(
                f"SELECT service_code, {_MONTH} AS m, count(*), "
                f"sum(CASE WHEN status IN ({_FINISHED}) THEN 1 ELSE 0 END), "
                "sum(CASE WHEN closed_on_time THEN 1 ELSE 0 END), "
                f"sum(CASE WHEN status IN ({_OPEN}) THEN 1 ELSE 0 END) "
                f"FROM county_case_facts WHERE {_WHERE} GROUP BY service_code, m"
            ),
            p,
        )
    ]
    as_of = min(period_to, today)
    overdue = [
        sv.OverdueCase(
            r.case_number,
            r.service_code,
            r.due_date,
            f"{r.office} {r.holder}",
            aware(r.held_since).astimezone(TAIPEI),
            r.status,
        )
        for r in s.scalars(
            select(CountyCaseFactRow).where(
                CountyCaseFactRow.received_day.between(period_from, period_to),
                CountyCaseFactRow.status.in_(sv.OPEN_STATUSES),
                CountyCaseFactRow.due_date < as_of,
            )
        )
        if r.due_date is not None
    ]
    calendar = county_calendar(s)
    return sv.build_on_time(catalogue, counts, overdue, as_of=as_of, calendar=calendar, **common)


def _savings(
    s: Session, catalogue: Catalogue, p: Mapping[str, Any], common: dict[str, Any]
) -> Report:
    consented = {
        code: int(n)
        for code, n in s.execute(
            text(
                "SELECT service_code, count(*) FROM county_case_facts "
                f"WHERE {_WHERE} AND consent AND status IN ({_CLOSED}) GROUP BY service_code"
            ),
            p,
        )
    }
    return sv.build_savings(catalogue, consented, lookups=_lookup_counts(s, p), **common)


def report_day(text: str, option: str) -> date:
    """A period's day as IT or a supervisor types it, ``YYYY-MM-DD``; refused naming the option
    and what it got, and a day written right that does not exist (2026-02-30) said so: both
    were 「日期須為 YYYY-MM-DD」, the form they had used; so was a day written with the ROC
    year (115/12/01), now told its Western day as the office's ``report`` tells it."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        shown = printable(text, 40)
        hint_zh, hint_en = day_hint(typed_date(text))  # no such day; 115/12/01: 2026-12-01
        zh = f"{option} 的日期須為 YYYY-MM-DD（收到「{shown}」）{hint_zh}"
        en = f"{option} must be a date YYYY-MM-DD (got '{shown}'){hint_en}"
        raise DomainError("report.dates", zh, en, option.lstrip("-")) from None


def compute(
    s: Session,
    catalogue: Catalogue,
    kind: str,
    period_from: date,
    period_to: date,
    *,
    today: date,
) -> Report:
    """One report over every office (``office`` ``"*"``)."""
    check_period(period_from, period_to)
    p = {"f": period_from, "t": period_to}
    common: dict[str, Any] = {"period_from": period_from, "period_to": period_to, "office": "*"}
    if kind == "on-time":
        return _on_time(s, catalogue, p, today, common)
    if kind == "savings":
        return _savings(s, catalogue, p, common)
    usage = [
        sv.UsageCount(code, channel, month, int(n))
        for code, channel, month, n in s.execute(
            text(
                f"SELECT service_code, channel, {_MONTH} AS m, count(*) FROM county_case_facts "
                f"WHERE {_WHERE} GROUP BY service_code, channel, m"
            ),
            p,
        )
    ]
    if kind == "usage":
        return sv.build_usage(catalogue, usage, **common)
    if kind == "targets":
        goals = [
            sv.Target(r.office, r.department, r.month, r.metric, r.value)
            for r in s.scalars(select(CountyTargetRow))
        ]
        return sv.build_targets(catalogue, goals, usage, today=today, **common)
    raise DomainError("report.kind", f"不明的報表種類：{kind}", f"Unknown report: {kind}", "kind")


def set_targets(
    s: Session, catalogue: Catalogue, rows: Iterable[Mapping[str, Any]], now: datetime
) -> dict[str, int]:
    """Sets (or replaces) targets and publishes each affected office's whole set to that
    office's feed; returns the feed sequence per office. One bad row refuses them all."""
    from eservice_desktop.county import service

    checked = [sv.check_target(r) for r in rows]
    for t in checked:
        catalogue.department(t.department)  # DomainError for an unknown department
        catalogue.office(t.office)
    for t in checked:
        row = s.get(CountyTargetRow, (t.office, t.department, t.month, t.metric))
        if row is None:
            s.add(
                CountyTargetRow(
                    office=t.office,
                    department=t.department,
                    month=t.month,
                    metric=t.metric,
                    value=t.value,
                    set_at=now,
                )
            )
        else:
            row.value, row.set_at = t.value, now
    s.flush()
    published = {}
    for office in sorted({t.office for t in checked}):
        data = {"office": office, "targets": targets_of(s, office)}
        published[office] = service.publish(s, "targets", data, now, office=office)
    return published


def targets_of(s: Session, office: str) -> list[dict[str, Any]]:
    """An office's targets as the feed and ``GET /v1/targets`` carry them."""
    rows = s.scalars(
        select(CountyTargetRow)
        .where(CountyTargetRow.office == office)
        .order_by(CountyTargetRow.month, CountyTargetRow.department, CountyTargetRow.metric)
    )
    return [
        {
            "office": r.office,
            "department": r.department,
            "month": r.month,
            "metric": r.metric,
            "value": r.value,
        }
        for r in rows
    ]


#: The report page's own headers (``GET /reports/KIND``): it shows what offices pushed (case
#: numbers, the clerk holding an overdue case), so it runs no script and loads nothing, its
#: styles (the ``<style>`` and the charts' ``style`` attributes) inline only, and no other site
#: frames it. Answered without a policy of its own, it had none at all: the county's headers
#: give one to what is not HTML only (county/security_headers.py).
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
}


def report_json(report: Report) -> dict[str, Any]:
    return report_to_json(report)


def charts_html(report: Report) -> list[str]:
    """Each chart as inline SVG: the same reportlab drawing the office's screen and PDF show
    (``printing/charts.py``). A server without a Chinese TrueType font shows the tables only."""
    if not report.charts:
        return []
    from eservice_desktop.printing.charts import chart_svg
    from eservice_desktop.printing.fonts import FontNotFound

    out = []
    for spec in report.charts:
        try:
            svg = chart_svg(spec)
        except FontNotFound:
            return []
        start = svg.index("<svg")
        out.append(
            "<figure style='margin:0 0 1em;max-width:860px'>"
            + svg[start:].replace("<svg ", "<svg style='width:100%;height:auto' ", 1)
            + "</figure>"
        )
    return out


def report_html(report: Report) -> str:
    """A small self-contained page: the totals, the charts, then every table (the county's
    browser view). Days, months and times with the ROC year, in Taipei, rates with two
    decimals and counts with their thousands, as the office's reports page and PDF show them
    (``/v1/reports`` keeps ISO 8601 and plain numbers); the totals under the names the
    office's exports give them: the page listed ``rate_pct: 10.0``, ``ntd: 663592``."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='zh-Hant'><head><meta charset='utf-8'>",
        f"<title>{e(report.title)}</title>",
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;"
        "margin:.5em 0 1.5em}td,th{border:1px solid #999;padding:2px 6px}"
        "td.n{text-align:right}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
        f"<p>{format_roc(report.period_from, 'short')} ~ {format_roc(report.period_to, 'short')}，"
        "全縣各事務所 All offices</p><ul>",
    ]
    # the totals named as the office's exports name them, each figure as every face shows it
    parts += [
        f"<li>{e(TOTAL_LABELS.get(k, k))}：{e(format_cell(v)) if v is not None else '—'}</li>"
        for k, v in shown_totals(report).items()
    ]
    parts.append("</ul>")
    parts += charts_html(report)
    for t in report.tables:
        parts.append(f"<h2>{e(t.title)}</h2><table><tr>")
        parts += [f"<th>{e(c)}</th>" for c in t.columns]
        parts.append("</tr>")
        for row in t.rows:
            # a day, month or time with the ROC year in Taipei, a rate with two decimals, a
            # count with its thousands: as the office's page and PDF (``format_cell``)
            cells = "".join(
                f"<td{_NUMERIC if is_number(c) or c is None else ''}>{e(format_cell(c))}</td>"
                for c in row
            )
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
