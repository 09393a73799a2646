"""The supervisor's reports, built from aggregate counts (pure: no SQL, no clock).

The office (``services.supervisor_reports``) and the county (``county.reports``) each count
their cases with SQL aggregates over their own projection and hand the counts to the builders
here, so both levels compute every figure, rate and score with the same rules and return the
same :class:`~eservice_desktop.domain.report_model.Report`.

Every report counts the cases *received* in the period (Asia/Taipei calendar days, both ends
included), month by month by the month of receipt:

- **on time** (appendix 11): received, finished (closed, ready, picked up, or rejected: 辦結),
  finished within the legal limit (依限辦結, ``domain.deadline.closed_on_time``), finished
  late, the rate (on time / finished), still open, and the open ones past their due date with
  who holds each (the clerk of the latest event) and since when. Cancelled cases (withdrawn by
  the citizen) are neither finished nor open.
- **usage** (appendix 3): cases per service and channel, month by month, with the online share
  (web and kiosk over all).
- **savings** (appendices 4, 6, 10): each closed case with consent to document-free look-ups
  counts once with its service's unit figures (``catalogue.Savings``), per document: a case
  that recorded look-ups (``case.lookup_done``) for exactly the documents it looked up.
- **targets** (appendix 18): monthly targets per department against the cases received, with
  the scoring of 預定目標達成率 (see :func:`progress_score` and :func:`result_score`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any, Final

from eservice_desktop.domain.catalogue import Catalogue, SavingsItem, Service
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.report_model import (
    Cell,
    ChartSpec,
    Report,
    ReportTable,
    months_between,
)
from eservice_desktop.domain.values import (
    CHANNEL_NAMES,
    CHANNELS,
    ONLINE_CHANNELS,
    check_int,
    check_office,
    check_text,
)

#: Statuses of a finished case (辦結) and of an open one.
FINISHED_STATUSES: Final = ("closed", "ready_for_pickup", "picked_up", "rejected")
CLOSED_STATUSES: Final = ("closed", "ready_for_pickup", "picked_up")
OPEN_STATUSES: Final = ("received", "payment_due", "supplement_requested")

TARGET_METRICS: Final = ("cases", "online")

#: Titles of the tables (tests and the GUI find a table by its title).
T_DEPARTMENTS: Final = "各單位依限辦結 On time per department"
T_SERVICES: Final = "各項目依限辦結 On time per service"
T_OVERDUE: Final = "逾期未結案件 Overdue open cases"
T_USAGE_SERVICES: Final = "各項目使用情形 Usage per service"
T_USAGE_MONTHS: Final = "每月使用情形 Usage per month"
T_SAVINGS: Final = "免書證節省效益 Savings per service and document"
T_SAVINGS_TOTAL: Final = "節省合計 Savings total"
T_TARGETS: Final = "每月目標達成 Monthly targets"
T_SCORES: Final = "目標達成評分 Target scoring (appendix 18)"


def rate_pct(part: int, whole: int) -> float | None:
    """``part / whole`` in percent with two decimals, or None over nothing."""
    return None if whole == 0 else round(100.0 * part / whole, 2)


def _name(catalogue: Catalogue, code: str) -> tuple[str, str]:
    """(department name, service name) of a service code; unknown codes are kept as they are
    (a case synced from a newer catalogue still counts)."""
    if catalogue.has_service(code):
        svc = catalogue.service(code)
        return catalogue.department(svc.department).name, svc.name
    return "（其他）", code


def _department_of(catalogue: Catalogue, code: str) -> str:
    return catalogue.service(code).department if catalogue.has_service(code) else "other"


def _department_name(catalogue: Catalogue, dept: str) -> str:
    try:
        return catalogue.department(dept).name
    except DomainError:  # an unknown code is shown as it is
        return "（其他）" if dept == "other" else dept


# -------------------------------------------------------------------------------------------
# On time
# -------------------------------------------------------------------------------------------


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
        "逾期日數 Days overdue",
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
        t.by_dept[_department_of(catalogue, c.service_code)].add(c)
        t.by_month[c.month].add(c)
        t.total.add(c)
    for o in overdue:
        t.by_service[o.service_code].overdue += 1
        t.by_dept[_department_of(catalogue, o.service_code)].overdue += 1
        t.total.overdue += 1
    return t


def _overdue_rows(
    catalogue: Catalogue, overdue: Sequence[OverdueCase], as_of: date
) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    for o in sorted(overdue, key=lambda o: (o.due_date, o.case_number)):
        dept, name = _name(catalogue, o.service_code)
        rows.append(
            (
                o.case_number,
                dept,
                name,
                o.due_date.isoformat(),
                (as_of - o.due_date).days,
                o.holder,
                o.held_since.isoformat(timespec="minutes"),
                o.status,
            )
        )
    return rows


def _on_time_charts(
    catalogue: Catalogue, t: _OnTimeTallies, months: tuple[str, ...]
) -> tuple[ChartSpec, ChartSpec]:
    """The on-time rate month by month, and the overdue open cases per department."""
    rates = tuple(
        float(rate_pct(t.by_month[m].on_time, t.by_month[m].finished) or 0.0) for m in months
    )
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
        categories=tuple(_department_name(catalogue, d) for d in depts),
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
    tz_label: str = "Asia/Taipei",
) -> Report:
    """Appendix 11's table per department and per service, the overdue list and the charts
    (on-time rate month by month; overdue open cases per department)."""
    t = _on_time_tallies(catalogue, counts, overdue)
    total = t.total
    dept_rows = [(_department_name(catalogue, d), *x.row()) for d, x in sorted(t.by_dept.items())]
    dept_rows.insert(0, ("合計 Total", *total.row()))
    service_rows = []
    for code, x in sorted(t.by_service.items()):
        dept, name = _name(catalogue, code)
        service_rows.append((dept, code, name, *x.row()))
    return Report(
        kind="on-time",
        title="線上申辦案件辦理情形（依限辦結） On-time completion",
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
                tuple(_overdue_rows(catalogue, overdue, as_of)),
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


# -------------------------------------------------------------------------------------------
# Usage
# -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageCount:
    service_code: str
    channel: str
    month: str
    cases: int


def _online(channel: str) -> bool:
    return channel in ONLINE_CHANNELS


def _usage_charts(
    channels: Sequence[str],
    labels: Sequence[str],
    months: tuple[str, ...],
    per_month: Mapping[str, Mapping[str, int]],
    per_channel: Mapping[str, int],
) -> tuple[ChartSpec, ChartSpec]:
    """The share by channel, and the cases per month by channel."""
    return (
        ChartSpec(
            kind="pie",
            title="各管道占比 Share by channel",
            categories=tuple(labels),
            series=(("件數 Cases", tuple(float(per_channel.get(ch, 0)) for ch in channels)),),
            unit="件",
        ),
        ChartSpec(
            kind="stacked_bar",
            title="每月各管道件數 Cases per month by channel",
            categories=months,
            series=tuple(
                (label, tuple(float(per_month.get(m, {}).get(ch, 0)) for m in months))
                for ch, label in zip(channels, labels, strict=True)
            ),
            unit="件",
        ),
    )


def build_usage(
    catalogue: Catalogue,
    counts: Iterable[UsageCount],
    *,
    period_from: date,
    period_to: date,
    office: str,
) -> Report:
    """Appendix 3's shape: per service the total, each channel and the online share; then
    month by month per channel with the online share; charts of the share by channel and of
    the cases per month by channel."""
    counts = list(counts)
    channels = list(CHANNELS) + sorted({c.channel for c in counts} - set(CHANNELS))
    months = months_between(period_from, period_to)
    per_service: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_channel: dict[str, int] = defaultdict(int)
    for c in counts:
        per_service[c.service_code][c.channel] += c.cases
        per_month[c.month][c.channel] += c.cases
        per_channel[c.channel] += c.cases
    labels = [f"{CHANNEL_NAMES.get(ch, ch)} {ch}" for ch in channels]

    def cells(by: Mapping[str, int]) -> tuple[Cell, ...]:
        total = sum(by.values())
        online = sum(n for ch, n in by.items() if _online(ch))
        return (total, *[by.get(ch, 0) for ch in channels], online, rate_pct(online, total))

    service_rows = []
    for code, by in sorted(per_service.items()):
        dept, name = _name(catalogue, code)
        service_rows.append((dept, code, name, *cells(by)))
    month_rows = [(m, *cells(per_month.get(m, {}))) for m in months]
    grand = sum(per_channel.values())
    online = sum(n for ch, n in per_channel.items() if _online(ch))
    tail = ("合計 Total", *labels, "線上 Online", "線上比率% Online share")
    return Report(
        kind="usage",
        title="線上申辦使用情形 Usage and online share",
        period_from=period_from,
        period_to=period_to,
        office=office,
        tables=(
            ReportTable(
                T_USAGE_SERVICES,
                ("單位 Department", "代碼 Code", "項目 Service", *tail),
                tuple(service_rows),
            ),
            ReportTable(T_USAGE_MONTHS, ("月份 Month", *tail), tuple(month_rows)),
        ),
        charts=_usage_charts(channels, labels, months, per_month, per_channel),
        totals={
            "cases": grand,
            **{ch: per_channel.get(ch, 0) for ch in channels},
            "online": online,
            "online_share_pct": rate_pct(online, grand) or 0.0,
        },
    )


# -------------------------------------------------------------------------------------------
# Savings
# -------------------------------------------------------------------------------------------


def minutes_to_hours(minutes: int) -> int:
    """Whole hours, half up (the seed: 1,780,710 minutes = 29,679 hours)."""
    return (minutes + 30) // 60


def minutes_to_days(minutes: int) -> int:
    """Whole 24-hour days, half up (the seed: 1,780,710 minutes = 1,237 days)."""
    return (minutes + 720) // 1440


SAVINGS_COLUMNS: Final = (
    "單位 Department",
    "代碼 Code",
    "項目 Service",
    "免檢附書證 Document",
    "案件量 Cases",
    "規費(元) Fee NTD",
    "節省金額(元) NTD saved",
    "申請時間(分) Minutes",
    "節省時間(分) Minutes saved",
    "紙張數 Sheets",
    "節省紙張 Sheets saved",
)


def _document_row(dept: str, svc: Service, item: SavingsItem, n: int) -> tuple[Cell, ...]:
    """One document kind of one service: its unit figures and their products with ``n``."""
    return (
        dept,
        svc.code,
        svc.name,
        item.document,
        n,
        item.ntd,
        n * item.ntd,
        item.minutes,
        n * item.minutes,
        item.sheets,
        n * item.sheets,
    )


def _savings_chart(by_service: Mapping[str, int]) -> ChartSpec:
    names = tuple(by_service)
    return ChartSpec(
        kind="bar",
        title="各項目節省金額 NTD saved per service",
        categories=names,
        series=(("節省金額 NTD", tuple(float(by_service[n]) for n in names)),),
        unit="NTD",
    )


@dataclass(frozen=True)
class LookupCounts:
    """The closed cases with consent that recorded document-free look-ups at this system:
    ``cases[code]`` of them per service, and ``by_kind[(code, kind)]`` of those that looked
    up that document kind."""

    cases: Mapping[str, int]
    by_kind: Mapping[tuple[str, str], int]


NO_LOOKUPS: Final = LookupCounts({}, {})


def savings_per_document(
    svc: Service, n: int, lookups: LookupCounts
) -> list[tuple[SavingsItem, int]]:
    """Each document of the service with the cases it counts for: a case that recorded
    look-ups (``case.lookup_done``) counts for exactly the kinds it looked up; a case with
    consent and none recorded counts for every document of the service (the seed's rule: the
    office obtained them by its own means)."""
    if svc.savings is None:
        return []
    without = n - lookups.cases.get(svc.code, 0)
    return [
        (d, without + lookups.by_kind.get((svc.code, d.kind), 0)) for d in svc.savings.documents
    ]


def build_savings(
    catalogue: Catalogue,
    consented_closed: Mapping[str, int],
    *,
    period_from: date,
    period_to: date,
    office: str,
    lookups: LookupCounts = NO_LOOKUPS,
) -> Report:
    """Appendices 4, 6 and 10 in one: per service and document kind the cases, the unit
    figures and the products; ``consented_closed`` maps a service code to its closed cases
    with consent, ``lookups`` says which of them recorded which look-ups
    (:func:`savings_per_document`). Services without unit figures are not counted."""
    rows: list[tuple[Cell, ...]] = []
    ntd = minutes = sheets = cases = 0
    by_service: dict[str, int] = {}
    for code, n in sorted(consented_closed.items()):
        if n <= 0 or not catalogue.has_service(code):
            continue
        svc: Service = catalogue.service(code)
        if svc.savings is None:
            continue
        cases += n
        dept = catalogue.department(svc.department).name
        saved = 0
        for item, k in savings_per_document(svc, n, lookups):
            rows.append(_document_row(dept, svc, item, k))
            ntd += k * item.ntd
            minutes += k * item.minutes
            sheets += k * item.sheets
            saved += k * item.ntd
        by_service[svc.name] = saved
    hours, days = minutes_to_hours(minutes), minutes_to_days(minutes)
    return Report(
        kind="savings",
        title="免書證免謄本節省效益 Savings from document-free look-ups",
        period_from=period_from,
        period_to=period_to,
        office=office,
        tables=(
            ReportTable(T_SAVINGS, SAVINGS_COLUMNS, tuple(rows)),
            ReportTable(
                T_SAVINGS_TOTAL,
                ("項目 Item", "數值 Value"),
                (
                    ("案件量 Cases", cases),
                    ("節省金額(元) NTD", ntd),
                    ("節省時間(分) Minutes", minutes),
                    ("節省時間(時) Hours", hours),
                    ("節省時間(日) Days", days),
                    ("節省紙張 Sheets", sheets),
                ),
            ),
        ),
        charts=(_savings_chart(by_service),),
        totals={
            "cases": cases,
            "ntd": ntd,
            "minutes": minutes,
            "hours": hours,
            "days": days,
            "sheets": sheets,
        },
    )


# -------------------------------------------------------------------------------------------
# Targets (appendix 18)
# -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A monthly target the county set for one department at one office."""

    office: str
    department: str
    month: str
    metric: str
    value: int


#: The largest monthly target (cases) a department may be given.
TARGET_MAX: Final = 1_000_000
_MONTH_RE: Final = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])")


def check_target(raw: Mapping[str, Any]) -> Target:
    """A target as the county sends it (``{office, department, month, metric, value}``),
    checked; a DomainError names the bad field. Whether the department exists is the
    catalogue's business (the county checks it when the target is set)."""
    if not isinstance(raw, Mapping):
        raise DomainError("target.type", "目標值格式錯誤", "A target must be an object")
    office = check_office(raw.get("office"))
    department = check_text(raw.get("department"), "department", max_len=32, min_len=1)
    month = raw.get("month")
    if not isinstance(month, str) or not _MONTH_RE.fullmatch(month):
        raise DomainError(
            "target.month", "月份格式須為 YYYY-MM", "The month must be YYYY-MM", "month"
        )
    metric = raw.get("metric", "cases")
    if metric not in TARGET_METRICS:
        raise DomainError(
            "target.metric",
            "指標須為 cases（收件數）或 online（線上件數）",
            "The metric must be cases or online",
            "metric",
        )
    value = check_int(raw.get("value"), "value", 0, TARGET_MAX)
    return Target(office, department, month, str(metric), value)


#: (upper bound of the lag in %, score at the band's top, score at its bottom): 進度控制情形
#: ("每月進度或總累積進度曾連續2個月落後在 5% / 15% / 25% 以下", then beyond 25 %).
_PROGRESS_BANDS: Final = ((5.0, 99, 80), (15.0, 79, 60), (25.0, 59, 40), (100.0, 39, 1))
#: 進度控制結果: the year's progress behind by at most 3 % / 5 % / 10 %, then beyond.
_RESULT_BANDS: Final = ((3.0, 99, 80), (5.0, 79, 60), (10.0, 59, 40), (100.0, 39, 1))
#: 陸.一: a month more than 20 % behind its target calls for a review meeting.
REVIEW_LAG_PCT: Final = 20.0


def lag_pct(actual: int, target: int) -> float:
    """How far behind the target, in % of it (0 when met or exceeded, or without a target)."""
    if target <= 0 or actual >= target:
        return 0.0
    return 100.0 * (target - actual) / target


def _band_score(lag: float, bands: tuple[tuple[float, int, int], ...]) -> int:
    """100 when not behind; otherwise the band's scores spread linearly over its lag range,
    half up (appendix 18 gives the bands; where in a band a lag falls is ours)."""
    if lag <= 0:
        return 100
    lo = 0.0
    for hi, top, bottom in bands:
        if lag <= hi:
            return int((top - (lag - lo) / (hi - lo) * (top - bottom)) + 0.5)
        lo = hi
    return bands[-1][2]


def sustained_lag(lags: Sequence[float]) -> float:
    """The worst lag held for two consecutive months (the smaller lag of each pair)."""
    return max((min(a, b) for a, b in pairwise(lags)), default=0.0)


def progress_score(monthly: Sequence[float], cumulative: Sequence[float]) -> int:
    """進度控制情形 (30 %): by the worse of the monthly and the cumulative progress being
    behind two months in a row."""
    return _band_score(max(sustained_lag(monthly), sustained_lag(cumulative)), _PROGRESS_BANDS)


def result_score(final_cumulative_lag: float) -> int:
    """進度控制結果 (30 %): by the cumulative progress at the end of the period."""
    return _band_score(final_cumulative_lag, _RESULT_BANDS)


TARGET_COLUMNS: Final = (
    "單位 Department",
    "指標 Metric",
    "月份 Month",
    "目標 Target",
    "實績 Actual",
    "達成率% Achieved",
    "累計目標 Cum. target",
    "累計實績 Cum. actual",
    "累計達成率% Cum. achieved",
    "檢討 Review",
)
SCORE_COLUMNS: Final = (
    "單位 Department",
    "指標 Metric",
    "目標 Target",
    "實績 Actual",
    "達成率% Achieved",
    "進度控制情形 Progress (100)",
    "進度控制結果 Result (100)",
    "得分 Points (60)",
)

_Series = dict[tuple[str, str], dict[str, int]]


def _goals_and_actuals(
    catalogue: Catalogue,
    targets: Iterable[Target],
    usage: Iterable[UsageCount],
    months: tuple[str, ...],
) -> tuple[_Series, _Series]:
    """(department, metric) -> month -> the targets, and the cases (all, online)."""
    goal: _Series = defaultdict(lambda: defaultdict(int))
    for t in targets:
        if t.month in months:
            goal[(t.department, t.metric)][t.month] += t.value
    actual: _Series = defaultdict(lambda: defaultdict(int))
    for u in usage:
        dept = _department_of(catalogue, u.service_code)
        actual[(dept, "cases")][u.month] += u.cases
        if _online(u.channel):
            actual[(dept, "online")][u.month] += u.cases
    return goal, actual


@dataclass
class _Progress:
    """One department's metric month by month: the table rows and the lags."""

    rows: list[tuple[Cell, ...]]
    monthly: list[float]
    cumulative: list[float]
    target: int = 0
    actual: int = 0
    review: int = 0


def _progress(
    name: str, metric: str, g: Mapping[str, int], a: Mapping[str, int], months: tuple[str, ...]
) -> _Progress:
    out = _Progress([], [], [])
    for m in (m for m in months if g.get(m, 0) > 0):
        out.target, out.actual = out.target + g[m], out.actual + a.get(m, 0)
        lag_m, lag_c = lag_pct(a.get(m, 0), g[m]), lag_pct(out.actual, out.target)
        out.monthly.append(lag_m)
        out.cumulative.append(lag_c)
        meeting = lag_m > REVIEW_LAG_PCT
        out.review += meeting
        out.rows.append(
            (
                name,
                metric,
                m,
                g[m],
                a.get(m, 0),
                rate_pct(a.get(m, 0), g[m]),
                out.target,
                out.actual,
                rate_pct(out.actual, out.target),
                "需召開檢討會 Review" if meeting else "",
            )
        )
    return out


def _points_chart(catalogue: Catalogue, points: Mapping[str, float]) -> ChartSpec:
    """The points of each ``department:metric``."""
    keys = tuple(points)
    return ChartSpec(
        kind="bar",
        title="各單位目標達成得分 Target points by department",
        categories=tuple(
            f"{_department_name(catalogue, k.split(':')[0])} {k.split(':')[1]}" for k in keys
        ),
        series=(("得分 Points (60)", tuple(points[k] for k in keys)),),
        unit="分",
    )


def build_targets(
    catalogue: Catalogue,
    targets: Iterable[Target],
    usage: Iterable[UsageCount],
    *,
    period_from: date,
    period_to: date,
    office: str,
) -> Report:
    """Each department's target against its cases month by month (all offices' targets and
    cases added up when the report covers several), the achievement, the lags, and the
    appendix 18 scores of 預定目標達成率 (60 of the 100 points: 30 progress control, 30
    result). Only departments with a target in the period appear."""
    months = months_between(period_from, period_to)
    goal, actual = _goals_and_actuals(catalogue, targets, usage, months)
    month_rows: list[tuple[Cell, ...]] = []
    score_rows: list[tuple[Cell, ...]] = []
    points: dict[str, float] = {}
    review = sum_target = sum_actual = 0
    for dept, metric in sorted(goal):
        name = _department_name(catalogue, dept)
        pr = _progress(name, metric, goal[(dept, metric)], actual[(dept, metric)], months)
        month_rows += pr.rows
        review += pr.review
        if not pr.rows:
            continue
        p, r = progress_score(pr.monthly, pr.cumulative), result_score(pr.cumulative[-1])
        pts = round(0.3 * p + 0.3 * r, 1)
        sum_target, sum_actual = sum_target + pr.target, sum_actual + pr.actual
        points[f"{dept}:{metric}"] = pts
        score_rows.append(
            (name, metric, pr.target, pr.actual, rate_pct(pr.actual, pr.target), p, r, pts)
        )
    return Report(
        kind="targets",
        title="每月目標值達成情形 Monthly targets and achievement",
        period_from=period_from,
        period_to=period_to,
        office=office,
        tables=(
            ReportTable(T_TARGETS, TARGET_COLUMNS, tuple(month_rows)),
            ReportTable(T_SCORES, SCORE_COLUMNS, tuple(score_rows)),
        ),
        charts=(_points_chart(catalogue, points),),
        totals={
            "departments": len(score_rows),
            "target": sum_target,
            "actual": sum_actual,
            "review_months": review,
        },
    )
