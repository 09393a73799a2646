"""The case rule of ``case.phone_changed``: the applicant's new mobile number.

Apart from ``case_rules`` (which dispatches to it): a new number is of use until the documents
are collected, so the rule is not "an open case only" but its own. A case in progress (its
notices), closed or ready (the pickup code, docs/pickup.md "A new mobile number") takes it; one
collected, withdrawn or rejected has nothing left to tell the citizen by phone.
"""

from __future__ import annotations

from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case_state import CANCELLED, PICKED_UP, REJECTED, CaseState
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
