"""Signing in, for tests that are not about authentication."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

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


def sign_in_it(monkeypatch: pytest.MonkeyPatch, data: Path) -> None:
    """The office's first admin adds an IT account, which signs in (a CLI session): for the
    database commands, which are IT's."""
    from eservice_desktop.cli.main import main

    monkeypatch.delenv("ESERVICE_DEMO", raising=False)
    for args, password in (
        (["setup", "--admin", "boss", "--password-stdin"], "admin password"),
        (["login", "boss", "--password-stdin"], "admin password"),
        (
            ["operator", "add", "it01", "--name", "IT", "--roles", "it", "--password-stdin"],
            "it pw 1234",
        ),
        (["login", "it01", "--password-stdin"], "it pw 1234"),
    ):
        monkeypatch.setattr("sys.stdin", io.StringIO(password))
        assert main(["--data-dir", str(data), *args]) == 0, args
