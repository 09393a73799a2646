"""Migration 0025: the one-time password's mark on an account. An office's accounts upgrade
unmarked (nobody can tell now who chose which password); going down drops the mark, the
accounts and their passwords kept; up again, unmarked."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from db_support import connect_db

from eservice_desktop.config import Settings
from eservice_desktop.services import audit, operators
from eservice_desktop.services.core import open_app
from eservice_desktop.storage import db

FIXTURES = Path(__file__).parents[2] / "data" / "migrations"
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
ADMIN_PW = "fixture-password"  # tools/make-migration-fixture.py


def _columns(settings: Settings) -> list[str]:
    with connect_db(settings) as conn:
        return [r[1] for r in conn.execute("pragma table_info(operators)")]


def _accounts(settings: Settings) -> list[tuple[str, str]]:
    with connect_db(settings) as conn:
        return list(conn.execute("SELECT account, password_hash FROM operators ORDER BY account"))


def test_the_mark_upgrades_unmarked_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, office_code="H01", device_id="01")
    shutil.copy(FIXTURES / "0024.sqlite3", settings.db_path)
    app = open_app(settings, clock=lambda: NOW)  # 0024 -> head
    try:
        assert operators.login(app, "admin", ADMIN_PW).must_change_password is False
        operators.create_operator(app, "clerk07", "王承辦", ["clerk"], "given by admin 1")
    finally:
        app.close()
    assert "password_must_change" in _columns(settings)
    with connect_db(settings) as conn:
        marks = dict(conn.execute("SELECT account, password_must_change FROM operators"))
    assert marks == {"admin": 0, "clerk07": 1}
    accounts = _accounts(settings)

    engine, _key = db.open_office_engine(settings)
    with engine.begin() as conn:
        cfg = db.alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0024")
    engine.dispose()
    assert "password_must_change" not in _columns(settings)
    assert _accounts(settings) == accounts  # the accounts and their passwords kept

    app = open_app(settings, clock=lambda: NOW)  # up again
    try:
        assert "password_must_change" in _columns(settings)
        assert operators.login(app, "clerk07", "given by admin 1").must_change_password is False
        assert audit.verify(app).ok
    finally:
        app.close()
