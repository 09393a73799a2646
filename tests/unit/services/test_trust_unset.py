"""A counter with no trust anchor directory set says so when a MOICA card is to be verified,
in the clerk's language, not the loader's English words about an empty path."""

from __future__ import annotations

import pytest

from eservice_desktop.config import Settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.identity_crl import trust_store


def test_no_trust_anchor_directory_is_said_as_such(settings: Settings) -> None:
    settings.trust_anchor_dir = ""
    with pytest.raises(DomainError) as e:
        trust_store(settings)
    assert e.value.code == "pki.trust_config"  # the same refusal, its words plain
    assert e.value.message_zh == "未設定信任錨目錄，無法驗證自然人憑證，請洽資訊人員"
    assert e.value.message_en == (
        "No trust anchor directory is set: MOICA cards cannot be verified; call IT"
    )
