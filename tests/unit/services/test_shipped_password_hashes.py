"""The argon2id parameters the office and the county ship: RFC 9106's low-memory profile
(argon2-cffi's default), and the county's scrypt for its data key. The other in-process tests
hash with the cheapest parameters (tests/conftest.py, tests/integration/sync/conftest.py);
this one, marked, keeps the shipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from argon2 import extract_parameters, profiles
from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county import operators as county_operators
from eservice_desktop.county import vault
from eservice_desktop.county.store import create_schema, make_engine
from eservice_desktop.county.tables_credentials import VaultRow
from eservice_desktop.services import operators_signin

pytestmark = pytest.mark.shipped_password_hashes


def test_the_office_hashes_with_the_shipped_parameters() -> None:
    made = operators_signin.hash_password("counter password 1")
    assert extract_parameters(made) == profiles.RFC_9106_LOW_MEMORY
    assert operators_signin._hasher.verify(made, "counter password 1")


def test_the_county_hashes_and_checks_unknown_accounts_with_the_shipped_parameters() -> None:
    made = county_operators._hasher().hash("counter password 1")
    assert extract_parameters(made) == profiles.RFC_9106_LOW_MEMORY
    # an unknown account costs the same hash as a known one
    assert extract_parameters(county_operators._dummy_hash()) == profiles.RFC_9106_LOW_MEMORY


def test_the_county_wraps_its_data_key_with_the_shipped_scrypt(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'county.sqlite3'}")
    create_schema(engine)
    with Session(engine) as s, s.begin():
        vault.unlock(s, b"test county passphrase", datetime.now(UTC))
    with Session(engine) as s:
        assert s.scalar(select(VaultRow.kdf)) == "scrypt:32768:8:1"  # 32 MiB
    engine.dispose()
