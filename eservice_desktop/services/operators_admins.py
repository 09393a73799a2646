"""The office keeps an office admin: the checks an account change makes in its own write
transaction (``services.operators_accounts``), so that they hold when two counters change
accounts at once (write transactions are serial: ``BEGIN IMMEDIATE``, ``App.write_lock``).

- The admin making the change is read again in the transaction (:func:`acting`): an admin
  demoted or disabled at another counter a moment ago no longer changes accounts, whatever the
  last look of their window (``operators_signin.STILL_ACTIVE_CHECK_S``) says.
- No admin takes the admin role from themselves (:func:`not_own_admin_role`), and no change
  leaves the office without an active admin (:func:`keep_one`): ``operator.last_admin``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import Action, Operator, Role
from eservice_desktop.services.core import App
from eservice_desktop.services.operators_signin import require_in
from eservice_desktop.storage.models_operators import OperatorRow


def acting(app: App, s: Session) -> Operator:
    """The signed-in office admin, as their account stands in the transaction ``s``."""
    return require_in(app, s, Action.MANAGE_OPERATORS)


def is_active_admin(row: OperatorRow) -> bool:
    return bool(row.active) and Role.ADMIN.value in row.roles.split()


def not_own_admin_role(admin: Operator, row: OperatorRow, roles: str) -> None:
    """An admin cannot take the admin role from their own account."""
    if row.account == admin.account and Role.ADMIN.value not in roles.split():
        raise DomainError(
            "operator.last_admin",
            "不能移除自己的管理者角色",
            "You cannot take the office admin role from yourself",
            "roles",
        )


def keep_one(s: Session, row: OperatorRow, was_admin: bool) -> None:
    """After a change to ``row`` (an active admin before: ``was_admin``): refused when no
    active office admin is left in the office."""
    if not was_admin or is_active_admin(row):
        return
    s.flush()
    roles = s.scalars(select(OperatorRow.roles).where(OperatorRow.active.is_(True)))
    if any(Role.ADMIN.value in r.split() for r in roles):
        return
    raise DomainError(
        "operator.last_admin",
        f"事務所須保留至少一位啟用中的管理者：{row.account} 是最後一位，不能移除其管理者角色或停用",
        f"The office must keep at least one active office admin: {row.account} is the last "
        "one and cannot lose the admin role or be disabled",
        "roles",
    )
