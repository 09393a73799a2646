"""Operator accounts: argon2id hashes, sign-in, lockout, the guard, account management."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from operator_support import chose_own

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import AuthError, DomainError, SessionEnded
from eservice_desktop.domain.operators import Action, Operator, Role
from eservice_desktop.services import operators, operators_signin
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_operators import OperatorRow

PASSWORD = "correct horse 1"


@pytest.fixture
def office(app: App) -> App:
    """An office with its first admin signed in and a clerk account."""
    app.operator = None
    operators.create_first_admin(app, "boss", "林主任", PASSWORD)
    operators.login(app, "boss", PASSWORD)
    operators.create_operator(app, "clerk07", "王承辦", [Role.CLERK], PASSWORD)
    chose_own(app, "clerk07")
    operators.logout(app)
    return app


def test_passwords_are_stored_as_argon2id_hashes(office: App) -> None:
    with office.reading() as s:
        row = s.get(OperatorRow, "clerk07")
        assert row is not None
        assert row.password_hash.startswith("$argon2id$")
        assert PASSWORD not in row.password_hash


def test_login_signs_in_and_events_carry_the_account(office: App) -> None:
    op = operators.login(office, "clerk07", PASSWORD)
    assert op.roles == frozenset({Role.CLERK})
    assert office.operator == op
    assert office.actor.clerk == "clerk07"
    operators.logout(office)
    with pytest.raises(AuthError) as e:
        office.actor  # noqa: B018
    assert e.value.reason == "auth.required"


@pytest.mark.parametrize(
    ("account", "password", "reason"),
    [
        ("clerk07", "wrong password", "auth.bad_password"),
        ("nobody", PASSWORD, "auth.unknown_account"),
        ("NOT VALID!", PASSWORD, "auth.unknown_account"),
    ],
)
def test_login_refusals(office: App, account: str, password: str, reason: str) -> None:
    with pytest.raises(AuthError) as e:
        operators.login(office, account, password)
    assert e.value.reason == reason
    assert office.operator is None


@pytest.mark.parametrize("typed", ["CLERK07", " Clerk07 ", "clerk07"])
def test_an_account_typed_in_upper_case_is_the_same_account(office: App, typed: str) -> None:
    assert operators.login(office, typed, PASSWORD).account == "clerk07"
    assert office.actor.clerk == "clerk07"


@pytest.mark.parametrize(
    "typed",
    [
        "\u0441lerk07",  # Cyrillic es
        "\u212alerk07",  # Kelvin sign, which str.lower() makes a "k"
        "ｃｌｅｒｋ０７",  # full width
        "clerk07\u200b",  # zero-width space
    ],
)
def test_look_alike_accounts_are_not_the_account(office: App, typed: str) -> None:
    with pytest.raises(AuthError) as e:
        operators.login(office, typed, PASSWORD)
    assert e.value.reason == "auth.unknown_account"
    assert office.operator is None


def test_lockout_after_repeated_failures_then_expiry(office: App, clock: Any) -> None:
    for _ in range(office.settings.login_max_failures):
        with pytest.raises(AuthError) as e:
            operators.login(office, "clerk07", "wrong password")
        assert e.value.reason == "auth.bad_password"
    with pytest.raises(AuthError) as e:  # even the right password now
        operators.login(office, "clerk07", PASSWORD)
    assert e.value.reason == "auth.locked"
    clock.set(clock.now + timedelta(minutes=office.settings.login_lockout_min, seconds=1))
    assert operators.login(office, "clerk07", PASSWORD).account == "clerk07"


def test_a_lockout_set_by_a_clock_ahead_lasts_its_length_once_the_clock_is_set_back(
    office: App, clock: Any
) -> None:
    """The PC's clock ran 8 hours ahead (its time zone wrong) when the account was locked;
    set right, the lock counted its 15 minutes from the clock's old time: the sign-in said
    locked for about 495 min, the office's only admin could be locked out the whole day."""
    lockout = timedelta(minutes=office.settings.login_lockout_min)
    clock.set(clock.now + timedelta(hours=8))
    for _ in range(office.settings.login_max_failures):
        with pytest.raises(AuthError):
            operators.login(office, "clerk07", "wrong password")
    clock.set(clock.now - timedelta(hours=8))  # the time zone set right
    with pytest.raises(AuthError) as e:  # still locked, for the lockout's length
        operators.login(office, "clerk07", PASSWORD)
    assert e.value.reason == "auth.locked"
    assert e.value.extra["minutes"] == office.settings.login_lockout_min + 1
    clock.set(clock.now + lockout - timedelta(seconds=1))
    with pytest.raises(AuthError) as e:
        operators.login(office, "clerk07", PASSWORD)
    assert e.value.reason == "auth.locked"
    clock.set(clock.now + timedelta(seconds=2))
    assert operators.login(office, "clerk07", PASSWORD).account == "clerk07"


def test_admin_password_reset_lifts_a_lockout(office: App) -> None:
    for _ in range(office.settings.login_max_failures):
        with pytest.raises(AuthError):
            operators.login(office, "clerk07", "wrong password")
    operators.login(office, "boss", PASSWORD)
    operators.set_password(office, "clerk07", "a new password")
    assert operators.login(office, "clerk07", "a new password").account == "clerk07"


def test_inactive_account_cannot_sign_in(office: App) -> None:
    operators.login(office, "boss", PASSWORD)
    operators.deactivate(office, "clerk07")
    with pytest.raises(AuthError) as e:
        operators.login(office, "clerk07", PASSWORD)
    assert e.value.reason == "auth.inactive"


def test_an_account_disabled_while_signed_in_is_refused_within_the_check_time(
    office: App, clock: Any
) -> None:
    operators.login(office, "clerk07", PASSWORD)
    with office.transaction() as s:  # disabled elsewhere: another counter's admin, a sync
        row = s.get(OperatorRow, "clerk07")
        assert row is not None
        row.active = False
    clock.set(clock.now + timedelta(seconds=operators_signin.STILL_ACTIVE_CHECK_S + 1))
    with pytest.raises(SessionEnded) as e:
        operators.require(office, Action.VIEW_CASE)
    assert e.value.reason == "auth.inactive"
    with pytest.raises(AuthError):  # and again: nothing is cached as active
        operators.current(office)


def test_roles_taken_while_signed_in_stop_working_within_the_check_time(
    office: App, clock: Any
) -> None:
    operators.login(office, "boss", PASSWORD)
    operators.set_roles(office, "clerk07", [Role.ADMIN, Role.SUPERVISOR])
    operators.login(office, "clerk07", PASSWORD)  # a window left open all day
    with office.transaction() as s:  # demoted elsewhere: another counter's admin, a sync
        row = s.get(OperatorRow, "clerk07")
        assert row is not None
        row.roles, row.departments = "clerk", "HR-CHANGE"
    clock.set(clock.now + timedelta(seconds=operators_signin.STILL_ACTIVE_CHECK_S + 1))
    with pytest.raises(AuthError) as e:
        operators.require(office, Action.MANAGE_OPERATORS)
    assert e.value.reason == "auth.forbidden"
    assert office.operator is not None
    assert office.operator.roles == frozenset({Role.CLERK})
    assert office.operator.departments == frozenset({"HR-CHANGE"})


def test_the_demo_operator_has_no_account_row_and_stays_signed_in(office: App, clock: Any) -> None:
    office.operator = operators.DEMO_OPERATOR
    clock.set(clock.now + timedelta(seconds=operators_signin.STILL_ACTIVE_CHECK_S + 1))
    assert operators.require(office, Action.VIEW_CASE).account == "demo01"


def test_a_disabled_account_can_be_enabled_again(office: App, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="eservice.operators")
    operators.login(office, "boss", PASSWORD)
    operators.deactivate(office, "clerk07")
    assert operators.activate(office, "clerk07").active is True
    assert "operator clerk07 enabled by boss" in caplog.text
    operators.logout(office)
    assert operators.login(office, "clerk07", PASSWORD).account == "clerk07"
    with pytest.raises(AuthError) as e:  # a clerk does not manage accounts
        operators.activate(office, "boss")
    assert e.value.reason == "auth.forbidden"


def test_require_checks_roles_and_scope(office: App) -> None:
    with pytest.raises(AuthError) as e:
        operators.require(office, Action.INTAKE)
    assert e.value.reason == "auth.required"
    operators.login(office, "clerk07", PASSWORD)
    assert operators.require(office, Action.INTAKE, "HR-TRANSCRIPT").account == "clerk07"
    for action, service in [
        (Action.VOID, None),
        (Action.MANAGE_OPERATORS, None),
        (Action.INTAKE, "LR-LAND-TRANSCRIPT"),  # a land service at a household office
    ]:
        with pytest.raises(AuthError) as e:
            operators.require(office, action, service)
        assert e.value.reason == "auth.forbidden"


def test_scope_narrows_intake_to_the_listed_services(office: App) -> None:
    operators.login(office, "boss", PASSWORD)
    operators.set_roles(office, "clerk07", ["clerk"], departments=["HR-TRANSCRIPT"])
    op = operators.login(office, "clerk07", PASSWORD)
    assert op.can(Action.INTAKE, "HR-TRANSCRIPT", office.catalogue, office.office_kind)
    other = [
        s.code for s in office.catalogue.services_for("household") if s.code != "HR-TRANSCRIPT"
    ]
    assert other and not op.can(Action.INTAKE, other[0], office.catalogue, office.office_kind)


@pytest.mark.parametrize("scope", ["household", "HR-TRANSCRIPT"])
def test_a_scope_of_another_kind_of_office_is_refused_when_typed(
    make_app: Callable[..., App], settings: Settings, scope: str
) -> None:
    """A land office's admin gave a clerk the scope household (or a household service): it
    was taken, and the clerk was refused at every intake (a household service is never taken
    in at a land office) with no word of why. Refused now, naming the office's own codes."""
    settings.office_code = "L05"
    land = make_app(settings)
    land.operator = None
    operators.create_first_admin(land, "boss", "林主任", PASSWORD)
    operators.login(land, "boss", PASSWORD)
    with pytest.raises(DomainError) as e:
        operators.create_operator(
            land, "clerk08", "陳測量", [Role.CLERK], PASSWORD, departments=[scope]
        )
    assert e.value.code == "operator.department_elsewhere" and e.value.field == "departments"
    assert e.value.message_zh == (
        f"業務範圍 {scope} 不是本所（桃園市蘆竹地政事務所）受理的業務；本所的單位代碼：land"
    )
    assert e.value.message_en.endswith("this office's department codes: land")
    operators.create_operator(
        land, "clerk08", "陳測量", [Role.CLERK], PASSWORD, departments=["land"]
    )
    with pytest.raises(DomainError):
        operators.set_roles(land, "clerk08", ["clerk"], departments=[scope])
    op = operators.set_roles(land, "clerk08", ["clerk"], departments=["LR-BOUNDARY-SURVEY"])
    assert op.departments == frozenset({"LR-BOUNDARY-SURVEY"})


def test_a_refusal_by_role_names_the_roles_that_may_and_one_by_scope_none(
    office: App,
) -> None:
    """IT following the guide to ``report access`` read 不允許這項作業：稽核與存取紀錄（audit）
    and could not tell whom to ask: a refusal by role names the roles that may. A clerk whose
    role allows the intake but not for that service is refused by scope: no roles named, since
    the clerk already holds one of them."""
    operators.login(office, "boss", PASSWORD)
    operators.create_operator(office, "it01", "資訊", ["it"], PASSWORD)
    chose_own(office, "it01")
    operators.set_roles(office, "clerk07", ["clerk"], departments=["HR-TRANSCRIPT"])
    operators.login(office, "it01", PASSWORD)
    with pytest.raises(AuthError) as by_role:
        operators.require(office, Action.AUDIT)
    assert by_role.value.message_zh.endswith("（audit）；可執行的角色：主管、事務所管理者")
    assert by_role.value.message_en.endswith("(audit); roles that may: Supervisor, Office admin")
    operators.login(office, "clerk07", PASSWORD)
    other = next(
        s.code for s in office.catalogue.services_for("household") if s.code != "HR-TRANSCRIPT"
    )
    with pytest.raises(AuthError) as by_scope:
        operators.require(office, Action.INTAKE, other)
    assert by_scope.value.reason == "auth.forbidden"
    assert "可執行的角色" not in by_scope.value.message_zh
    assert "roles that may" not in by_scope.value.message_en


def test_only_an_admin_manages_accounts(office: App) -> None:
    operators.login(office, "clerk07", PASSWORD)
    for call in (
        lambda: operators.list_operators(office),
        lambda: operators.create_operator(office, "x1", "X", ["clerk"], PASSWORD),
        lambda: operators.set_roles(office, "clerk07", ["admin"]),
        lambda: operators.deactivate(office, "boss"),
        lambda: operators.set_password(office, "boss", "another password"),
    ):
        with pytest.raises(AuthError) as e:
            call()
        assert e.value.reason == "auth.forbidden"
    # their own password, with the old one
    operators.set_password(office, "clerk07", "my new password", old_password=PASSWORD)
    assert operators.verify_password(office, "clerk07", "my new password").account == "clerk07"


def test_an_admin_renames_an_account_with_its_roles(office: App, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="eservice.operators")
    operators.login(office, "boss", PASSWORD)
    op = operators.set_roles(office, "clerk07", ["clerk"], name="  王承辦二 ")
    assert op.name == "王承辦二"
    assert operators.get_operator(office, "clerk07").name == "王承辦二"
    assert "王承辦" not in caplog.text  # the log says that it changed, not the name
    assert "display name of clerk07 changed by boss" in caplog.text
    with pytest.raises(DomainError) as e:  # refused whole, nothing changed
        operators.set_roles(office, "clerk07", ["cashier"], name="")
    assert e.value.field == "name"
    assert operators.get_operator(office, "clerk07").roles == frozenset({Role.CLERK})
    # without a name, the name stays
    assert operators.set_roles(office, "clerk07", ["clerk"]).name == "王承辦二"


def test_first_admin_only_on_an_empty_office(office: App) -> None:
    with pytest.raises(AuthError) as e:
        operators.create_first_admin(office, "second", "Second", PASSWORD)
    assert e.value.reason == "auth.forbidden"


def test_bad_account_names_and_passwords_are_refused(office: App) -> None:
    operators.login(office, "boss", PASSWORD)
    with pytest.raises(DomainError) as e:
        operators.create_operator(office, "A123456789", "X", ["clerk"], PASSWORD)
    assert e.value.code == "operator.account"
    with pytest.raises(DomainError) as e:
        operators.create_operator(office, "short", "X", ["clerk"], "1234")
    assert e.value.code == "operator.password"
    with pytest.raises(DomainError) as e:  # the account's own name, as created or reset
        operators.create_operator(office, "clerk008", "X", ["clerk"], "CLERK008")
    assert e.value.code == "operator.password"
    with pytest.raises(DomainError) as e:
        operators.set_password(office, "CLERK07", "clerk07")
    assert e.value.code == "operator.password"
    with pytest.raises(DomainError) as e:
        operators.create_operator(office, "roles", "X", ["janitor"], PASSWORD)
    assert e.value.code == "operator.role"
    for name in ("王\u202e明", "王\n明", "王" * 41):  # said as the operators page names it
        with pytest.raises(DomainError) as e:
            operators.create_operator(office, "named", name, ["clerk"], PASSWORD)
        assert e.value.field == "name" and e.value.message_zh.startswith("姓名：")
        assert e.value.message_en.startswith("Name: ")


@pytest.mark.parametrize(
    "name",
    ["王\u200b小華", "王小華\u00ad", "\ufeff王小華", "\u3164", "王\u2800"],
    ids=["zero-width-space", "soft-hyphen", "bom", "hangul-filler", "blank-braille"],
)
def test_a_display_name_shows_what_it_is(office: App, name: str) -> None:
    """An office admin's (or county IT's) typed display name took any text: a zero-width space
    or a BOM pasted along made 王小華 another name to every comparison, the same on screen, and a
    Hangul filler alone read as a blank name on the operators page and as 核准主管. Refused as an
    applicant's name is; a name the county provisioned is still taken as it comes."""
    operators.login(office, "boss", PASSWORD)
    with pytest.raises(DomainError) as e:
        operators.create_operator(office, "named", name, ["clerk"], PASSWORD)
    assert e.value.code == "value.character" and e.value.message_zh.startswith("姓名：")
    operators.create_operator(office, "named", "王小華", ["clerk"], PASSWORD)
    with pytest.raises(DomainError) as e:
        operators.set_roles(office, "named", ["clerk"], name=name)
    assert e.value.code == "value.character" and e.value.message_en.startswith("Name: ")
    assert operators.get_operator(office, "named").name == "王小華"
    operators.set_roles(office, "named", ["clerk"], name="王小華\U000e0100")  # an IVS: kept
    record = {
        "account": "county02",
        "name": name,
        "roles": ["pickup"],
        "departments": [],
        "active": True,
        "password_hash": operators.hash_password("from the county"),
    }
    assert operators.upsert_provisioned(office, [record]) == 1


def test_provisioned_hashes_are_taken_as_given(office: App) -> None:
    record = {
        "account": "county01",
        "name": "縣府派員",
        "roles": ["pickup"],
        "departments": [],
        "active": True,
        "password_hash": operators.hash_password("from the county"),
    }
    assert operators.upsert_provisioned(office, [record]) == 1
    assert operators.upsert_provisioned(office, [record]) == 0
    assert operators.login(office, "county01", "from the county").roles == {Role.PICKUP}
    with pytest.raises(DomainError):
        operators.upsert_provisioned(office, [{**record, "password_hash": "plain"}])


def test_demo_mode_signs_in_the_demo_operator(
    make_app: Callable[..., App], settings: Settings
) -> None:
    settings.demo = True
    app = make_app(settings)
    app.operator = None
    assert operators.sign_in_demo(app).account == "demo01"
    settings.demo = False
    with pytest.raises(AuthError):
        operators.sign_in_demo(app)


def test_cli_session_expires_after_the_idle_time(office: App, clock: Any) -> None:
    operators.login(office, "clerk07", PASSWORD)
    token = operators.open_session(office, "alice")
    office.operator = None
    assert operators.resume_session(office, token, "alice").account == "clerk07"
    with pytest.raises(AuthError):
        operators.resume_session(office, token, "mallory")
    clock.set(clock.now + timedelta(minutes=office.settings.idle_lock_min, seconds=1))
    with pytest.raises(AuthError) as e:
        operators.resume_session(office, token, "alice")
    assert e.value.reason == "auth.required"


def test_a_session_opened_while_the_clock_ran_ahead_ends_once_the_clock_is_set_back(
    office: App, clock: Any
) -> None:
    """Opened at a clock 8 hours ahead (its time zone wrong) and left; set right, the clock
    read the session's end 8 hours off: a command typed two hours later still went by the
    clerk's name, where 10 idle minutes end a session. A few minutes back keeps it."""
    operators.login(office, "clerk07", PASSWORD)
    clock.set(clock.now + timedelta(hours=8))
    token = operators.open_session(office, "alice")
    clock.set(clock.now - timedelta(hours=8) + timedelta(hours=2))  # set right, 2 h later
    office.operator = None
    with pytest.raises(AuthError) as e:
        operators.resume_session(office, token, "alice")
    assert e.value.reason == "auth.required"
    assert e.value.message_en == "The session has expired; sign in again"
    operators.login(office, "clerk07", PASSWORD)
    token = operators.open_session(office, "alice")
    clock.set(clock.now - timedelta(minutes=3))  # a time service's small step back
    assert operators.resume_session(office, token, "alice").account == "clerk07"


def test_the_device_never_acts_as_an_operator(app: App) -> None:
    assert app.device_actor.clerk == "device:01"
    assert isinstance(app.operator, Operator)
