"""The office's accounts as the office admin sees them (the operators page, F11, and
``operator list``): roles, scope, state, whether the owner has yet to replace the one-time
password an admin set, and when and where each last signed in at this counter (the window or
the command line, from the access log's ``signed-in`` records: ``operators_audit``).

Apart from the account changes (``services.operators_accounts``): reading them is one query of
the accounts and one of each account's last sign-in record; ``services.operators`` re-exports
both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from eservice_desktop.domain.operators import Action
from eservice_desktop.services import operators_audit as audit
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_lockout import _aware
from eservice_desktop.services.operators_signin import require
from eservice_desktop.storage.models_operators import OperatorRow


@dataclass(frozen=True)
class AccountView:
    account: str
    name: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]
    active: bool
    locked: bool
    source: str
    last_login_at: str | None
    #: The password was set by an office admin and not yet replaced by its owner's own.
    must_change_password: bool = False
    #: Where the last sign-in at this counter was typed: ``window``, ``command line``; None
    #: when it never signed in here, or before the place was recorded.
    last_login_via: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "roles": list(self.roles), "departments": list(self.departments)}


def _view(row: OperatorRow, now: datetime, via: str | None) -> AccountView:
    locked_until = _aware(row.locked_until)
    last = _aware(row.last_login_at)
    return AccountView(
        account=row.account,
        name=row.name,
        roles=tuple(row.roles.split()),
        departments=tuple(row.departments.split()),
        active=row.active,
        locked=locked_until is not None and locked_until > now,
        source=row.source,
        last_login_at=last.isoformat() if last else None,
        must_change_password=bool(row.password_must_change),
        last_login_via=via if last else None,
    )


def list_operators(app: App) -> list[AccountView]:
    require(app, Action.MANAGE_OPERATORS)
    now = app.now()
    with app.reading() as s:
        rows = s.scalars(select(OperatorRow).order_by(OperatorRow.account)).all()
        return [_view(r, now, audit.last_sign_in_via(s, r.account)) for r in rows]
