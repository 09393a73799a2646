"""The supervisor's reports at the office: on time, usage, savings and targets (issue 16).

Each report is a few SQL aggregates over ``case_stats_month`` and ``case_stats``, the
projections that count the ``cases`` rows per office, month (day) of receipt, service,
channel, status, consent and on-time verdict (kept by the writers of ``cases``,
storage/case_stats.py), never a fold of events: a year is twelve months of counts plus
the days of a partial month at either end, well under the 2 s budget
(``make bench``: benchmarks/bench_reports.py). Only the overdue list reads ``cases`` itself,
through its (office, status, due date) index. The counts go to the pure builders of
``domain.supervisor``, which the county server uses too. Nothing here writes, except
:func:`store_targets` (the county's targets, from a sync pull).

Only the cases this office received count (``cases.office``); cases other offices received
and routed here for pickup are theirs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from eservice_desktop.domain import supervisor as sv
from eservice_desktop.domain.deadline import deadline_day_of_period
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.operators import Action
from eservice_desktop.domain.report_model import REPORT_KINDS, Report, check_period
from eservice_desktop.services.core import App
from eservice_desktop.services.operators import require
from eservice_desktop.storage import case_stats
from eservice_desktop.storage.models_reports import TargetRow

_FINISHED = ", ".join(f"'{s}'" for s in sv.FINISHED_STATUSES)
_CLOSED = ", ".join(f"'{s}'" for s in sv.CLOSED_STATUSES)
_OPEN = ", ".join(f"'{s}'" for s in sv.OPEN_STATUSES)

#: The period's counts: whole months from case_stats_month, the days of a partial month at
#: either end from case_stats (see :func:`_params` for the bounds).
_PERIOD_ROWS = """
    SELECT month, service_code, channel, status, consent, on_time, lookups, n
    FROM case_stats_month
    WHERE office = :office AND month BETWEEN :m1 AND :m2
    UNION ALL
    SELECT substr(received_day, 1, 7), service_code, channel, status, consent, on_time, lookups, n
    FROM case_stats
    WHERE office = :office
      AND (received_day BETWEEN :f AND :head_end OR received_day BETWEEN :tail_start AND :t)
"""
# Per service and month of receipt.
_ON_TIME_SQL = text(
    f"""
    SELECT service_code, month, sum(n),
           sum(CASE WHEN status IN ({_FINISHED}) THEN n ELSE 0 END),
           sum(CASE WHEN on_time = 1 THEN n ELSE 0 END),
           sum(CASE WHEN status IN ({_OPEN}) THEN n ELSE 0 END)
    FROM ({_PERIOD_ROWS}) AS period
    GROUP BY service_code, month
    """
)
# The open cases past due: ix_cases_office_status_due finds them without the period's scan.
_OVERDUE_SQL = text(
    f"""
    SELECT case_number, service_code, due_date, holder, updated_at, status
    FROM cases
    WHERE office = :office AND status IN ({_OPEN}) AND due_date < :as_of
      AND received_day BETWEEN :f AND :t
    """
)
_USAGE_SQL = text(
    f"""
    SELECT service_code, channel, month, sum(n)
    FROM ({_PERIOD_ROWS}) AS period
    GROUP BY service_code, channel, month
    HAVING sum(n) > 0
    """
)
# The closed cases with consent per service and the document kinds they looked up (the
# counts' ``lookups`` key, migration 0020: no join of the look-ups to their cases).
_SAVINGS_SQL = text(
    f"""
    SELECT service_code, lookups, sum(n)
    FROM ({_PERIOD_ROWS}) AS period
    WHERE consent = 1 AND status IN ({_CLOSED})
    GROUP BY service_code, lookups
    """
)


def _params(app: App, period_from: date, period_to: date) -> dict[str, Any]:
    """The office, the period, and its split: whole months ``m1``..``m2``, the days before
    them (``f``..``head_end``) and after them (``tail_start``..``t``)."""
    check_period(period_from, period_to)
    first_full = (
        period_from
        if period_from.day == 1
        else (period_from.replace(day=28) + timedelta(days=4)).replace(day=1)
    )
    after = period_to + timedelta(days=1)
    last_full_end = period_to if after.day == 1 else period_to.replace(day=1) - timedelta(days=1)
    if first_full > last_full_end:  # no whole month: every day from case_stats
        m1, m2, head_end, tail_start = "9999-12", "0000-01", period_to, after
    else:
        m1, m2 = first_full.isoformat()[:7], last_full_end.isoformat()[:7]
        head_end, tail_start = first_full - timedelta(days=1), last_full_end + timedelta(days=1)
    return {
        "office": app.settings.office_code,
        "f": period_from.isoformat(),
        "t": period_to.isoformat(),
        "m1": m1,
        "m2": m2,
        "head_end": head_end.isoformat(),
        "tail_start": tail_start.isoformat(),
    }


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _datetime(value: Any) -> datetime:
    v = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(TAIPEI)


def today(app: App) -> date:
    """Today in Taipei by the app's clock."""
    return app.now().astimezone(TAIPEI).date()


def on_time(app: App, period_from: date, period_to: date) -> Report:
    """Appendix 11: on time per department and per service, and the overdue open cases as of
    the period's end (or now, if the period runs on past it), judged as the queue judges
    (``domain.deadline.deadline_day_of_period``)."""
    require(app, Action.REPORTS)
    p = _params(app, period_from, period_to)
    as_of = deadline_day_of_period(period_to, app.now(), app.hours)
    with app.sessions() as s:
        counts = [
            sv.OnTimeCount(code, month, int(n), int(fin or 0), int(ok or 0), int(op or 0))
            for code, month, n, fin, ok, op in s.execute(_ON_TIME_SQL, p)
            if n
        ]
        overdue = [
            sv.OverdueCase(number, code, _date(due), holder, _datetime(since), status)
            for number, code, due, holder, since, status in s.execute(
                _OVERDUE_SQL, {**p, "as_of": as_of.isoformat()}
            )
        ]
    return sv.build_on_time(
        app.catalogue,
        counts,
        overdue,
        period_from=period_from,
        period_to=period_to,
        office=p["office"],
        as_of=as_of,
        calendar=app.calendar,
    )


def _usage_counts(s: Session, p: Mapping[str, Any]) -> list[sv.UsageCount]:
    return [
        sv.UsageCount(code, channel, month, n)
        for code, channel, month, n in s.execute(_USAGE_SQL, p)
    ]


def usage(app: App, period_from: date, period_to: date) -> Report:
    """Appendix 3: cases per service and channel, month by month, with the online share."""
    require(app, Action.REPORTS)
    p = _params(app, period_from, period_to)
    with app.sessions() as s:
        counts = _usage_counts(s, p)
    return sv.build_usage(
        app.catalogue, counts, period_from=period_from, period_to=period_to, office=p["office"]
    )


def savings(app: App, period_from: date, period_to: date) -> Report:
    """Appendices 4, 6 and 10: what the closed cases with consent spared their citizens (per
    document kind looked up, for a case that recorded its look-ups)."""
    require(app, Action.REPORTS)
    p = _params(app, period_from, period_to)
    with app.sessions() as s:
        rows = s.execute(_SAVINGS_SQL, p).all()
    consented: Counter[str] = Counter()
    cases: Counter[str] = Counter()  # of those, the cases that looked something up
    by_kind: Counter[tuple[str, str]] = Counter()  # and per kind looked up, each case once
    for code, looked_up, n in rows:
        consented[code] += int(n)
        kinds = case_stats.lookup_kinds(looked_up)
        if kinds and n:
            cases[code] += int(n)
            by_kind.update(dict.fromkeys(((code, k) for k in kinds), int(n)))
    lookups = sv.LookupCounts(
        cases={c: n for c, n in cases.items() if n}, by_kind={k: n for k, n in by_kind.items() if n}
    )
    consented = Counter({c: n for c, n in consented.items() if n})
    return sv.build_savings(
        app.catalogue,
        consented,
        period_from=period_from,
        period_to=period_to,
        office=p["office"],
        lookups=lookups,
    )


def targets(app: App, period_from: date, period_to: date) -> Report:
    """Appendix 18: the county's monthly targets for this office and their achievement."""
    require(app, Action.REPORTS)
    p = _params(app, period_from, period_to)
    with app.sessions() as s:
        counts = _usage_counts(s, p)
        rows = s.scalars(select(TargetRow).where(TargetRow.office == p["office"])).all()
        goals = [sv.Target(r.office, r.department, r.month, r.metric, r.value) for r in rows]
    return sv.build_targets(
        app.catalogue,
        goals,
        counts,
        period_from=period_from,
        period_to=period_to,
        office=p["office"],
        today=today(app),
    )


REPORTS: dict[str, Callable[[App, date, date], Report]] = {
    "on-time": on_time,
    "usage": usage,
    "savings": savings,
    "targets": targets,
}
assert tuple(REPORTS) == REPORT_KINDS


def compute(app: App, kind: str, period_from: date, period_to: date) -> Report:
    """The report of that kind (``on-time``, ``usage``, ``savings``, ``targets``)."""
    require(app, Action.REPORTS)
    if kind not in REPORTS:
        raise DomainError(
            "report.kind",
            f"不明的報表種類：{kind}",
            f"Unknown report: {kind}",
            "kind",
        )
    return REPORTS[kind](app, period_from, period_to)


def store_targets(
    session: Session, office: str, rows: Iterable[Mapping[str, Any]], now: datetime
) -> int:
    """Replaces this office's targets with the county's (a sync pull, in its transaction);
    returns how many are this office's.

    Each row is checked (``domain.supervisor.check_target``); one bad row refuses the set.
    """
    checked = [sv.check_target(r) for r in rows]
    session.execute(delete(TargetRow).where(TargetRow.office == office))
    for t in checked:
        if t.office != office:
            continue
        session.add(
            TargetRow(
                office=t.office,
                department=t.department,
                month=t.month,
                metric=t.metric,
                value=t.value,
                set_at=now,
            )
        )
    session.flush()
    return sum(1 for t in checked if t.office == office)
