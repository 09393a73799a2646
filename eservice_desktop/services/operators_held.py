"""What a counter may not do to an account the county provisions, and what it holds itself.

The county keeps the accounts it provisions (``source`` ``county``): their password hash comes
with every operators pull, and while the county answers it decides every sign-in
(services/county_login.py). A password set at the counter for such an account changed only the
hash kept here: the county went on taking the old password and refusing the new one, and its
next record overwrote the hash, so a reset after a leaked password revoked nothing. A counter
refuses it, naming the county's command (``operator.county_password``).

A disable at the counter is a measure of this counter (a clerk gone, a password seen): it
holds here whatever the county sends next (an unrelated change of the account at the county
enabled it again), until an office admin enables the account here. The accounts held so are
kept in ``sync_state`` (``operators_disabled_here``: a JSON list), read by the provisioning.
"""

from __future__ import annotations

import json
from typing import Final

from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.storage.models_operators import OperatorRow
from eservice_desktop.storage.models_sync import SyncStateRow

#: ``sync_state`` name of the county accounts an office admin disabled at this counter.
HELD: Final = "operators_disabled_here"


def county_password(row: OperatorRow) -> DomainError:
    """The refusal of a password set at the counter for an account the county provisions."""
    return DomainError(
        "operator.county_password",
        f"帳號 {row.account} 由縣府管理，密碼須由縣府資訊人員變更（eservice-county-server "
        f"operator password {row.account}）；在本櫃檯設定的密碼不會生效，未做任何變更。"
        "帳號鎖定會在時限後自動解除",
        f"Account {row.account} is managed by the county: its password is changed by the "
        f"county's IT (eservice-county-server operator password {row.account}); a password "
        "set at this counter would not take effect, and nothing was changed. A lock ends by "
        "itself when its time is up",
        "account",
    )


def held_here(s: Session) -> set[str]:
    """The county accounts disabled at this counter."""
    row = s.get(SyncStateRow, HELD)
    try:
        kept = json.loads(row.value) if row is not None else []
    except ValueError:
        return set()
    return {a for a in kept if isinstance(a, str)} if isinstance(kept, list) else set()


def hold(s: Session, row: OperatorRow, held: bool) -> None:
    """Keeps (``held``) or lets go a disable at this counter of a county account; a local
    account's own ``active`` is all it needs."""
    if row.source != "county":
        return
    accounts = held_here(s)
    accounts = accounts | {row.account} if held else accounts - {row.account}
    state = s.get(SyncStateRow, HELD)
    value = json.dumps(sorted(accounts))
    if state is None:
        s.add(SyncStateRow(name=HELD, value=value, updated_at=row.updated_at))
    else:
        state.value, state.updated_at = value, row.updated_at
