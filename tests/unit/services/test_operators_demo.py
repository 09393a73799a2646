"""Demo mode (``--demo``, ``ESERVICE_DEMO=1``) signs in demo01, an office admin with every
counter role and no password, on a demo database only: set at a counter in use, it signed in
over the office's accounts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import operators
from eservice_desktop.services.core import App

PASSWORD = "correct horse 1"


@pytest.fixture
def demo(make_app: Callable[..., App], settings: Settings) -> App:
    settings.demo = True
    app = make_app(settings)  # opened in demo mode on a database with no account
    app.operator = None
    assert operators.sign_in_demo(app).account == "demo01"
    return app


def _refused(app: App) -> None:
    app.operator = None
    with pytest.raises(AuthError) as e:
        operators.sign_in_demo(app)
    assert e.value.reason == "auth.forbidden"
    assert "示範模式" in e.value.message_zh and "demo mode" in e.value.message_en
    assert app.operator is None


def test_a_demo_database_stays_one_with_the_accounts_a_demo_adds(demo: App) -> None:
    operators.create_operator(demo, "super01", "林主管", [Role.SUPERVISOR], PASSWORD)
    demo.operator = None
    assert operators.sign_in_demo(demo).account == "demo01"


@pytest.mark.parametrize("account", ["demo01", "DEMO01"])
def test_no_account_takes_the_demo_operators_name(demo: App, account: str) -> None:
    """Added to a demo database, ``demo01`` signed in as the demo operator with every role
    while the list showed a clerk of that name: whose events were whose, nobody could say."""
    with pytest.raises(DomainError) as e:
        operators.create_operator(demo, account, "王小明", [Role.CLERK], PASSWORD)
    assert e.value.code == "operator.reserved" and e.value.field == "account"
    assert "demo01" in e.value.message_zh and "demo mode" in e.value.message_en
    assert [a.account for a in operators.list_operators(demo)] == []


def test_an_office_database_is_never_opened_in_demo_mode(
    make_app: Callable[..., App], settings: Settings
) -> None:
    app = make_app(settings)
    app.operator = None
    operators.create_first_admin(app, "boss", "林主任", PASSWORD)
    app.settings.demo = True  # ESERVICE_DEMO=1 at a counter in use
    _refused(app)


def test_the_first_admin_or_the_countys_accounts_end_a_demo_database(demo: App) -> None:
    record = {
        "account": "a01",
        "name": "縣府派員",
        "roles": ["clerk"],
        "password_hash": operators.hash_password("set at the county 1"),
    }
    operators.upsert_provisioned(demo, [record])
    _refused(demo)
