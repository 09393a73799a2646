"""The online payments of a period that no counter issued a receipt for, for the
reconciliation statement (appendix 22).

A web or kiosk payment reaches the office as the channel's ``case.payment_recorded``, written at
the county without a receipt number (docs/channels.md): the ``receipts`` projection has no row
for it until a clerk issues the office's receipt on request (``payment online-receipt``), which
most citizens never ask for. The statement read ``receipts`` alone, so it left those payments
out: the treasury deposited money the office's statement did not list, and its totals could not
be matched. They are read here from the payment events of the period and their cases' streams.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.case_state import Payment
from eservice_desktop.domain.office_zone import TAIPEI, day_bounds
from eservice_desktop.domain.settlement_file import transaction_id
from eservice_desktop.printing.reconciliation import ReconciliationRow
from eservice_desktop.services.payments_receipts import aware
from eservice_desktop.services.projections import load_states
from eservice_desktop.storage.models import EventRow

#: How far a payment event's time may lie from its authorisation time (the channel writes both
#: from the county's clock at once; a day either way keeps a late write in).
_SLACK = timedelta(days=1)


def unreceipted_online(
    s: Session, office: str, start: date, end: date
) -> list[tuple[str, datetime, ReconciliationRow]]:
    """Each online payment of ``office`` authorised between ``start`` and ``end`` (Taipei
    days, both included) that holds no receipt number: its case id, its authorisation time
    and its statement row, the 規費單號 column empty."""
    lo, _ = day_bounds(start)
    _, hi = day_bounds(end)
    case_ids = set(
        s.scalars(
            select(EventRow.case_id).where(
                EventRow.type == ev.PAYMENT_RECORDED,
                EventRow.office == office,
                # only the online ones' cases are folded: a month's counter payments are many
                EventRow.payload["method"].as_string() == "online",
                EventRow.at >= lo - _SLACK,
                EventRow.at < hi + _SLACK,
            )
        )
    )
    out: list[tuple[str, datetime, ReconciliationRow]] = []
    for case_id, state in _states(s, case_ids).items():
        for p in state.payments:
            at = _authorised(p)
            if p.method == "online" and not p.receipt_number and lo <= at < hi:
                out.append((case_id, at, _row(state, p, at)))
    return out


def unreceipted_by_transaction(
    s: Session, office: str, wanted: set[str]
) -> dict[str, tuple[CaseState, Payment]]:
    """Each wanted transaction id (交易電子案號: the channel's reference, else the payment id)
    that is an online payment of ``office`` without a receipt number, with its case: the lines
    of the treasury's file for them were ``unknown`` to the office's import."""
    ids = sorted(wanted)
    case_ids: set[str] = set()
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        case_ids.update(
            s.scalars(
                select(EventRow.case_id).where(
                    EventRow.type == ev.PAYMENT_RECORDED,
                    EventRow.office == office,
                    EventRow.payload["method"].as_string() == "online",
                    EventRow.payload["reference"].as_string().in_(chunk)
                    | EventRow.payload["payment_id"].as_string().in_(chunk),
                )
            )
        )
    out: dict[str, tuple[CaseState, Payment]] = {}
    for state in _states(s, case_ids).values():
        for p in state.payments:
            if p.method != "online" or p.receipt_number:
                continue
            for key in (p.payment_id, transaction_id(p.payment_id, p.reference)):
                if key in wanted:
                    out[key] = (state, p)
    return out


def _states(s: Session, case_ids: set[str]) -> dict[str, CaseState]:
    """The cases' current states from one read of their streams (the ingest's own look-up)."""
    states = load_states(s, case_ids)[0]
    return {k: v for k, v in states.items() if v is not None}


def _authorised(p: Payment) -> datetime:
    return aware(datetime.fromisoformat(p.authorised_at)) if p.authorised_at else aware(p.at)


def _row(state: CaseState, p: Payment, at: datetime) -> ReconciliationRow:
    return ReconciliationRow(
        case_number=state.case_number,
        transaction_id=transaction_id(p.payment_id, p.reference),
        authorised_at=f"{at.astimezone(TAIPEI):%Y/%m/%d %H:%M:%S}",
        payment_tool=p.payment_tool,
        deposit_date=p.deposit_date.replace("-", "/"),
        amount=p.amount,
        deposited=p.deposited,
        settlement_number=p.settlement_number,
        receipt_number="",
        void=p.voided,
    )
