"""The sync service's own credential store: private, atomic, and only chosen explicitly."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import pytest
from keyring.errors import KeyringError, PasswordDeleteError

from eservice_desktop.county_link.service_keyring import ENV_DIR, FILE_NAME, ServiceKeyring


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ServiceKeyring, Path]:
    d = tmp_path / "credentials"
    monkeypatch.setenv(ENV_DIR, str(d))
    return ServiceKeyring(), d


def test_round_trip_with_private_permissions(store: tuple[ServiceKeyring, Path]) -> None:
    backend, d = store
    assert backend.get_password("eservice-desktop", "H01-01") is None
    backend.set_password("eservice-desktop", "H01-01", "s3cret")
    backend.set_password("eservice-desktop", "H01-02", "other")
    assert backend.get_password("eservice-desktop", "H01-01") == "s3cret"
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE((d / FILE_NAME).stat().st_mode) == 0o600
    assert [p.name for p in d.iterdir()] == [FILE_NAME]  # no temporary file left behind
    backend.delete_password("eservice-desktop", "H01-01")
    assert backend.get_password("eservice-desktop", "H01-01") is None
    assert backend.get_password("eservice-desktop", "H01-02") == "other"
    with pytest.raises(PasswordDeleteError):
        backend.delete_password("eservice-desktop", "H01-01")


def test_a_loosened_directory_is_tightened_again(store: tuple[ServiceKeyring, Path]) -> None:
    backend, d = store
    backend.set_password("s", "u", "p")
    d.chmod(0o777)
    backend.set_password("s", "u", "q")
    assert stat.S_IMODE(d.stat().st_mode) == 0o700


def test_without_its_directory_it_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DIR, raising=False)
    with pytest.raises(KeyringError):
        ServiceKeyring().get_password("s", "u")


def test_viable_only_where_its_directory_is_named(
    store: tuple[ServiceKeyring, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyring.backend import KeyringBackend

    assert ServiceKeyring in KeyringBackend.get_viable_backends()
    monkeypatch.delenv(ENV_DIR)
    assert ServiceKeyring not in KeyringBackend.get_viable_backends()
    assert not isinstance(keyring.get_keyring(), ServiceKeyring)
