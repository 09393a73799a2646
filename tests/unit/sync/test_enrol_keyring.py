"""`sync enrol` on a machine with no keyring to keep the credential asks the county nothing:
the county used the one-time code up, then the credential could not be kept, and the same
code was then "unknown, used or expired"."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail, null

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import credentials


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring], ids=["fail", "null"])
def test_enrolment_without_a_keyring_keeps_the_code_unused(
    app: App, monkeypatch: pytest.MonkeyPatch, backend: type
) -> None:
    asked: list[str] = []

    def trade(app: App, url: str, code: str) -> None:
        asked.append(code)
        raise AssertionError("the county was asked")

    monkeypatch.setattr(credentials, "_trade_code", trade)
    keyring.set_keyring(backend())  # the conftest's memory keyring is put back after
    with pytest.raises(DomainError) as refused:
        sync.enrol(app, "http://127.0.0.1:9999", "ABCD-EFGH-JKLM")
    assert refused.value.code == "sync.no_keyring" and asked == []
    assert "not used" in refused.value.message_en and "未使用" in refused.value.message_zh


def test_a_credential_a_keyring_forgets_is_never_counted_as_kept(app: App) -> None:
    """The null backend takes the credential and forgets it: `sync enrol` said enrolled, the
    code was spent, and every round after was refused "device not enrolled" (401)."""
    keyring.set_keyring(null.Keyring())
    with pytest.raises(DomainError) as refused:
        credentials._keep_credential(app, "secret")
    assert refused.value.code == "sync.no_keyring"
    app.settings.demo = True  # a demo keeps it in memory instead, and uses it
    credentials._keep_credential(app, "secret")
    assert sync.credential(app) == "secret"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://[::1", "malformed"),
        ("ftp://county.example", "https://"),
        ("http://10.0.0.1:8765", "use https"),
        ("https://county.example", "county_ca_file"),
    ],
)
def test_an_unusable_server_url_is_bad_input_of_the_enrolment(app: App, url: str, why: str) -> None:
    """It read 「同步設定不正確（縣府網址格式錯誤），請洽資訊人員」 (exit 1) to the IT person
    who typed the URL; now a refusal of the field itself (exit 2 on the command line), the
    county unasked."""
    with pytest.raises(DomainError) as refused:
        sync.enrol(app, url, "ABCD-EFGH-JKLM")
    assert refused.value.code == "sync.server_url" and refused.value.field == "server"
    assert why in refused.value.message_en and "縣府伺服器網址不能使用" in refused.value.message_zh
