"""Doctor after the encryption of a plain database was killed midway (a power cut, ``kill -9``
at the first start of a new build): every line tells what is there."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from kill_support import kill_when_there

from eservice_desktop.config import Settings
from eservice_desktop.services.doctor.database import check_chain, check_database

ROOT = Path(__file__).resolve().parents[3]
PLAIN = ROOT / "tests" / "data" / "migrations" / "0021.sqlite3"  # plain, as before encryption

#: ``db current`` in a process of its own that says ``there`` and waits once the encrypted
#: copy is written beside the plain database, before it checks it and takes its place.
CONVERTER = textwrap.dedent(
    """
    import sys, time
    from eservice_desktop.storage import cipher
    from eservice_desktop.cli.main import main

    real = cipher.connect

    def connect(path, *args, **kwargs):
        if str(path).endswith(".encrypting"):
            print("there", flush=True)
            time.sleep(600)
        return real(path, *args, **kwargs)

    cipher.connect = connect
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_doctor_after_a_killed_encryption_names_the_plain_database(tmp_path: Path) -> None:
    """The hash chain line said 資料庫尚未建立 / No database yet of a database that was there
    (and that the database line, beside it, said was not encrypted)."""
    shutil.copy(PLAIN, tmp_path / "eservice.sqlite3")
    kill_when_there(
        [sys.executable, "-c", CONVERTER, "--data-dir", str(tmp_path), "db", "current"],
        {**os.environ, "PYTHONPATH": str(ROOT)},
        ROOT,
    )
    assert (tmp_path / "eservice.sqlite3.encrypting").exists()
    settings = Settings(data_dir=tmp_path)

    database = check_database(settings)
    assert database.status == "fail" and "not encrypted" in database.detail_en, database
    chain = check_chain(settings)
    assert chain.status == "warn", chain
    assert chain.detail_zh == "資料庫加密後才能檢查", chain
    assert chain.detail_en == "Checked once the database is encrypted", chain
    assert "db upgrade" in chain.fix_en and "db upgrade" in chain.fix_zh, chain
