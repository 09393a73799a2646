"""The words of the notices that send the citizen back to the office: a supplement asked for,
a rejection, a withdrawal, a refund (the others are in ``notify.notice_text``). Each ends with
如有疑問，請洽本所 and the office's phone when the catalogue has one."""

from __future__ import annotations

import re
from collections.abc import Callable

from eservice_desktop.county.county_catalogue import office_phone
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import READY, CaseState
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.domain.supply_by import supply_by_day


def _sentence(text: str) -> str:
    """A reason typed by a clerk, as the end of a sentence: one full stop, no doubled one, and
    none after the clerk's own ! or ? (the citizen read 請於本週內補正！。)."""
    text = " ".join(text.split()).rstrip("。．.；;，, ")
    if not text:
        return ""
    return text if text[-1] in "！？!?" else text + "。"


def _supplement(state: CaseState, _event: Event, what: str, catalogue: Catalogue) -> str:
    """The reason, the documents asked for and the day to bring them by when the request
    names them (``domain/supply_by.py``; a request of an earlier version names neither)."""
    reason = _sentence(state.supplement_reason) or "請洽本所。"
    items = f"應補文件：{'、'.join(state.supplement_items)}。" if state.supplement_items else ""
    by = supply_by_day(state.supplement_by)
    when = f"請於{format_roc(by)}前" if by else "請於"
    phone = office_phone(catalogue, state.office)
    ask = f"如有疑問，請洽本所{phone}。" if phone else ""
    return f"{what}尚需補正：{reason}{items}{when}補正後送交本所，以便續辦。{ask}"


def _rejected(state: CaseState, _event: Event, what: str, catalogue: Catalogue) -> str:
    reason = _sentence(state.rejection_reason) or "詳如處分書。"
    return f"很抱歉，{what}經審查未能核准，理由：{reason}{_ask(state, catalogue)}"


def _cancelled(state: CaseState, _event: Event, what: str, catalogue: Catalogue) -> str:
    """Without the clerk's reason: it is written for the case's record (請填寫撤件理由), never
    said to be sent (a rejection's is: 民眾會看到). The fee paid is named, since a withdrawal
    refunds nothing by itself (the refund is asked for at the counter)."""
    paid = f"已繳規費新臺幣 {state.paid:,} 元如需退還，請洽本所辦理。" if state.paid > 0 else ""
    return f"{what}已撤件，本所不再辦理，亦不會寄送領件通知。{paid}{_ask(state, catalogue)}"


def _refunded(state: CaseState, event: Event, what: str, catalogue: Catalogue) -> str:
    """The amount handed back and the receipt it was paid on, whole or in part; not the clerk's
    reason (written for the approval). Told even on a case ready for pickup (``told_after``):
    money handed back that the citizen never received shows at once."""
    amount = int(event.payload.get("amount", 0))
    try:
        pay = state.payment(str(event.payload.get("payment_id", "")))
    except DomainError:
        return f"{what}已退還規費新臺幣 {amount:,} 元。{_ask(state, catalogue)}"
    receipt = f"收據號碼 {pay.receipt_number}，" if pay.receipt_number else ""
    part = "已全數退還" if pay.net == 0 else f"原繳 {pay.amount:,} 元，退還部分"
    return f"{what}已退還規費新臺幣 {amount:,} 元（{receipt}{part}）。{_ask(state, catalogue)}"


def due_at_pickup(state: CaseState) -> str:
    """The ready notice's fee still owed (its close approved with the balance due): the desk
    hands nothing over before it is paid (docs/payments.md), and the citizen, sent to another
    office often enough, learnt it only at that desk."""
    if state.balance <= 0:
        return ""
    return f"尚有規費新臺幣 {state.balance:,} 元未繳，請於領件時繳納。"


#: :func:`due_at_pickup`'s sentence in a ready notice's text, whatever its amount.
_DUE_AT_PICKUP = re.compile(r"尚有規費新臺幣 [0-9,]+ 元未繳，請於領件時繳納。")


def owed_now(body: str, state: CaseState) -> str:
    """A ready notice's text with the fee still owed as it is when sent: paid since (at a
    kiosk, on the web, at the counter), the notice, sent again for a message lost, told her to
    pay it at the desk all the same."""
    return _DUE_AT_PICKUP.sub(due_at_pickup(state), body, count=1)


def _ask(state: CaseState, catalogue: Catalogue) -> str:
    return f"如有疑問，請洽本所{office_phone(catalogue, state.office)}。"


#: The notices of a request the case stops at, ends on, or of money handed back: each names
#: the office's phone when the catalogue has it (the rejected one said 請洽本所 and no more).
ENDINGS: dict[str, Callable[[CaseState, Event, str, Catalogue], str]] = {
    "supplement_requested": _supplement,
    "rejected": _rejected,
    "cancelled": _cancelled,
    "refunded": _refunded,
}


def told_after(before: CaseState | None, event: Event) -> bool:
    """Whether an event may be told at all: nothing on a case already ready for pickup (its
    notice is the county's ready one, sent again with a new code when needed), except a refund,
    money handed back whatever the case's state."""
    if event.type == ev.PAYMENT_REFUNDED:
        return True
    return before is None or before.lifecycle != READY
