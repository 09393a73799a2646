"""Who the receipt names as 經收人: the operator's name with the account, as the office knows
them (王小華（clerk02）). It printed the sign-in account alone (clerk02), which the citizen and
an auditor reading the paper cannot put a person to. An account this office does not know (a
receipt another office's clerk issued, a device account) prints as the account."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eservice_desktop.storage.models_operators import OperatorRow


def clerk_shown(s: Session, account: str) -> str:
    """The 經收人 line's text for the account that recorded the payment."""
    row = s.get(OperatorRow, account)
    name = row.name.strip() if row is not None else ""
    return f"{name}（{account}）" if name and name != account else account
