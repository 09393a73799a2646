"""The targets report (appendix 18): monthly targets per department against the cases
received, and the scoring of 預定目標達成率 (:func:`progress_score`, :func:`result_score`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, Final

from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.report_model import (
    Cell,
    ChartSpec,
    Report,
    ReportTable,
    months_between,
)
from eservice_desktop.domain.supervisor.common import (
    T_SCORES,
    T_TARGETS,
    TARGET_METRICS,
    department_name,
    department_of,
    is_online,
    rate_pct,
)
from eservice_desktop.domain.supervisor.usage import UsageCount
from eservice_desktop.domain.values import (
    check_int,
    check_office,
    check_text,
)


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
    month = check_month(raw.get("month"))
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


def check_month(month: object) -> str:
    """A target's month, ``YYYY-MM`` (2000–2099)."""
    if not isinstance(month, str) or not _MONTH_RE.fullmatch(month):
        raise DomainError(
            "target.month", "月份格式須為 YYYY-MM", "The month must be YYYY-MM", "month"
        )
    return month


#: (upper bound of the lag in %, score at the band's top, score at its bottom): 進度控制情形
#: ("每月進度或總累積進度曾連續2個月落後在 5% / 15% / 25% 以下", then beyond 25 %).
_PROGRESS_BANDS: Final = ((5.0, 99, 80), (15.0, 79, 60), (25.0, 59, 40), (100.0, 39, 1))
#: 進度控制結果: the year's progress behind by at most 3 % / 5 % / 10 %, then beyond.
_RESULT_BANDS: Final = ((3.0, 99, 80), (5.0, 79, 60), (10.0, 59, 40), (100.0, 39, 1))
#: 陸.一: a month 20 % or more behind its target calls for a review meeting (「低於目標達成率
#: 20% 以上」: 以上 counts the 20 % itself, as the bands' 以下 above count theirs).
REVIEW_LAG_PCT: Final = 20.0
#: The mark of a month listed but not judged: the period cuts it, or it is not over yet.
PARTIAL_MONTH: Final = "未滿整月，不評 Partial month, not judged"


def judged_months(period_from: date, period_to: date, today: date | None) -> frozenset[str]:
    """The months (``YYYY-MM``) the period covers whole and that ended before ``today`` (None:
    every whole month): a target is a whole month's, so only these are judged. The GUI's
    month-to-date report, or a year whose later months are still to come, used to judge the
    running month on its first days and the months ahead as 100 % behind."""
    out = set()
    for m in months_between(period_from, period_to):
        first = date.fromisoformat(m + "-01")
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if period_from <= first and last <= period_to and (today is None or last < today):
            out.add(m)
    return frozenset(out)


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
        dept = department_of(catalogue, u.service_code)
        actual[(dept, "cases")][u.month] += u.cases
        if is_online(u.channel):
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
    name: str,
    metric: str,
    g: Mapping[str, int],
    a: Mapping[str, int],
    *,
    months: tuple[str, ...],
    judged: frozenset[str],
) -> _Progress:
    out = _Progress([], [], [])
    for m in (m for m in months if g.get(m, 0) > 0):
        if m not in judged:  # listed with the cases so far, out of the sums, lags and scores
            so_far = a.get(m, 0)
            cells = (name, metric, m, g[m], so_far, rate_pct(so_far, g[m]))
            out.rows.append((*cells, None, None, None, PARTIAL_MONTH))
            continue
        out.target, out.actual = out.target + g[m], out.actual + a.get(m, 0)
        lag_m, lag_c = lag_pct(a.get(m, 0), g[m]), lag_pct(out.actual, out.target)
        out.monthly.append(lag_m)
        out.cumulative.append(lag_c)
        meeting = lag_m >= REVIEW_LAG_PCT  # exact: 100.0 * (t - a) / t is 20.0 at 20 %
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
            f"{department_name(catalogue, k.split(':')[0])} {k.split(':')[1]}" for k in keys
        ),
        series=(("得分 Points (60)", tuple(points[k] for k in keys)),),
        unit="分",
    )


def _add_up(sums: dict[str, int], metric: str, target: int, actual: int) -> None:
    """Adds a scored row to its metric's own sums (``cases_target``, ``online_actual`` ...)."""
    sums[f"{metric}_target"] = sums.get(f"{metric}_target", 0) + target
    sums[f"{metric}_actual"] = sums.get(f"{metric}_actual", 0) + actual


def build_targets(
    catalogue: Catalogue,
    targets: Iterable[Target],
    usage: Iterable[UsageCount],
    *,
    period_from: date,
    period_to: date,
    office: str,
    today: date | None = None,
) -> Report:
    """Each department's target against its cases month by month (all offices' targets and
    cases added up when the report covers several), the achievement, the lags, and the
    appendix 18 scores of 預定目標達成率 (60 of the 100 points: 30 progress control, 30
    result). Only departments with a target in the period appear; only the months of
    :func:`judged_months` are judged (the others are marked :data:`PARTIAL_MONTH`)."""
    months = months_between(period_from, period_to)
    judged = judged_months(period_from, period_to, today)
    goal, actual = _goals_and_actuals(catalogue, targets, usage, months)
    month_rows: list[tuple[Cell, ...]] = []
    score_rows: list[tuple[Cell, ...]] = []
    points: dict[str, float] = {}
    review = sum_target = sum_actual = 0
    #: each metric's own sums: "target" and "actual" add cases and online cases up
    by_metric: dict[str, int] = {}
    for dept, metric in sorted(goal):
        name = department_name(catalogue, dept)
        pr = _progress(
            name, metric, goal[(dept, metric)], actual[(dept, metric)], months=months, judged=judged
        )
        month_rows += pr.rows
        review += pr.review
        if not pr.monthly:  # no month of it judged: nothing to score
            continue
        p, r = progress_score(pr.monthly, pr.cumulative), result_score(pr.cumulative[-1])
        pts = round(0.3 * p + 0.3 * r, 1)
        sum_target, sum_actual = sum_target + pr.target, sum_actual + pr.actual
        _add_up(by_metric, metric, pr.target, pr.actual)
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
            **by_metric,
        },
    )
