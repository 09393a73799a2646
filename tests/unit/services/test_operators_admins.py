"""The office always keeps an active office admin: two admins at two counters demoting (or
disabling) each other within the moments each window trusts its last look, or an account
without an account row here, left the office without one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from operator_support import PASSWORD, two_counters

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import operators
from eservice_desktop.services.core import App


@pytest.fixture
def counters(make_app: Callable[..., App], settings: Settings) -> tuple[App, App]:
    """Two counters of one office database, admins ``boss`` and ``boss2`` signed in."""
    return two_counters(make_app, settings, "boss2", "陳主任", Role.ADMIN)


def _admins(app: App) -> list[str]:
    return [v.account for v in operators.list_operators(app) if "admin" in v.roles and v.active]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda app, account: operators.set_roles(app, account, [Role.CLERK]), "auth.forbidden"),
        (operators.deactivate, "auth.inactive"),
    ],
    ids=["demote", "disable"],
)
def test_two_admins_demoting_each_other_leave_one(
    counters: tuple[App, App], change: Callable[[App, str], object], reason: str
) -> None:
    one, two = counters
    change(one, "boss2")
    with pytest.raises(AuthError) as e:  # boss2's window looked at the account moments ago
        change(two, "boss")
    assert e.value.reason == reason
    assert _admins(one) == ["boss"]


def test_a_demoted_admin_changes_no_account_at_once(counters: tuple[App, App]) -> None:
    one, two = counters
    operators.set_roles(one, "boss2", [Role.SUPERVISOR])
    for call in (
        lambda: operators.create_operator(two, "x1", "X", ["clerk"], PASSWORD),
        lambda: operators.set_password(two, "boss", "taken over 1"),
        lambda: operators.set_roles(two, "boss2", [Role.ADMIN]),
    ):
        with pytest.raises(AuthError) as e:
            call()
        assert e.value.reason == "auth.forbidden"
    assert operators.verify_password(one, "boss", PASSWORD).account == "boss"


def test_the_last_admin_is_kept(counters: tuple[App, App]) -> None:
    one, _ = counters
    operators.deactivate(one, "boss2")
    one.operator = operators.DEMO_OPERATOR  # an admin with no account row here
    for call in (
        lambda: operators.set_roles(one, "boss", [Role.CLERK]),
        lambda: operators.deactivate(one, "boss"),
    ):
        with pytest.raises(DomainError) as e:
            call()
        assert e.value.code == "operator.last_admin"
        assert "最後一位" in e.value.message_zh and "last one" in e.value.message_en
    assert _admins(one) == ["boss"]
    operators.activate(one, "boss2")  # two admins: either may go
    operators.set_roles(one, "boss", [Role.CLERK])
    assert _admins(one) == ["boss2"]
