"""The reports page's period fields: their default (this month so far, by the office's day)
and its move to the new day when the window stayed open past midnight."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.gui.roc_date_edit import RocDateEdit


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def month_so_far(now: datetime) -> tuple[date, date]:
    """The default period at ``now`` (the App's clock): the first of the office's month to
    its day, in Taipei."""
    today = now.astimezone(TAIPEI).date()
    return today.replace(day=1), today


def roll_default(
    fields: tuple[RocDateEdit, RocDateEdit], default: tuple[date, date], now: datetime
) -> tuple[date, date]:
    """The page shown again (F7): a period still the ``default`` of a day gone by (the window
    left open overnight, or over the year's turn) moves to this month so far, which it returns
    as the new default. It stayed 115/12/01–115/12/31 on 116/01/02, and Enter gave last month's
    report for this one's. A period the supervisor set is kept."""
    current = month_so_far(now)
    shown = (pydate(fields[0].date()), pydate(fields[1].date()))
    if current != default and shown == default:
        fields[0].setDate(qdate(current[0]))
        fields[1].setDate(qdate(current[1]))
    return current
