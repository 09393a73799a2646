"""The office database is a SQLCipher database under a 256-bit key the OS store holds."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from db_support import connect_db
from factories import FIELDS
from operator_support import sign_in_it

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services.core import App, open_app
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.storage import cipher, db, dbkey


def _intake(app: App, nid: str = "F229384752", name: str = "鄭雅婷") -> str:
    return intake(app, IntakeRequest("HR-TRANSCRIPT", nid, name, fields=FIELDS)).case_number


def test_new_database_is_encrypted_and_key_is_kept_apart(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    settings.save()
    app = open_app(settings)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        _intake(app)
        with app.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()
            assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        raw = settings.db_path.read_bytes()
        assert not raw.startswith(cipher.PLAIN_HEADER)
        key = dbkey.read_key(settings)
        assert key is not None and len(key) == 32
        key_file = settings.data_dir / "keys" / "db.key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(settings.db_path.stat().st_mode) == 0o600
        # never in the settings file, never in the database
        assert key.hex() not in (settings.data_dir / "settings.json").read_text()
        with connect_db(settings) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "select name from sqlite_master where type='table'"
                    " and sql not like 'CREATE VIRTUAL%'"
                )
            ]
            dump = "\n".join(repr(conn.execute(f'select * from "{t}"').fetchall()) for t in tables)
        assert "F229384752" in dump  # the scan reads real rows
        assert key.hex() not in dump.lower() and key.hex().upper() not in dump
    finally:
        app.close()
    # the standard library cannot read it; a wrong key is refused with a clear message
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(settings.db_path).execute("select * from cases").fetchall()
    with pytest.raises(cipher.WrongKey) as info:
        cipher.connect(settings.db_path, dbkey.new_key())
    assert "金鑰" in str(info.value) and "key" in str(info.value)


def test_missing_key_is_refused_not_replaced(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    open_app(settings).close()
    (tmp_path / "keys" / "db.key").unlink()
    with pytest.raises(dbkey.KeyUnavailable) as info:
        open_app(settings)
    assert "db key import" in str(info.value)
    assert not (tmp_path / "keys" / "db.key").exists()  # no new key silently made


def test_shared_key_directory_gives_the_group_read_access(tmp_path: Path) -> None:
    """The .deb's layout: key directory 2750 eservice:eservice, key file 0640."""
    keys = tmp_path / "keys"
    keys.mkdir()
    os.chmod(keys, 0o2750)
    settings = Settings(data_dir=tmp_path / "data", db_key_dir=str(keys))
    open_app(settings).close()
    assert stat.S_IMODE((keys / "db.key").stat().st_mode) == 0o640
    assert not (settings.data_dir / "keys").exists()


def test_keyring_store_holds_the_key_when_chosen(tmp_path: Path) -> None:
    """Windows' default store (Credential Manager through keyring); here the suite's keyring."""
    settings = Settings(data_dir=tmp_path, db_key_store="keyring")
    open_app(settings).close()
    stored = keyring.get_password(dbkey.KEYRING_SERVICE, str(settings.db_path.resolve()))
    assert stored is not None and len(bytes.fromhex(stored)) == 32
    assert not (tmp_path / "keys").exists()
    with connect_db(settings) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_a_keyring_that_forgets_makes_no_database_it_cannot_open_again(tmp_path: Path) -> None:
    """The null backend takes the key and forgets it: the database was made under a key kept
    nowhere, and the next start could not open it ("the database key is missing")."""
    from keyring.backends import null

    settings = Settings(data_dir=tmp_path, db_key_store="keyring")
    keyring.set_keyring(null.Keyring())  # the conftest's memory keyring is put back after
    with pytest.raises(dbkey.KeyUnavailable, match="did not keep the database key"):
        open_app(settings)
    assert not settings.db_path.exists()


def test_every_face_opens_through_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from eservice_desktop.cli.main import main

    data = tmp_path / "office"
    assert main(["--data-dir", str(data), "db", "upgrade", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["after"] == db.head_revision()
    assert not cipher.is_plain(data / "eservice.sqlite3")
    assert main(["--data-dir", str(data), "db", "current", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["up_to_date"] is True


def test_plain_database_is_converted_on_open(
    tmp_path: Path, make_app: Callable[[Settings], App]
) -> None:
    fixture = sorted((Path(__file__).parents[2] / "data" / "migrations").glob("*.sqlite3"))[-1]
    settings = Settings(data_dir=tmp_path)
    import shutil

    shutil.copy(fixture, settings.db_path)
    assert cipher.is_plain(settings.db_path)
    app = open_app(settings)
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        from eservice_desktop.services import cases

        assert {r.applicant_name for r in cases.queue(app, "all")} == {"王小明", "林美玲"}
    finally:
        app.close()
    assert not cipher.is_plain(settings.db_path)
    assert b"\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e" not in settings.db_path.read_bytes()  # 王小明


def test_key_export_and_import_for_escrow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from eservice_desktop.cli.main import main

    data = tmp_path / "office"
    assert main(["--data-dir", str(data), "db", "upgrade"]) == 0
    assert main(["--data-dir", str(data), "db", "key", "export"]) == 2  # IT signs in first
    sign_in_it(monkeypatch, data)
    capsys.readouterr()
    assert main(["--data-dir", str(data), "db", "key", "export"]) == 0
    escrow = tmp_path / "envelope.txt"
    escrow.write_text(capsys.readouterr().out)
    (data / "keys" / "db.key").unlink()  # the PC was rebuilt
    assert main(["--data-dir", str(data), "db", "current"]) == 3  # refused, clearly
    assert "db key import" in capsys.readouterr().err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(dbkey.new_key().hex())
    assert main(["--data-dir", str(data), "db", "key", "import", str(wrong)]) == 2
    assert "無法開啟" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "db", "key", "import", str(escrow), "--json"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "db", "current", "--json"]) == 0


def test_a_key_export_is_recorded_in_the_access_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key and any backup read every personal datum, and `db key export` asks for an `it`
    session to know who takes it; yet nothing recorded who did: no access record, no log line.
    The export is now an access record (export, `database key`) of the account signed in."""
    import io
    import json

    from eservice_desktop.cli.main import main

    data = tmp_path / "office"
    sign_in_it(monkeypatch, data)
    capsys.readouterr()
    assert main(["--data-dir", str(data), "db", "key", "export"]) == 0
    key = capsys.readouterr().out.strip()
    assert len(key) == 64
    monkeypatch.setattr("sys.stdin", io.StringIO("admin password"))
    assert main(["--data-dir", str(data), "login", "boss", "--password-stdin"]) == 0
    capsys.readouterr()
    args = ["report", "access", "--action", "export", "--json"]
    assert main(["--data-dir", str(data), *args]) == 0
    records = json.loads(capsys.readouterr().out)["records"]
    assert [(r["operator"], r["detail"]) for r in records] == [("it01", "database key")]
    assert key not in json.dumps(records)
    assert main(["--data-dir", str(data), "audit", "verify"]) == 0


def test_group_shared_data_directory_keeps_the_group_and_shuts_out_others(
    tmp_path: Path,
) -> None:
    """The .deb's layout: data directory 2770, keys 2750, backups 2770 (setgid)."""
    from eservice_desktop.services import backup

    data = tmp_path / "var"
    data.mkdir()
    os.chmod(data, 0o2770)
    (data / "keys").mkdir()
    os.chmod(data / "keys", 0o2750)
    app = open_app(Settings(data_dir=data))
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        _intake(app)
        taken = backup.take(app, "manual")
    finally:
        app.close()
    assert stat.S_IMODE((data / "eservice.sqlite3").stat().st_mode) == 0o660
    assert stat.S_IMODE((data / "keys" / "db.key").stat().st_mode) == 0o640
    assert stat.S_IMODE(taken.path.parent.stat().st_mode) & 0o777 == 0o770
    assert stat.S_IMODE(taken.path.stat().st_mode) == 0o660


@pytest.mark.parametrize(("keys_mode", "wanted"), [(0o700, 0o600), (0o2750, 0o640)])
def test_a_key_file_copied_back_readable_by_all_is_made_private_again(
    tmp_path: Path, keys_mode: int, wanted: int
) -> None:
    """The key copied back by hand from the escrow (cp under umask 022: 0644): the database
    files were set 0600 at the next start, the key that opens them and every backup stayed
    readable by every account of the PC. It is set as it is written: 0600, or 0640 where the
    key folder is the group's (the .deb's 2750)."""
    data = tmp_path / "office"
    open_app(Settings(data_dir=data)).close()
    key = data / "keys" / "db.key"
    os.chmod(data / "keys", keys_mode)
    os.chmod(key, 0o644)
    open_app(Settings(data_dir=data)).close()
    assert stat.S_IMODE(key.stat().st_mode) == wanted


def test_processes_starting_together_on_a_new_install_agree_on_one_key(tmp_path: Path) -> None:
    """The window and the sync service start together on a new install: each found no key and
    stored its own with a replace, so the key kept was not the one the database was made with,
    and the database never opened again ("file is not a database"). Now the first key stored
    is the key: six processes racing each open the database, and a seventh opens it after."""
    import subprocess
    import sys

    data = tmp_path / "fresh"
    go = tmp_path / "go"
    # All six open at one signal, once each has imported what it needs (a fixed start time
    # passed while a loaded machine was still importing, and the opens came one by one).
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from eservice_desktop.config import Settings\n"
        "from eservice_desktop.services.core import open_app\n"
        "print('ready', flush=True)\n"
        "while not Path(sys.argv[2]).exists(): time.sleep(0.001)\n"
        "app = open_app(Settings(data_dir=Path(sys.argv[1])))\n"
        "print(app.db_key.hex()); app.close()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(data), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("ESERVICE_")},
        )
        for _ in range(6)
    ]
    assert [p.stdout.readline().strip() for p in procs if p.stdout] == ["ready"] * 6
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-300:] for _, err in outs]
    keys = {out.strip() for out, _ in outs}
    stored = dbkey.read_key(Settings(data_dir=data))
    assert stored is not None and keys == {stored.hex()}
    app = open_app(Settings(data_dir=data))
    app.close()
    assert not list((data / "keys").glob(".db-key-*"))  # no temporary key left behind


def test_the_first_key_stored_is_the_key_even_when_all_made_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race above made certain: every caller has found no key and made its own before any
    stores it. Each must still come back with the one key the file holds."""
    import threading

    settings = Settings(data_dir=tmp_path / "fresh")
    made = threading.Barrier(4)
    real_new_key = dbkey.new_key

    def new_key_after_everyone_looked() -> bytes:
        key = real_new_key()
        made.wait(timeout=10)
        return key

    monkeypatch.setattr(dbkey, "new_key", new_key_after_everyone_looked)
    got: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: got.append(dbkey.database_key(settings, create=True)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(got) == 4 and set(got) == {dbkey.read_key(settings)}
