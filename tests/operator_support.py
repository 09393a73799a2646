"""Signing in, for tests that are not about authentication."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator, Role
from eservice_desktop.services.core import App

#: The password of :func:`two_counters`' accounts.
PASSWORD = "correct horse 1"


def counter_operator(account: str = "tester") -> Operator:
    """The operator such tests act as: every counter role."""
    return Operator(account=account, name="測試操作員", roles=COUNTER_ROLES)


def sign_in(app: App, account: str = "tester") -> App:
    """Signs a counter operator in on an App a test opened itself (no password: sign-in itself
    is tested in tests/unit/services/test_operators.py and tests/e2e/test_cli_auth.py)."""
    app.operator = counter_operator(account)
    return app


def chose_own(where: App | Settings | Path, *accounts: str) -> None:
    """The accounts' owners have chosen their own passwords since an office admin set them
    (the one-time password's mark cleared, the password as it was): for tests of anything
    but the first sign-in itself (tests/unit/services/test_one_time_password.py)."""
    if isinstance(where, App):
        from eservice_desktop.storage.models_operators import OperatorRow

        with where.transaction() as s:
            for account in accounts:
                row = s.get(OperatorRow, account)
                assert row is not None, account
                row.password_must_change = False
        return
    from db_support import connect_db

    with connect_db(where) as conn:
        for account in accounts:
            sql = "UPDATE operators SET password_must_change = 0 WHERE account = ?"
            assert conn.execute(sql, (account,)).rowcount == 1, account


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
        if args[:2] == ["operator", "add"]:
            chose_own(data, "it01")


def two_counters(
    make_app: Callable[..., App], settings: Settings, account: str, name: str, role: Role
) -> tuple[App, App]:
    """Two counters of one office database: the first admin ``boss`` signed in at one, a new
    ``account`` (``role``) at the other, both with :data:`PASSWORD`."""
    from eservice_desktop.services import operators

    one = make_app(settings)
    one.operator = None
    operators.create_first_admin(one, "boss", "林主任", PASSWORD)
    operators.login(one, "boss", PASSWORD)
    operators.create_operator(one, account, name, [role], PASSWORD)
    chose_own(one, account)
    two = make_app(settings)
    two.operator = None
    operators.login(two, account, PASSWORD)
    return one, two
