"""The push's projection of each case it touched into ``county_case_facts`` and
``county_case_lookups`` (what the county's supervisor reports count, ``county/reports.py``),
in the push's transaction, from the same ``domain.case`` fold the county checks events with.

Due dates come from ``domain.deadline`` with the working calendar the county knows (the
shipped DGPA calendars, overridden by any it published) and each office's catalogue hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import (
    CountyCaseFactRow,
    CountyCaseLookupRow,
    FeedRow,
    published,
)
from eservice_desktop.county.store_rows import among, insert_tuples, update_tuples
from eservice_desktop.domain.calendar import OfficeHours, WorkingCalendar, parse_dgpa_csv
from eservice_desktop.domain.case import CANCELLED, CaseState, open_pauses
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.deadline import closed_on_time, due_date
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI

_calendar_cache: dict[tuple[str, int], WorkingCalendar] = {}
#: The seq of the calendar published last (built once: every push asks it).
_PUBLISHED_SEQ = select(func.max(FeedRow.seq)).where(*published("calendar"))


def county_calendar(s: Session) -> WorkingCalendar:
    """The shipped DGPA calendars merged with every calendar the county published."""
    from eservice_desktop.storage import resources

    seq = s.scalar(_PUBLISHED_SEQ) or 0
    key = (str(s.get_bind().engine.url), int(seq))
    if key in _calendar_cache:
        return _calendar_cache[key]
    days: dict[date, bool] = {}
    for path in resources.shipped_calendar_files():
        days.update(
            {d: off for d, (off, _n) in parse_dgpa_csv(path.read_text("utf-8-sig")).items()}
        )
    for row in s.scalars(select(FeedRow).where(*published("calendar")).order_by(FeedRow.seq)):
        try:
            parsed = parse_dgpa_csv(str(row.data.get("csv", "")))
        except DomainError:
            continue
        days.update({d: off for d, (off, _n) in parsed.items()})
    cal = WorkingCalendar(days)
    if len(_calendar_cache) > 8:
        _calendar_cache.clear()
    _calendar_cache[key] = cal
    return cal


def _hours(catalogue: Catalogue, office: str) -> OfficeHours:
    try:
        return catalogue.office(office).hours
    except DomainError:
        return OfficeHours(opens=time(8), closes=time(17))


#: ``county_case_facts``' columns in the order :func:`project_facts` writes them.
_FACT_COLUMNS = (
    "case_id",
    "case_number",
    "office",
    "service_code",
    "channel",
    "received_day",
    "status",
    "consent",
    "due_date",
    "closed_on_time",
    "holder",
    "held_since",
)


def project_facts(s: Session, states: Mapping[str, CaseState], touched: Iterable[str]) -> None:
    """Writes the facts row of every case the push touched (in the push's transaction)."""
    from eservice_desktop.county.notify import county_catalogue

    ids = sorted(set(touched) & set(states))
    if not ids:
        return
    catalogue = county_catalogue(s)
    calendar = county_calendar(s)
    existing = set(
        s.scalars(select(CountyCaseFactRow.case_id).where(among(s, CountyCaseFactRow.case_id, ids)))
    )
    new_rows: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    office_hours: dict[str, OfficeHours] = {}  # a push's cases share a few offices
    for case_id in ids:
        st = states[case_id]
        hours = office_hours.get(st.office)
        if hours is None:
            hours = office_hours[st.office] = _hours(catalogue, st.office)
        due = due_date(
            st.received_at,
            st.time_limit_working_days,
            calendar,
            hours,
            open_pauses(st),
            closed_at=st.closed_at,
        )
        verdict = (
            None
            if st.closed_at is None or due is None or st.lifecycle == CANCELLED
            else closed_on_time(due, st.closed_at, hours)
        )
        row = (
            case_id,
            st.case_number,
            st.office,
            st.service_code,
            st.channel,
            st.received_at.astimezone(TAIPEI).date(),
            st.status,
            bool(st.consent_kinds),
            due,
            verdict,
            st.last_clerk,
            st.last_event_at or st.received_at,
        )
        if case_id in existing:
            changed.append(row)
        else:
            new_rows.append(row)
    # set-based: one multi-row insert, one executemany update by primary key
    insert_tuples(s, CountyCaseFactRow, _FACT_COLUMNS, new_rows)
    update_tuples(s, CountyCaseFactRow, _FACT_COLUMNS, changed)
    _project_lookups(s, states, ids)
    s.flush()


def _project_lookups(s: Session, states: Mapping[str, CaseState], ids: list[str]) -> None:
    """``county_case_lookups``: the kinds each touched case looked up (they only grow)."""
    looked = [case_id for case_id in ids if states[case_id].lookup_kinds]
    if not looked:
        return
    have = {
        (str(case_id), str(kind))
        for case_id, kind in s.execute(
            select(CountyCaseLookupRow.case_id, CountyCaseLookupRow.kind).where(
                CountyCaseLookupRow.case_id.in_(looked)
            )
        )
    }
    for case_id in looked:
        for kind in sorted(states[case_id].lookup_kinds):
            if (case_id, kind) not in have:
                s.add(CountyCaseLookupRow(case_id=case_id, kind=kind))


def redate_facts(s: Session, before: WorkingCalendar) -> int:
    """Projects again the facts of every case whose count crosses a day the county's calendar
    (just published, in this transaction) judges otherwise than ``before``; returns how many.

    The facts hold the due date and the verdict of the calendar at the case's last push: a
    typhoon day published afterwards would leave the county's on-time report counting an open
    case overdue, and one closed the day after late, where the office (which re-dates on the
    pull, ``services.calendar.redate_cases``) counts them on time."""
    from eservice_desktop.county.push_rows import load_states

    changed = before.changed_days(county_calendar(s))
    if not changed:
        return 0
    rows = s.execute(
        select(
            CountyCaseFactRow.case_id, CountyCaseFactRow.received_day, CountyCaseFactRow.due_date
        ).where(
            CountyCaseFactRow.received_day <= max(changed),
            CountyCaseFactRow.due_date >= min(changed),
        )
    ).all()
    ids = {
        str(case_id)
        for case_id, received, due in rows
        if WorkingCalendar.crosses(changed, received, due)
    }
    states, _history = load_states(s, ids)
    project_facts(s, states, ids)
    return len(ids)
