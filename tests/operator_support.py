"""Signing in, for tests that are not about authentication."""

from __future__ import annotations

from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services.core import App


def counter_operator(account: str = "tester") -> Operator:
    """The operator such tests act as: every counter role."""
    return Operator(account=account, name="測試操作員", roles=COUNTER_ROLES)


def sign_in(app: App, account: str = "tester") -> App:
    """Signs a counter operator in on an App a test opened itself (no password: sign-in itself
    is tested in tests/unit/services/test_operators.py and tests/e2e/test_cli_auth.py)."""
    app.operator = counter_operator(account)
    return app
