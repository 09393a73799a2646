"""Who at which office viewed, searched, printed or exported a citizen's cases: the offices'
access logs as the county keeps them (``county_access_log``, pushed by every office after its
events, services/access.py), read by case number, by the citizen's ID or by the operator's account.

An office answers for its own log (``eservice-desktop report access``), but a citizen's cases
may be at several offices, a case routed to another office's pickup desk is viewed there too,
and a replaced counter's log is at the county only. The county held every office's records and
had no way to read them: its auditor, asked by a citizen who had looked at their data, could
only open the database by hand. :func:`who_accessed` lists them, oldest first: the records of
the cases (by number; by ID, the cases the citizen applied for, from their ``case.received``)
and, by ID, the searches whose text holds it (a search names no case).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from eservice_desktop.county.lookup_log import as_utc
from eservice_desktop.county.store import (
    CountyAccessRow,
    CountyCaseRow,
    CountyEventRow,
    OperatorRow,
    aware,
)
from eservice_desktop.domain import events as ev

#: The most records one listing holds, the oldest (it says when more follow).
LIMIT = 10_000


@dataclass(frozen=True)
class AccessSeen:
    """One access record, as :func:`who_accessed` lists it."""

    at: str  # ISO 8601, UTC
    office: str
    device: str
    operator: str
    action: str
    case_number: str
    detail: str
    #: The counter it was made under when not ``office``-``device`` (a code corrected since).
    recorded_as: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def cases_of(s: Session, subject_id: str) -> list[str]:
    """The numbers of the cases ``subject_id`` applied for (their ``case.received``)."""
    applicant = func.upper(CountyEventRow.payload[("applicant", "id")].as_string())
    ids = select(CountyEventRow.case_id).where(
        CountyEventRow.type == ev.RECEIVED, applicant == subject_id.strip().upper()
    )
    query = select(CountyCaseRow.case_number).where(CountyCaseRow.case_id.in_(ids))
    return sorted(set(s.scalars(query)))


def account_named(s: Session, account: str, office: str | None = None) -> bool:
    """Whether ``account`` is an operator the county provisions (at ``office``) or is named by
    an access record there: ``clerk1`` typed for ``clerk01`` is refused, not "no record"."""
    known = select(OperatorRow.account).where(OperatorRow.account == account)
    logged = select(CountyAccessRow.access_id).where(CountyAccessRow.operator == account)
    if office is not None:
        known = known.where(OperatorRow.office == office)
        logged = logged.where(CountyAccessRow.office == office)
    return any(s.scalar(q.limit(1)) is not None for q in (known, logged))


def who_accessed(
    s: Session,
    *,
    case_number: str | None = None,
    subject_id: str | None = None,
    operator: str | None = None,
    office: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = LIMIT,
) -> list[AccessSeen]:
    """The records of ``case_number``, or of ``subject_id``'s cases and the searches for it
    (``subject_id`` in capitals, as typed at a counter it is compared so), or every record of
    the account ``operator`` (its sign-ins and sign-outs with what it viewed: which counter it
    was signed in at, a replaced counter's too), narrowed to ``office`` when given, ``start``
    included, ``end`` excluded, at most ``limit``, oldest first."""
    which: list[ColumnElement[bool]] = []
    if operator is not None:
        which.append(CountyAccessRow.operator == operator)
    if case_number is not None:
        which.append(CountyAccessRow.case_number == case_number)
    if subject_id is not None:
        which.append(CountyAccessRow.case_number.in_(cases_of(s, subject_id)))
        which.append(
            (CountyAccessRow.action == "search")
            & func.upper(CountyAccessRow.detail).contains(
                subject_id.strip().upper(), autoescape=True
            )
        )
    if not which:
        return []
    query = select(CountyAccessRow).where(or_(*which))
    if office is not None:
        query = query.where(CountyAccessRow.office == office)
    if start is not None:
        query = query.where(CountyAccessRow.at >= as_utc(start))
    if end is not None:
        query = query.where(CountyAccessRow.at < as_utc(end))
    rows = s.scalars(query.order_by(CountyAccessRow.at, CountyAccessRow.access_id).limit(limit))
    return [
        AccessSeen(
            at=aware(r.at).isoformat(),
            office=r.office,
            device=r.device,
            operator=r.operator,
            action=r.action,
            case_number=r.case_number,
            detail=r.detail,
            recorded_as=r.recorded_as,
        )
        for r in rows
    ]
