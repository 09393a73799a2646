"""The case rules of ``case.phone_changed`` (the applicant's new mobile number) and
``case.code_reissue_requested`` (a new pickup code).

Apart from ``case_rules`` (which dispatches to them): a new number is of use until the documents
are collected, so the rule is not "an open case only" but its own. A case in progress (its
notices), closed or ready (the pickup code, docs/pickup.md "A new mobile number") takes it; one
collected, withdrawn or rejected has nothing left to tell the citizen by phone. A new code is
for a case ready for pickup only: before, the county has issued none; after, it was used.
"""

from __future__ import annotations

from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import CANCELLED, PICKED_UP, READY, REJECTED, CaseState
from eservice_desktop.domain.errors import DomainError

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
