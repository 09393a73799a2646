"""Test accounts for supervisors' approvals (services/approvals.py): a supervisor and a clerk
with real argon2id hashes in the office database, and the approval a supervisor gives."""

from __future__ import annotations

from operator_support import chose_own

from eservice_desktop.domain.operators import Role
from eservice_desktop.services import operators
from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App

SUPERVISOR = "super01"
SUPERVISOR_PASSWORD = "super-secret-1"
CLERK = "clerk02"
CLERK_PASSWORD = "clerk-secret-2"


def add_accounts(app: App) -> None:
    """A supervisor (``super01``) and a counter clerk (``clerk02``) in this office."""
    operators.create_operator(app, SUPERVISOR, "林主管", [Role.SUPERVISOR], SUPERVISOR_PASSWORD)
    operators.create_operator(app, CLERK, "陳承辦", [Role.CLERK], CLERK_PASSWORD)
    chose_own(app, SUPERVISOR, CLERK)


def supervisor_approval(reason: str = "") -> Approval:
    return Approval(SUPERVISOR, SUPERVISOR_PASSWORD, reason)
