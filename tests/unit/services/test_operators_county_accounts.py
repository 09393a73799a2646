"""An account the county provisions, at a counter: its password is the county's to set, and a
disable at the counter holds whatever the county sends next (services/operators_held.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from operator_support import PASSWORD

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import AuthError, DomainError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import operators
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_operators import OperatorRow

COUNTY_PASSWORD = "set at the county 1"


def _record(**changed: Any) -> dict[str, Any]:
    return {
        "account": "clerk07",
        "name": "王承辦",
        "roles": ["clerk"],
        "password_hash": _HASH,
        **changed,
    }


_HASH = operators.hash_password(COUNTY_PASSWORD, "clerk07")


@pytest.fixture
def office(make_app: Callable[..., App], settings: Settings) -> App:
    """A counter whose admin ``boss`` is signed in, with the county's ``clerk07``."""
    app = make_app(settings)
    app.operator = None
    operators.create_first_admin(app, "boss", "林主任", PASSWORD)
    operators.login(app, "boss", PASSWORD)
    operators.upsert_provisioned(app, [_record()])
    return app


def _hash(app: App) -> str:
    with app.reading() as s:
        row = s.get(OperatorRow, "clerk07")
        assert row is not None
        return row.password_hash


def test_a_password_set_at_the_counter_for_a_county_account_is_refused(office: App) -> None:
    """``operator passwd clerk07`` said 已設定 clerk07 的密碼, and the clerk's own change said
    請以新密碼重新登入: only the hash kept here changed. While the county answered it took the
    old password and refused the new one, and its next record put the old hash back: a reset
    after a leaked password revoked nothing."""
    with pytest.raises(DomainError) as refused:
        operators.set_password(office, "clerk07", "a new password 1")
    assert refused.value.code == "operator.county_password"
    assert "eservice-county-server operator password clerk07" in refused.value.message_zh
    assert "managed by the county" in refused.value.message_en
    assert _hash(office) == _HASH
    office.operator = None
    operators.login(office, "clerk07", COUNTY_PASSWORD)
    kept = _hash(office)  # as the sign-in left it
    with pytest.raises(DomainError) as own:
        operators.set_password(office, "clerk07", "a new password 2", old_password=COUNTY_PASSWORD)
    assert own.value.code == "operator.county_password"
    assert _hash(office) == kept
    operators.create_operator(office_admin(office), "clerk09", "陳承辦", [Role.CLERK], PASSWORD)
    operators.set_password(office, "clerk09", "a new password 3")  # an office's own account


def office_admin(app: App) -> App:
    app.operator = None
    operators.login(app, "boss", PASSWORD)
    return app


def test_a_county_account_disabled_at_the_counter_stays_disabled(office: App) -> None:
    """``operator disable clerk07`` at the counter: the county's next record of the account (a
    role added there) enabled it again, unseen but for the access log, and clerk07 signed in."""
    operators.deactivate(office, "clerk07")
    operators.upsert_provisioned(office, [_record(roles=["clerk", "cashier"])])
    with office.reading() as s:
        row = s.get(OperatorRow, "clerk07")
        assert row is not None and not row.active and "cashier" in row.roles
    office.operator = None
    with pytest.raises(AuthError) as refused:
        operators.login(office, "clerk07", COUNTY_PASSWORD)
    assert refused.value.reason == "auth.inactive"
    operators.activate(office_admin(office), "clerk07")  # enabled here: the county's again
    operators.upsert_provisioned(office, [_record(roles=["clerk"])])
    office.operator = None
    assert operators.login(office, "clerk07", COUNTY_PASSWORD).account == "clerk07"
    operators.upsert_provisioned(office, [_record(active=False)])  # the county disables it
    with office.reading() as s:
        row = s.get(OperatorRow, "clerk07")
        assert row is not None and not row.active


def test_a_counter_with_county_accounts_only_is_told_who_provisions_its_admin(
    make_app: Callable[..., App], settings: Settings
) -> None:
    """A second counter whose first sync brought the county's clerks had no office admin; its
    ``setup --admin`` was refused with 請由事務所管理者新增帳號, an admin it did not have. The
    refusal names the county's command; with a county admin provisioned, that admin adds the
    counter's own accounts."""
    app = make_app(settings)
    app.operator = None
    operators.upsert_provisioned(app, [_record()])
    with pytest.raises(AuthError) as refused:
        operators.create_first_admin(app, "boss", "林主任", PASSWORD)
    assert refused.value.code == "auth.forbidden"
    command = f"eservice-county-server operator add ACCOUNT --office {settings.office_code}"
    assert f"{command} --role admin" in refused.value.message_zh
    assert f"{command} --role admin" in refused.value.message_en
    operators.upsert_provisioned(
        app,
        [_record(account="cadmin", roles=["admin"], password_hash=_county_admin_hash())],
    )
    operators.login(app, "cadmin", COUNTY_PASSWORD)
    made = operators.create_operator(app, "clerk08", "張承辦", [Role.CLERK], PASSWORD)
    assert made.account == "clerk08"


def _county_admin_hash() -> str:
    return operators.hash_password(COUNTY_PASSWORD, "cadmin")
