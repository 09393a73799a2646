"""The case rules of ``case.phone_changed`` (the applicant's new mobile number) and
``case.code_reissue_requested`` (a new pickup code).

Apart from ``case_rules`` (which dispatches to them): a new number is of use until the documents
are collected, so the rule is not "an open case only" but its own. A case in progress (its
notices), closed or ready (the pickup code, docs/pickup.md "A new mobile number") takes it; one
collected, withdrawn or rejected has nothing left to tell the citizen by phone. A new code is
for a case ready for pickup only: before, the county has issued none; after, it was used.
"""

from __future__ import annotations

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import CANCELLED, PICKED_UP, READY, REJECTED, CaseState
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.state_copy import replace

_ENDED: dict[str, tuple[str, str]] = {
    PICKED_UP: ("本案已領件", "The case was already picked up"),
    CANCELLED: ("本案已撤件", "The case was cancelled"),
    REJECTED: ("本案已駁回", "The case was rejected"),
}


def check_phone_changed(state: CaseState, _p: pl.PhoneChanged, _t: str) -> None:
    ended = _ENDED.get(state.lifecycle)
    if ended is not None:
        zh, en = ended
        raise DomainError(
            "case.not_open", zh + "，無法再變更手機號碼", en + "; its mobile number cannot change"
        )


def check_code_reissue(state: CaseState, _p: pl.CodeReissueRequested, _t: str) -> None:
    if state.lifecycle == PICKED_UP:
        raise DomainError(
            "pickup.already_picked_up",
            "本案文件已領取，領件碼已無作用",
            "The documents were already picked up; the code is used",
        )
    if state.lifecycle != READY:
        raise DomainError(
            "pickup.not_ready",
            "案件尚未待領件，縣府尚未發出領件碼",
            "The case is not ready for pickup; the county has issued no code yet",
        )


def fold_phone_changed(s: CaseState, p: pl.PhoneChanged, e: ev.Event) -> CaseState:
    """The case's number is the one of the latest change by its time (then its event id), not
    of the change folded last: two counters offline that each recorded a number each folded
    the other's after their own, so the two showed each other's number for good and the county
    sent to the one pushed last. An earlier change folded after a later one changes nothing."""
    key = (e.at, e.event_id)
    if s.phone_changed is not None and key < s.phone_changed:
        return s
    return replace(s, phone=p.phone, phone_changed=key)


def asks_new_code(e: ev.Event, before: CaseState | None, after: CaseState) -> bool:
    """Whether the county is to make the ready case ready again with a new code: a clerk asked
    for one, or a change left the case with another number. A change recorded earlier at another
    counter and pushed after a later one leaves the number as it was (:func:`fold_phone_changed`)
    and made the case ready again all the same: a second code and MMS to the same phone."""
    if after.lifecycle != READY:
        return False
    if e.type == ev.CODE_REISSUE_REQUESTED:
        return True
    return e.type == ev.PHONE_CHANGED and before is not None and before.phone != after.phone
