"""A demo county's monthly targets (appendix 18) for the demo office.

Targets are the county's to set (``eservice-county-server targets set``) and reach an office
through its feed. A demo county used to hold none, so the targets report of ``make run``'s
counter said 「本期無資料」 for every period: the one supervisor figure the demo could not show.
``serve --demo`` now sets a few months of them for the demo office, once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county.reports import set_targets
from eservice_desktop.county.store import CountyTargetRow
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.report_model import months_between

#: Months of targets a demo county sets: this one and the ones before it.
DEMO_MONTHS = 3

#: A demo department's monthly targets by metric: about what the counter's demo data
#: (``gui --demo``: 300 cases over 40 office days, 40 % online) takes in a month.
DEMO_VALUES = {"cases": 150, "online": 60}


def seed_demo_targets(s: Session, catalogue: Catalogue, office: str, now: datetime) -> int:
    """Sets the demo office's targets for :data:`DEMO_MONTHS` months, for each department
    whose services it takes in, and publishes them to its feed; returns how many were set.
    A county that holds any target already is left alone (a restarted demo keeps what the
    user set meanwhile)."""
    if s.scalar(select(CountyTargetRow.office).limit(1)) is not None:
        return 0
    departments = sorted({sv.department for sv in catalogue.services_at(catalogue.office(office))})
    rows = [
        {"office": office, "department": d, "month": m, "metric": metric, "value": value}
        for m in _months(now.astimezone(TAIPEI).date(), DEMO_MONTHS)
        for d in departments
        for metric, value in DEMO_VALUES.items()
    ]
    set_targets(s, catalogue, rows, now)
    return len(rows)


def _months(today: date, count: int) -> tuple[str, ...]:
    """``count`` months (``YYYY-MM``, as the targets report writes them) ending with
    ``today``'s, oldest first."""
    first = today.year * 12 + today.month - count  # the first month, counted from year 0
    return months_between(date(first // 12, first % 12 + 1, 1), today)
