"""A password set by an office admin (or by the county) ends the account's sessions: a window
left open at another counter stops working within the check time, as for a disabled account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from operator_support import PASSWORD, two_counters
from sqlalchemy import select

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import AuthError, PasswordChanged, SessionEnded
from eservice_desktop.domain.operators import Action, Role
from eservice_desktop.services import operators, operators_signin
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_audit import AccessLogRow
from eservice_desktop.storage.models_operators import OperatorSessionRow

LATER = timedelta(seconds=operators_signin.STILL_ACTIVE_CHECK_S + 1)


@pytest.fixture
def counters(make_app: Callable[..., App], settings: Settings) -> tuple[App, App]:
    """Two counters of one office: the admin ``boss`` at one, ``clerk07`` at the other."""
    return two_counters(make_app, settings, "clerk07", "王承辦", Role.CLERK)


def test_a_password_reset_ends_the_window_of_its_operator(
    counters: tuple[App, App], clock: Any
) -> None:
    one, two = counters
    operators.set_password(one, "clerk07", "a new password 1")
    clock.set(clock.now + LATER)
    with pytest.raises(SessionEnded) as e:  # the window signs them out, as for a disable
        operators.require(two, Action.VIEW_CASE)
    assert isinstance(e.value, PasswordChanged) and e.value.reason == "auth.required"
    assert "新密碼" in e.value.message_zh and "new password" in e.value.message_en
    with pytest.raises(PasswordChanged):  # nothing is cached as still good
        operators.current(two)
    assert operators.login(two, "clerk07", "a new password 1").account == "clerk07"
    with pytest.raises(AuthError) as first:  # the admin's password: the clerk's own first
        operators.require(two, Action.VIEW_CASE)
    assert first.value.reason == "auth.password_change_required"
    operators.set_password(two, "clerk07", "my own password 2", old_password="a new password 1")
    assert operators.require(two, Action.VIEW_CASE).account == "clerk07"


def test_ones_own_new_password_ends_the_other_windows_only(
    counters: tuple[App, App], clock: Any
) -> None:
    one, two = counters
    two.operator = None
    operators.login(two, "boss", PASSWORD)  # the admin at a second counter too
    operators.set_password(one, "boss", "a new password 1")  # the operators page: own
    operators.set_password(
        one, "boss", "a new password 2", old_password="a new password 1"
    )  # passwd --own
    clock.set(clock.now + LATER)
    assert operators.require(one, Action.MANAGE_OPERATORS).account == "boss"
    with pytest.raises(PasswordChanged):
        operators.require(two, Action.MANAGE_OPERATORS)


def test_the_countys_new_password_ends_the_command_line_sessions(counters: tuple[App, App]) -> None:
    _, two = counters
    token = operators.open_session(two, "clerk")
    record = {
        "account": "clerk07",
        "name": "王承辦",
        "roles": ["clerk"],
        "password_hash": operators.hash_password("set at the county 1"),
    }
    operators.upsert_provisioned(two, [record])
    with pytest.raises(AuthError) as e:
        operators.resume_session(two, token, "clerk")
    assert e.value.reason == "auth.required"


def test_sessions_the_county_ends_are_signed_out_on_record(counters: tuple[App, App]) -> None:
    """The county's new password, then its disable, end clerk07's command line sessions with a
    sign-out record each (the log read them signed in on and on)."""
    _, two = counters
    record = {"account": "clerk07", "name": "王承辦", "roles": ["clerk"]}
    operators.open_session(two, "clerk")
    new = operators.hash_password("set at the county 1")
    operators.upsert_provisioned(two, [{**record, "password_hash": new}])
    two.operator = None
    operators.login(two, "clerk07", "set at the county 1")
    operators.open_session(two, "clerk")
    operators.upsert_provisioned(two, [{**record, "password_hash": new, "active": False}])
    with two.reading() as s:
        q = select(AccessLogRow).where(AccessLogRow.action == "signin")
        rows = s.scalars(q.order_by(AccessLogRow.seq))
        outs = [(r.operator, r.detail) for r in rows if r.detail.startswith("signed-out")]
        assert not list(s.scalars(select(OperatorSessionRow)))
    assert outs == [
        ("clerk07", "signed-out clerk07: password changed; command line"),
        ("clerk07", "signed-out clerk07: disabled; command line"),
    ]
