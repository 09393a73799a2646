"""Migration 0023: a sealed attachment made by an older build, named on the disk after the
citizen, is sealed again as ``attachment.sealed`` and its name kept in the database."""

from __future__ import annotations

import shutil
from hashlib import sha256
from pathlib import Path

from alembic import command
from db_support import connect_db
from sqlalchemy import text

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services import case_attachments as ca
from eservice_desktop.services.core import open_app
from eservice_desktop.storage import db
from eservice_desktop.storage.sealed import Sealer

FIXTURES = Path(__file__).parents[2] / "data" / "migrations"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
NAME = "王小明身分證A123456789.png"


def _names_on_disk(settings: Settings) -> list[str]:
    return sorted(p.name for p in (settings.data_dir / "attachments").rglob("*") if p.is_file())


def _migrate(settings: Settings, how: str, revision: str) -> None:
    engine, _key = db.open_office_engine(settings)
    with engine.begin() as conn:
        cfg = db.alembic_config(settings.db_url)
        cfg.attributes["connection"] = conn
        getattr(command, how)(cfg, revision)
    engine.dispose()


def _older_builds_attachment(settings: Settings) -> tuple[str, str]:
    """A database at 0022 holding one sealed attachment as that build stored it; its case's
    number and the file's SHA-256."""
    shutil.copy(FIXTURES / "0022.sqlite3", settings.db_path)
    engine, key = db.open_office_engine(settings)  # the plain fixture encrypted, not upgraded
    engine.dispose()
    sha = sha256(PNG).hexdigest()
    stored = settings.data_dir / "attachments" / sha / f"{NAME}.sealed"
    Sealer(key).write(stored, PNG)
    with connect_db(settings) as conn:
        case_id, number = conn.execute("SELECT case_id, case_number FROM cases LIMIT 1").fetchone()
        conn.execute(
            "INSERT INTO sync_attachments (sha256, path, size, uploaded, complete, case_id,"
            " media_type, created_at) VALUES (?, ?, ?, 0, 0, ?, 'image/png',"
            " '2026-03-10 02:00:00.000000')",
            (sha, str(stored), len(PNG), case_id),
        )
        conn.commit()
    return number, sha


def test_an_older_builds_attachment_loses_its_name_on_the_disk_and_keeps_it_on_screen(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path, office_code="H01", device_id="01")
    number, sha = _older_builds_attachment(settings)
    assert _names_on_disk(settings) == [f"{NAME}.sealed"]

    app = open_app(settings)  # 0022 -> head
    app.operator = Operator(account="fixture", name="fixture", roles=COUNTER_ROLES)
    try:
        assert _names_on_disk(settings) == [ca.STORED_NAME]
        views = ca.list_attachments(app, number)
        assert [(v.sha256, v.name) for v in views] == [(sha, NAME)]
        with app.reading() as s:
            path = s.execute(text("SELECT path FROM sync_attachments")).scalar_one()
        assert Path(path).name == ca.STORED_NAME and ca.read_content(app, path) == PNG
    finally:
        app.close()

    _migrate(settings, "downgrade", "0022")  # an older build again: the file opens there
    app = open_app(settings)  # and up again
    try:
        assert _names_on_disk(settings) == [ca.STORED_NAME]
        assert ca.read_content(app, path) == PNG
    finally:
        app.close()


def test_a_row_taken_back_by_a_restore_finds_its_renamed_file(tmp_path: Path) -> None:
    """Renamed by the upgrade, then the database taken back from the upgrade's backup: the
    row names the old path, and the file is found in its folder all the same."""
    settings = Settings(data_dir=tmp_path, office_code="H01", device_id="01")
    _number, sha = _older_builds_attachment(settings)
    folder = settings.data_dir / "attachments" / sha
    _engine, key = db.open_office_engine(settings)
    _engine.dispose()
    Sealer(key).write(folder / ca.STORED_NAME, PNG)  # as the upgrade seals it again
    (folder / f"{NAME}.sealed").unlink()
    app = open_app(settings, migrate=False)
    try:
        assert ca.read_content(app, str(folder / f"{NAME}.sealed")) == PNG
    finally:
        app.close()
