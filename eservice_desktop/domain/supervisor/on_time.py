"""The on-time report (appendix 11): finished within the legal limit, late, still open, and
the open cases past their due date with who holds them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.deadline import working_days_left
from eservice_desktop.domain.report_model import (
    Cell,
    ChartSpec,
    Report,
    ReportTable,
    months_between,
)
from eservice_desktop.domain.status_labels import STATUS_LABELS
from eservice_desktop.domain.supervisor.common import (
    T_DEPARTMENTS,
    T_OVERDUE,
    T_SERVICES,
    department_name,
    department_of,
    rate_pct,
    service_names,
)


@dataclass(frozen=True)
class OnTimeCount:
    """The counts of one service in one month (of receipt)."""

    service_code: str
    month: str
    received: int
    finished: int
    on_time: int
    open: int


@dataclass(frozen=True)
class OverdueCase:
    case_number: str
    service_code: str
    due_date: date
    holder: str
    held_since: datetime
    status: str


@dataclass
class _Tally:
    received: int = 0
    finished: int = 0
    on_time: int = 0
    open: int = 0
    overdue: int = 0

    def add(self, c: OnTimeCount) -> None:
        self.received += c.received
        self.finished += c.finished
        self.on_time += c.on_time
        self.open += c.open

    def row(self) -> tuple[Cell, ...]:
        late = self.finished - self.on_time
        return (
            self.received,
            self.finished,
            self.on_time,
            late,
            rate_pct(self.on_time, self.finished),
            self.open,
            self.overdue,
        )


ON_TIME_COLUMNS: Final = (
    "收件 Received",
    "辦結 Finished",
    "依限辦結 On time",
    "逾限辦結 Late",
    "依限辦結率% Rate",
    "未結 Open",
    "逾期未結 Overdue",
)


def _overdue_columns(tz_label: str) -> tuple[str, ...]:
    return (
        "案號 Case",
        "單位 Department",
        "項目 Service",
        "期限 Due",
        "逾期工作天 Working days overdue",
        "承辦人 Held by",
        f"持有起始 Since ({tz_label})",
        "狀態 Status",
    )


@dataclass
class _OnTimeTallies:
    by_service: dict[str, _Tally]
    by_dept: dict[str, _Tally]
    by_month: dict[str, _Tally]
    total: _Tally


def _on_time_tallies(
    catalogue: Catalogue, counts: Iterable[OnTimeCount], overdue: Sequence[OverdueCase]
) -> _OnTimeTallies:
    t = _OnTimeTallies(defaultdict(_Tally), defaultdict(_Tally), defaultdict(_Tally), _Tally())
    for c in counts:
        t.by_service[c.service_code].add(c)
        t.by_dept[department_of(catalogue, c.service_code)].add(c)
        t.by_month[c.month].add(c)
        t.total.add(c)
    for o in overdue:
        t.by_service[o.service_code].overdue += 1
        t.by_dept[department_of(catalogue, o.service_code)].overdue += 1
        t.total.overdue += 1
    return t


def status_label(status: str) -> str:
    """A status as the report's other cells read (``補正中 Supplement requested``): the list
    printed the code (``supplement_requested``) on the office's Chinese document."""
    zh, en = STATUS_LABELS.get(status, (status, ""))
    return f"{zh} {en}".strip()


def _overdue_rows(
    catalogue: Catalogue, overdue: Sequence[OverdueCase], as_of: date, calendar: WorkingCalendar
) -> list[tuple[Cell, ...]]:
    """Each open case past due, with the working days since its due date: the time limit is
    counted in working days, and the queue says the same case is that many working days late
    (``剩餘工作天`` -28); the report counted calendar days (39) for it."""
    rows: list[tuple[Cell, ...]] = []
    for o in sorted(overdue, key=lambda o: (o.due_date, o.case_number)):
        dept, name = service_names(catalogue, o.service_code)
        rows.append(
            (
                o.case_number,
                dept,
                name,
                o.due_date.isoformat(),
                -working_days_left(o.due_date, as_of, calendar),
                o.holder,
                o.held_since.isoformat(timespec="minutes"),
                status_label(o.status),
            )
        )
    return rows


def _on_time_charts(
    catalogue: Catalogue, t: _OnTimeTallies, months: tuple[str, ...]
) -> tuple[ChartSpec, ChartSpec]:
    """The on-time rate month by month, and the overdue open cases per department."""
    # a month with nothing finished has no rate ("empty over nothing"): no point, not 0.0 %
    rates = tuple(rate_pct(t.by_month[m].on_time, t.by_month[m].finished) for m in months)
    rate_chart = ChartSpec(
        kind="line",
        title="每月依限辦結率 On-time rate by month",
        categories=months,
        series=(("依限辦結率 On-time rate", rates),),
        unit="%",
    )
    depts = sorted(t.by_dept)
    overdue_chart = ChartSpec(
        kind="bar",
        title="各單位逾期未結 Overdue open cases by department",
        categories=tuple(department_name(catalogue, d) for d in depts),
        series=(("逾期未結 Overdue", tuple(float(t.by_dept[d].overdue) for d in depts)),),
        unit="件",
    )
    return rate_chart, overdue_chart


def build_on_time(
    catalogue: Catalogue,
    counts: Iterable[OnTimeCount],
    overdue: Sequence[OverdueCase],
    *,
    period_from: date,
    period_to: date,
    office: str,
    as_of: date,
    calendar: WorkingCalendar,
    tz_label: str = "Asia/Taipei",
) -> Report:
    """Appendix 11's table per department and per service, the overdue list and the charts
    (on-time rate month by month; overdue open cases per department)."""
    t = _on_time_tallies(catalogue, counts, overdue)
    total = t.total
    dept_rows = [(department_name(catalogue, d), *x.row()) for d, x in sorted(t.by_dept.items())]
    dept_rows.insert(0, ("合計 Total", *total.row()))
    service_rows = []
    for code, x in sorted(t.by_service.items()):
        dept, name = service_names(catalogue, code)
        service_rows.append((dept, code, name, *x.row()))
    return Report(
        kind="on-time",
        title="線上申辦整合系統案件辦理情形（依限辦結） On-time completion",
        period_from=period_from,
        period_to=period_to,
        office=office,
        tables=(
            ReportTable(T_DEPARTMENTS, ("單位 Department", *ON_TIME_COLUMNS), tuple(dept_rows)),
            ReportTable(
                T_SERVICES,
                ("單位 Department", "代碼 Code", "項目 Service", *ON_TIME_COLUMNS),
                tuple(service_rows),
            ),
            ReportTable(
                T_OVERDUE,
                _overdue_columns(tz_label),
                tuple(_overdue_rows(catalogue, overdue, as_of, calendar)),
            ),
        ),
        charts=_on_time_charts(catalogue, t, months_between(period_from, period_to)),
        totals={
            "received": total.received,
            "finished": total.finished,
            "on_time": total.on_time,
            "late": total.finished - total.on_time,
            "rate_pct": rate_pct(total.on_time, total.finished) or 0.0,
            "open": total.open,
            "overdue": total.overdue,
        },
    )
