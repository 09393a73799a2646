"""The password rule (``domain.operators.check_password``), the same at the office and at the
county: only passwords an operator can type in the counter window's password field."""

from __future__ import annotations

import pytest

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.operators import check_password


@pytest.mark.parametrize(
    "password", ["pass\tword1", "pass\rword1", "pass\x1bword1", "pass\x85word"]
)
def test_a_control_character_inside_is_refused(password: str) -> None:
    """Set at the command line (printf 'pass\\tword1'), it could never be typed at the login
    screen: Tab moves to the next field, Enter signs in."""
    with pytest.raises(DomainError) as e:
        check_password(password)
    assert e.value.code == "operator.password" and e.value.field == "password"
    assert "控制字元" in e.value.message_zh and "control character" in e.value.message_en


@pytest.mark.parametrize("password", ["pass word1", "密碼密碼密碼密碼", "Pässwörd1", "a" * 128])
def test_what_can_be_typed_is_kept(password: str) -> None:
    assert check_password(password) == password


def test_the_account_name_is_no_password() -> None:
    """clerk008's password clerk008 (or CLERK008) was kept: the first guess anyone makes."""
    for password in ("clerk008", "CLERK008"):
        with pytest.raises(DomainError) as e:
            check_password(password, "clerk008")
        assert e.value.code == "operator.password" and "帳號相同" in e.value.message_zh
    assert check_password("clerk008!", "clerk008") == "clerk008!"
