"""Who the receipt names as 經收人: the operator's name with the account, as the office knows
them (王小華（clerk02）). It printed the sign-in account alone (clerk02), which the citizen and
an auditor reading the paper cannot put a person to. An account this office does not know (a
receipt another office's clerk issued, a device account) prints as the account."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Event
from eservice_desktop.storage.models_operators import OperatorRow


def clerk_shown(s: Session, account: str) -> str:
    """The 經收人 line's text for the account that recorded the payment."""
    row = s.get(OperatorRow, account)
    name = row.name.strip() if row is not None else ""
    return f"{name}（{account}）" if name and name != account else account


def clerk_printed(events: Iterable[Event], number: str) -> str | None:
    """The 經收人 text the first print of receipt ``number`` showed, from its
    ``case.receipt_issued`` event: None while it was never printed, the account alone (``""``
    here, the caller knows the account) for a first print made by a build that printed that.

    A reprint printed the name as the office knows it on the day of the reprint: after an
    upgrade, or an operator renamed, the 【重印】 paper named another 經收人 than the original
    the citizen holds."""
    for e in events:
        if e.type == ev.RECEIPT_ISSUED and e.payload.get("receipt_number") == number:
            return str(e.payload.get("clerk") or "")
    return None


def clerk_on_receipt(s: Session, events: Iterable[Event], number: str, account: str) -> str:
    """What a print of receipt ``number`` (paid by ``account``) names as 經收人: the first
    print's text on every reprint, the operator as known now on the first print."""
    printed = clerk_printed(events, number)
    if printed is None:
        return clerk_shown(s, account)
    return printed or account
