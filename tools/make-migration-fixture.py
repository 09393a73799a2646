"""Writes tests/data/migrations/<rev>.sqlite3: a small database at one revision, with cases in it.

Run once per new revision (``python tools/make-migration-fixture.py``) and commit the file, so
that every later build is tested upgrading real old databases, not just empty ones.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from alembic import command

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services.cases import request_supplement
from eservice_desktop.services.core import open_app
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.services.operators import create_first_admin
from eservice_desktop.storage import db


def main() -> int:
    target_rev = sys.argv[1] if len(sys.argv) > 1 else db.head_revision()
    out = Path(__file__).resolve().parents[1] / "tests" / "data" / "migrations"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), office_code="H01", device_id="01")
        engine = db.make_engine(settings.db_url)
        with engine.begin() as conn:
            cfg = db.alembic_config(settings.db_url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target_rev)
        engine.dispose()
        app = open_app(
            settings, clock=lambda: datetime(2026, 3, 10, 2, 0, tzinfo=UTC), migrate=False
        )
        if target_rev >= "0012":  # operator accounts exist from 0012 on
            create_first_admin(app, "admin", "事務所管理者", "fixture-password")
        # The cases are taken in by a counter operator (signed in directly: no password here).
        app.operator = Operator(account="fixture", name="fixture", roles=COUNTER_ROLES)
        fields = {
            "registered_address": "桃園市桃園區中正路1號",
            "transcript_kind": "現戶",
            "record_detail": "省略記事",
        }
        first = intake(app, IntakeRequest("HR-TRANSCRIPT", "A123456789", "王小明", fields=fields))
        intake(app, IntakeRequest("HR-TRANSCRIPT", "F131104093", "林美玲", fields=fields))
        request_supplement(app, first.case_number, "請補附戶口名簿影本")
        app.close()
        # Kept plain, as databases of builds before encryption were: opening one converts it.
        target = out / f"{target_rev}.sqlite3"
        target.unlink(missing_ok=True)
        conn = db.raw_connect(settings)
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        conn.execute("SELECT sqlcipher_export('plain')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA plain.user_version = {version}")
        conn.execute("DETACH DATABASE plain")
        conn.close()
    print(out / f"{target_rev}.sqlite3")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
