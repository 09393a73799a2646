"""The start-up schema check: a current database is recognised with one SELECT and no Alembic;
the head revision known without Alembic matches the migrations directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from eservice_desktop.config import Settings
from eservice_desktop.services.core import open_app
from eservice_desktop.storage import db

FIXTURES = Path(__file__).parents[2] / "data" / "migrations"


def test_head_constant_matches_the_migrations_directory() -> None:
    assert db.head_revision() == db.HEAD_REVISION


def test_schema_is_current_only_at_head(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    tmp_path.mkdir(exist_ok=True)
    engine = db.make_engine(settings.db_url)
    try:
        assert not db.schema_is_current(engine)  # new, empty database
        shutil.copy(FIXTURES / "0007.sqlite3", settings.db_path)
        assert not db.schema_is_current(engine)
        db.upgrade(engine, settings.db_url, settings.db_path)
        assert db.schema_is_current(engine)
    finally:
        engine.dispose()


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    open_app(Settings(data_dir=tmp_path)).close()  # creates and upgrades it
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from eservice_desktop.config import Settings\n"
        "from eservice_desktop.services.core import open_app\n"
        f"open_app(Settings(data_dir=Path({str(tmp_path)!r}))).close()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
