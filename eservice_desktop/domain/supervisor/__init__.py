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

One module per report (``on_time``, ``usage``, ``savings``, ``targets``) over ``common``;
every public name is importable from here.
"""

from __future__ import annotations

from eservice_desktop.domain.supervisor.common import (
    CLOSED_STATUSES,
    FINISHED_STATUSES,
    OPEN_STATUSES,
    T_DEPARTMENTS,
    T_OVERDUE,
    T_SAVINGS,
    T_SAVINGS_TOTAL,
    T_SCORES,
    T_SERVICES,
    T_TARGETS,
    T_USAGE_MONTHS,
    T_USAGE_SERVICES,
    TARGET_METRICS,
    department_name,
    department_of,
    is_online,
    rate_pct,
    service_names,
)
from eservice_desktop.domain.supervisor.on_time import (
    ON_TIME_COLUMNS,
    OnTimeCount,
    OverdueCase,
    build_on_time,
)
from eservice_desktop.domain.supervisor.savings import (
    NO_LOOKUPS,
    SAVINGS_COLUMNS,
    LookupCounts,
    build_savings,
    minutes_to_days,
    minutes_to_hours,
    savings_per_document,
)
from eservice_desktop.domain.supervisor.targets import (
    PARTIAL_MONTH,
    REVIEW_LAG_PCT,
    SCORE_COLUMNS,
    TARGET_COLUMNS,
    TARGET_MAX,
    Target,
    build_targets,
    check_target,
    judged_months,
    lag_pct,
    progress_score,
    result_score,
    sustained_lag,
)
from eservice_desktop.domain.supervisor.usage import (
    UsageCount,
    build_usage,
)

__all__ = [
    "CLOSED_STATUSES",
    "FINISHED_STATUSES",
    "NO_LOOKUPS",
    "ON_TIME_COLUMNS",
    "OPEN_STATUSES",
    "PARTIAL_MONTH",
    "REVIEW_LAG_PCT",
    "SAVINGS_COLUMNS",
    "SCORE_COLUMNS",
    "TARGET_COLUMNS",
    "TARGET_MAX",
    "TARGET_METRICS",
    "T_DEPARTMENTS",
    "T_OVERDUE",
    "T_SAVINGS",
    "T_SAVINGS_TOTAL",
    "T_SCORES",
    "T_SERVICES",
    "T_TARGETS",
    "T_USAGE_MONTHS",
    "T_USAGE_SERVICES",
    "LookupCounts",
    "OnTimeCount",
    "OverdueCase",
    "Target",
    "UsageCount",
    "build_on_time",
    "build_savings",
    "build_targets",
    "build_usage",
    "check_target",
    "department_name",
    "department_of",
    "is_online",
    "judged_months",
    "lag_pct",
    "minutes_to_days",
    "minutes_to_hours",
    "progress_score",
    "rate_pct",
    "result_score",
    "savings_per_document",
    "service_names",
    "sustained_lag",
]
