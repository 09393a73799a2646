"""The citizen's status query (``/v1/public/status``, ``/status``): a case's four stages and
its pickup office, found by case number and the last four characters of the applicant's ID.

Only masked data leaves here; ``channels.pay`` finds its case with the same look-up.
"""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county import notify, push_rows
from eservice_desktop.county.store import CountyCaseRow
from eservice_desktop.domain.case import CANCELLED, CLOSED, REJECTED, CaseState
from eservice_desktop.domain.errors import DomainError

STAGES: tuple[tuple[str, str, str], ...] = (
    ("received", "收件", "Received"),
    ("payment", "繳費", "Payment"),
    ("supplement", "補正", "Supplement"),
    ("closed", "結案", "Closed"),
)


def case_by_number(s: Session, case_number: str) -> tuple[CountyCaseRow, CaseState] | None:
    """The case with this number and its state as the county folds it; None when unknown."""
    row = s.scalar(select(CountyCaseRow).where(CountyCaseRow.case_number == case_number))
    if row is None:
        return None
    states, _history = push_rows.load_states(s, {row.case_id})
    state = states.get(row.case_id)
    return (row, state) if state is not None else None


def status_of(s: Session, case_number: str, id_last4: str) -> dict[str, Any] | None:
    """The four stages of a case and its pickup office, when the last four characters of the
    applicant's ID match; None otherwise (the caller cannot tell which was wrong). Only masked
    data: no name, phone, e-mail, fields or amounts beyond what is still due; the office's
    reason of a rejection, or of a supplement still awaited, as its notice says it."""
    found = case_by_number(s, case_number.strip().upper())
    if found is None:
        return None
    _row, st = found
    if not hmac.compare_digest(st.applicant_id[-4:].upper(), id_last4.strip().upper()[:4]):
        return None
    catalogue = notify.county_catalogue(s)
    pickup = st.pickup_office or st.office
    try:
        office = catalogue.office(pickup)
        office_name, office_name_en = office.name, office.name_en
    except DomainError:
        office_name = office_name_en = pickup
    return {
        "case_number": st.case_number,
        # as the notices name it, in both languages (the page is zh-TW with English): the
        # catalogue's "(預約) (online reservation)" told a counter's citizen of a reservation
        "service": notify.service_label(catalogue, st.service_code),
        "service_en": notify.service_label_en(catalogue, st.service_code),
        "applicant_id_masked": _masked_id(st.applicant_id),
        "channel": st.channel,
        "status": st.status,
        "status_label": st.status_label("zh_TW"),
        "status_label_en": st.status_label("en"),
        "stages": [
            {"key": k, "label_zh": zh, "label_en": en, "state": a, "at": b}
            for k, zh, en in STAGES
            for a, b in [_stage(st, k)]
        ],
        # by mail, there is no office to collect at: the page named the handling office as the
        # pickup office, and a citizen went there for documents already in the post
        "pickup_method": st.pickup_method,
        "pickup_office": pickup,
        "pickup_office_name": office_name,
        "pickup_office_name_en": office_name_en,
        "ready_for_pickup": st.lifecycle == "ready_for_pickup",
        "picked_up": st.lifecycle == "picked_up",
        # when: a citizen whose MMS had gone to someone else read 已領件 and could not tell
        # whether it was her own collection (never who: the collector is personal data)
        "picked_up_at": _picked_up_at(st),
        "mailed": st.pickup_method == "mail" and st.lifecycle == CLOSED,
        "balance": _still_due(st),
        # what the office wrote to the citizen: the seed's citizen whose case was rejected saw
        # no reason and had to phone (table 7; 「註明駁回原因後退件」), and one without a phone
        # or e-mail got neither notice
        "rejection_reason": st.rejection_reason if st.lifecycle == REJECTED else "",
        "supplement_reason": st.supplement_reason if _awaiting_supplement(st) else "",
        # and the day to bring it by and the documents, as its notice says them ("", [])
        "supplement_by": st.supplement_by if _awaiting_supplement(st) else "",
        "supplement_items": list(st.supplement_items) if _awaiting_supplement(st) else [],
    }


def _picked_up_at(st: CaseState) -> str | None:
    at = st.picked_up_at if st.lifecycle == "picked_up" else None
    return at.isoformat() if at else None


def _still_due(st: CaseState) -> int:
    """What the citizen still has to pay: nothing on a rejected or cancelled case (no channel
    or counter takes a payment there; the page said 尚需繳費 NT$30 on a rejected case)."""
    return 0 if st.lifecycle in (REJECTED, CANCELLED) else max(st.balance, 0)


def _awaiting_supplement(st: CaseState) -> bool:
    """A supplement still to bring: asked and the case still open. A case rejected for it
    (逾期未補正，依規定駁回) or withdrawn keeps the request, and the page went on showing 補正
    進行中 and 應補正事項 beside 駁回理由: the documents, it said, could still be brought."""
    return st.supplement_since is not None and st.is_open


def _masked_id(applicant_id: str) -> str:
    """The ID as the asker proved it: only its last four characters. The voucher's mask
    (``A12345****``, seed appendix 30) shows the first six, which beside the four the asker
    typed was the whole ID of whoever's case number and last four were known or guessed."""
    value = applicant_id.strip()
    return "*" * max(len(value) - 4, 0) + value[-4:]


def _stage(st: CaseState, key: str) -> tuple[str, str | None]:
    """One stage's state (done, current, pending, not_needed) and when it was reached."""
    if key == "received":
        if st.awaiting_acceptance:
            return "current", st.received_at.isoformat()
        return "done", (st.accepted_at or st.received_at).isoformat()
    if key == "payment":
        if st.fees_due == 0:
            return "not_needed", None
        if st.balance <= 0:
            paid = max((p.at for p in st.payments if p.net > 0), default=None)
            return "done", paid.isoformat() if paid else None
        return ("current", None) if _still_due(st) else ("not_needed", None)
    if key == "supplement":
        if st.supplement_since is not None and _awaiting_supplement(st):
            return "current", st.supplement_since.isoformat()
        if st.supplement_since is not None:
            return "not_needed", None  # asked, never brought, and the case ended
        return ("done", None) if st.supplement_reason else ("not_needed", None)
    if st.lifecycle != "open":
        return "done", st.closed_at.isoformat() if st.closed_at else None
    return "pending", None
