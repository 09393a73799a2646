"""The day's closing taken before (``printing.closing_retake``): the newest print or export of
the same closing in the access log, and the receipts, voids and refunds of the closing that
came after it."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.office_zone import day_bounds
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.printing.closing import ClosingReport
from eservice_desktop.printing.closing_retake import EarlierClosing
from eservice_desktop.services import access
from eservice_desktop.services.payments_receipts import aware
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_audit import AccessLogRow

#: The scope the access log names after the day since builds of 2026-12-03 on.
_SCOPED = re.compile(r"(office|counter \d+)( |$)")


def _taken_at(s: Session, report: ClosingReport, scope: str) -> datetime | None:
    """When the newest closing of the day in ``scope`` was printed or exported. Builds before
    2026-12-03 logged an export as ``closing report DAY FILE``, naming no scope: such a one
    counts for every scope. It did not count at all, so a day closed before an upgrade and
    taken again after it (a receipt of it voided since) said nothing of the closing handed
    in, whose figures no longer held."""
    day = f"closing report {report.day.isoformat()} "
    rows = s.execute(
        select(AccessLogRow.at, AccessLogRow.detail)
        .where(
            AccessLogRow.office == report.office_code,
            AccessLogRow.action.in_((access.PRINT, access.EXPORT)),
            AccessLogRow.detail.startswith(day),
        )
        .order_by(AccessLogRow.at.desc())
    )
    for at, detail in rows:
        rest = str(detail)[len(day) :]
        if rest == scope or rest.startswith(scope + " ") or not _SCOPED.match(rest):
            return at
    return None


def earlier_closing(
    s: Session, report: ClosingReport, scope: str, dev: str | None
) -> EarlierClosing | None:
    """``scope`` as the access log names it (``office``, ``counter 01``). What came after it
    is what this counter has held since (its events' ``recorded_at``), not what was made since
    (their ``at``): a receipt another counter took offline before this closing was printed
    reached it by a later sync, and the office-wide closing taken again said nothing had come
    since the first, whose figures no longer held."""
    taken = _taken_at(s, report, scope)
    if taken is None:
        return None
    at = aware(taken)
    numbers = {r.number for r in report.receipts}
    voided = {r.number for r in (*report.voids, *report.voided_here)}
    receipts = _since(s, report, at, (ev.PAYMENT_RECORDED, ev.ONLINE_RECEIPT_ISSUED), numbers)
    voids = _since(s, report, at, (ev.RECEIPT_VOIDED,), voided)
    start, end = day_bounds(report.day)
    refunds = select(EventRow.payload).where(
        EventRow.type == ev.PAYMENT_REFUNDED,
        EventRow.office == report.office_code,
        EventRow.at >= start,
        EventRow.at < end,
        EventRow.recorded_at > at,
    )
    if dev is not None:
        refunds = refunds.where(EventRow.device == dev)
    return EarlierClosing(
        at=at.isoformat(),
        shown_at=roc_minute(at),
        receipts=tuple(receipts),
        voids=tuple(voids),
        refunds=tuple(str(p.get("receipt_number", "")) for p in s.scalars(refunds)),
        corrections=_corrected_since(s, report, at),
    )


def _corrected_since(s: Session, report: ClosingReport, at: datetime) -> tuple[str, ...]:
    """The day's receipts whose method was corrected after ``at``, whatever day it was made:
    it moves their money on this day's closing (``services.payment_method``)."""
    numbers = {c.receipt_number for c in report.corrections if c.counts_here}
    if not numbers:
        return ()
    payloads = s.scalars(
        select(EventRow.payload).where(
            EventRow.type == ev.PAYMENT_METHOD_CORRECTED, EventRow.recorded_at > at
        )
    )
    return tuple(
        sorted({n for p in payloads if (n := str(p.get("receipt_number", ""))) in numbers})
    )


def _since(
    s: Session, report: ClosingReport, at: datetime, types: tuple[str, ...], numbers: set[str]
) -> list[str]:
    """The receipt numbers among ``numbers`` whose event of ``types`` (made that day) this
    counter has held only since ``at``, in order."""
    start, end = day_bounds(report.day)
    payloads = s.scalars(
        select(EventRow.payload).where(
            EventRow.type.in_(types),
            EventRow.at >= start,
            EventRow.at < end,
            EventRow.recorded_at > at,
        )
    )
    return sorted({n for p in payloads if (n := str(p.get("receipt_number", ""))) in numbers})
