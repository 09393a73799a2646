"""PIN tries from token flags, and the messages a clerk sees (never the PIN itself)."""

from __future__ import annotations

import pytest
from pkcs11 import TokenFlag

from eservice_desktop.devices.moica import CardError, PinTries
from eservice_desktop.services.identity_card import PinError, card_error


@pytest.mark.parametrize(
    ("flags", "state", "left"),
    [
        (TokenFlag.TOKEN_INITIALIZED, "full", 3),
        (TokenFlag.USER_PIN_COUNT_LOW, "low", None),
        (TokenFlag.USER_PIN_COUNT_LOW | TokenFlag.USER_PIN_FINAL_TRY, "final", 1),
        (TokenFlag.USER_PIN_LOCKED | TokenFlag.USER_PIN_COUNT_LOW, "locked", 0),
    ],
)
def test_tries_from_flags(flags: int, state: str, left: int | None) -> None:
    assert PinTries.from_flags(int(flags)) == PinTries(state, left)


def test_blocked_card_gets_unblock_guidance() -> None:
    err = card_error(CardError("pin.locked", "locked", PinTries("locked", 0)))
    assert isinstance(err, PinError) and err.code == "pin.locked"
    assert "戶政事務所" in err.message_zh and "moica.nat.gov.tw" in err.message_en


def test_final_try_warns() -> None:
    err = card_error(CardError("pin.wrong", "wrong", PinTries("final", 1)))
    assert "最後 1 次" in err.message_zh


def test_unknown_count_is_said_honestly() -> None:
    err = card_error(CardError("pin.wrong", "wrong", PinTries("low", None)))
    assert "減少" in err.message_zh and "fewer" in err.message_en
