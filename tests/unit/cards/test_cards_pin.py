"""PIN tries from token flags, and the messages a clerk sees (never the PIN itself)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pkcs11 import TokenFlag

from eservice_desktop.config import Settings
from eservice_desktop.devices import moica
from eservice_desktop.devices.moica import CardError, PinTries
from eservice_desktop.services.identity_card import PinError, card_error, moica_presence


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


def test_card_status_masks_the_holders_name(monkeypatch: pytest.MonkeyPatch) -> None:
    # `card status --json` needs no sign-in and printed "CN=王小明" of the card in the reader.
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TW"),
            x509.NameAttribute(NameOID.COMMON_NAME, "王小明"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "TP00000000123456"),
        ]
    )
    now = datetime(2026, 3, 10, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    token = moica.TokenStatus("HiCOS", "0001", "CHT", "HiCOS", PinTries("full", 3), cert)
    monkeypatch.setattr(moica, "status", lambda module, label: token)
    info = moica_presence(Settings(pkcs11_module="x.so"))
    assert info["present"] and info["label"] == "HiCOS"
    subject = info["certificate"]["subject"]
    assert "王小明" not in subject and "CN=王○明" in subject and "C=TW" in subject


class _Session:
    """A PKCS#11 session whose card is pulled out right after C_Login."""

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def get_objects(self, *a: object) -> object:
        from pkcs11 import exceptions as px

        raise px.DeviceRemoved()


class _Token:
    label = "HiCOS"
    flags = int(TokenFlag.TOKEN_INITIALIZED)

    def __init__(self, at_login: type[Exception] | None) -> None:
        self.at_login = at_login

    def open(self, **kw: object) -> _Session:
        if self.at_login is not None:
            raise self.at_login()
        return _Session()


@pytest.mark.parametrize(
    ("at_login", "code"),
    [(None, "card.absent"), ("DeviceRemoved", "card.absent"), ("DeviceError", "card.failed")],
)
def test_card_pulled_halfway_is_a_card_error(
    monkeypatch: pytest.MonkeyPatch, at_login: str | None, code: str
) -> None:
    # The card pulled out during C_Login or while its certificate was read: a traceback and
    # exit 1 on the command line, "自然人憑證驗證發生錯誤" on the counter.
    from pkcs11 import exceptions as px

    raised = getattr(px, at_login) if at_login else None
    monkeypatch.setattr(moica, "_token", lambda module, label="": _Token(raised))
    with pytest.raises(CardError) as e:
        moica.sign("x.so", "", "482913", b"nonce")
    assert e.value.code == code
    err = card_error(e.value)
    assert err.code == code and err.message_zh and err.message_en
    with pytest.raises(CardError) as e:
        moica.status("x.so")
    assert e.value.code == code
