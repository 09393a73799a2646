"""`backup restore` checks the whole backup before anything moves: an empty file, a damaged
page, an edited event (broken hash chain) or a newer version's backup is refused with one
line, exit 2, and the database in use is left as it was; `backup verify` reports the same
backups as failed (exit 1) instead of a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import load_settings
from eservice_desktop.storage import cipher, dbkey


def _empty(good: Path, bad: Path, key: bytes) -> None:
    bad.write_bytes(b"")


def _damaged(good: Path, bad: Path, key: bytes) -> None:
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4] = b"\x00\x01\x02\x03"
    bad.write_bytes(bytes(data))


def _edited(good: Path, bad: Path, key: bytes) -> None:
    shutil.copy(good, bad)
    conn = cipher.connect(bad, key)
    conn.execute("UPDATE events SET clerk = 'mallory' WHERE seq = (SELECT min(seq) FROM events)")
    conn.commit()
    conn.close()


def _newer(good: Path, bad: Path, key: bytes) -> None:
    shutil.copy(good, bad)
    conn = cipher.connect(bad, key)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()


def _first_event_deleted(good: Path, bad: Path, key: bytes) -> None:
    """A case whose opening event is gone no longer folds into a case: verify said "查無此案件"
    (exit 2) and restore refused with it, as if the case, not the backup, were wrong."""
    shutil.copy(good, bad)
    conn = cipher.connect(bad, key)
    conn.execute("DELETE FROM events WHERE seq = (SELECT min(seq) FROM events)")
    conn.commit()
    conn.close()


def _payload_not_json(good: Path, bad: Path, key: bytes) -> None:
    """An event whose payload is no longer JSON: both commands ended in a traceback."""
    shutil.copy(good, bad)
    conn = cipher.connect(bad, key)
    conn.execute("UPDATE events SET payload = '{no' WHERE seq = (SELECT max(seq) FROM events)")
    conn.commit()
    conn.close()


def _last_event_deleted(good: Path, bad: Path, key: bytes) -> None:
    shutil.copy(good, bad)
    conn = cipher.connect(bad, key)
    conn.execute("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")
    conn.commit()
    conn.close()


def _payload_edited(good: Path, bad: Path, key: bytes) -> None:
    shutil.copy(good, bad)
    conn = cipher.connect(bad, key)
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.edited', 1)"
        " WHERE seq = (SELECT max(seq) FROM events)"
    )
    conn.commit()
    conn.close()


ROOT = Path(__file__).resolve().parents[3]

BAD: dict[str, Callable[[Path, Path, bytes], None]] = {
    "empty": _empty,
    "damaged": _damaged,
    "edited": _edited,
    "newer": _newer,
    "first_event_deleted": _first_event_deleted,
    "payload_not_json": _payload_not_json,
    "last_event_deleted": _last_event_deleted,
    "payload_edited": _payload_edited,
}


@pytest.fixture
def office(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, Path, bytes]:
    """A demo office with a few cases and one good backup of them."""
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    data = tmp_path / "office"
    assert main(["--data-dir", str(data), "demo", "seed", "--cases", "3"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "backup", "now", "--json"]) == 0
    good = Path(json.loads(capsys.readouterr().out)["file"])
    key = dbkey.database_key(load_settings(data), create=False)
    return data, good, key


@pytest.mark.parametrize("kind", sorted(BAD))
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    office: tuple[Path, Path, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    data, good, key = office
    bad = tmp_path / f"eservice-H01-01-manual-20261202T000000Z-{kind}.sqlite3"
    BAD[kind](good, bad, key)
    before = (data / "eservice.sqlite3").read_bytes()
    backups_before = sorted(p.name for p in good.parent.iterdir())

    code = main(["--data-dir", str(data), "backup", "restore", "--no-recover", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert bad.name in err and "未還原" in err
    assert (data / "eservice.sqlite3").read_bytes() == before
    assert sorted(p.name for p in good.parent.iterdir()) == backups_before  # no before-restore

    code = main(["--data-dir", str(data), "--lang", "en", "backup", "restore", str(bad)])
    assert code == 2 and "nothing was restored" in capsys.readouterr().err


@pytest.mark.parametrize("kind", sorted(BAD))
def test_verify_reports_a_bad_backup_as_failed(
    office: tuple[Path, Path, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    data, good, key = office
    bad = tmp_path / f"{kind}.sqlite3"
    BAD[kind](good, bad, key)
    code = main(["--data-dir", str(data), "backup", "verify", str(bad), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 1 and result["ok"] is False and result["problems"]
    if kind in ("empty", "damaged"):  # SQLite's English findings were the zh-TW line's text
        zh = "；".join(result["problems_zh"])
        assert zh.startswith("完整性檢查未通過：") and not re.search("[A-Za-z]{4,}", zh), zh
        assert result["problems"][0].startswith("integrity: ")  # the English as it was


def test_restore_of_a_good_backup_still_switches(
    office: tuple[Path, Path, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    data, good, _ = office
    code = main(["--data-dir", str(data), "backup", "restore", "--no-recover", str(good), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["verified"] is True and result["previous_kept_as"]


def test_restore_is_refused_while_another_process_has_the_database_open(
    office: tuple[Path, Path, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    """The window or the sync service still open: its work would go on in the replaced file
    and be lost without a word (it was: the restore went through, exit 0)."""
    data, good, key = office
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data / "eservice.sqlite3"), key.hex()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = (data / "eservice.sqlite3").read_bytes()
        code = main(["--data-dir", str(data), "backup", "restore", "--no-recover", str(good)])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "同步服務" in err, err
        assert (data / "eservice.sqlite3").read_bytes() == before
    finally:
        holder.communicate("", timeout=30)
    code = main(["--data-dir", str(data), "backup", "restore", "--no-recover", str(good)])
    assert code == 0, capsys.readouterr().err


@pytest.mark.parametrize("lost", ["missing", "zero_bytes", "made_afresh"])
def test_a_lost_database_is_restored_without_a_session(
    office: tuple[Path, Path, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lost: str,
) -> None:
    """The database gone (a rebuilt PC) or emptied to zero bytes, so no account can sign in:
    the files were switched, then the restore asked for a session and said "sign in first"
    (exit 2, sync recover not run); a file of zero bytes was even opened first, which made a
    fresh database without accounts in its place (as any command run first on a rebuilt PC
    does). Whoever may write the data directory restores, as the IT guide says."""
    data, good, key = office
    monkeypatch.delenv("ESERVICE_DEMO")  # no one signed in by the demo
    db_file = data / "eservice.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    db_file.write_bytes(b"")
    if lost != "zero_bytes":
        db_file.unlink()
    if lost == "made_afresh":  # a command run first on the rebuilt PC made an empty database
        assert main(["--data-dir", str(data), "db", "upgrade"]) == 0
    code = main(["--data-dir", str(data), "backup", "restore", "--no-recover", str(good)])
    assert code == 0, capsys.readouterr().err
    conn = cipher.connect(db_file, key, read_only=True)
    try:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 3
    finally:
        conn.close()


def test_a_second_restore_while_one_is_under_way_is_refused(
    office: tuple[Path, Path, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    """Two restores at once each found no program holding the database (the first one was
    still checking its backup), copied into the one ``.restoring`` file and said "restored":
    the later switch replaced the earlier without a word, or a mix of both was put in place."""
    data, good, _ = office
    before = (data / "eservice.sqlite3").read_bytes()
    backups_before = sorted(p.name for p in good.parent.iterdir())
    with cipher.file_lock(data / ".restore"):  # as the restore under way holds it
        argv = ["--data-dir", str(data), "--lang", "en", "backup", "restore", str(good)]
        code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "Another restore" in err, err
    assert json.loads(out)["error"] == "backup.in_use"
    assert (data / "eservice.sqlite3").read_bytes() == before
    assert sorted(p.name for p in good.parent.iterdir()) == backups_before
    assert main([*argv, "--no-recover"]) == 0  # once it is done, the next one goes through


#: Another process with the database open, as the window or the sync service holds it.
HOLDER = """
import sys
from pathlib import Path
from eservice_desktop.storage import cipher
conn = cipher.connect(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
conn.execute("SELECT count(*) FROM events").fetchone()
print("open", flush=True)
sys.stdin.read()
conn.close()
"""


def test_restore_refuses_another_counters_backup_and_changes_nothing(
    office: tuple[Path, Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Counter 01's backup restored at counter 02 (the office key imported there): the files
    were switched, then every command refused the database as counter 01's (exit 2 after the
    live database was already replaced)."""
    _, good, key = office
    other = tmp_path / "counter02"
    (other / "keys").mkdir(parents=True, mode=0o700)
    (other / "keys" / "db.key").write_text(key.hex() + "\n")
    (other / "keys" / "db.key").chmod(0o600)
    as_02 = ["--data-dir", str(other), "--device", "02"]
    assert main([*as_02, "demo", "seed", "--cases", "1"]) == 0
    capsys.readouterr()
    before = (other / "eservice.sqlite3").read_bytes()

    code = main([*as_02, "backup", "restore", "--no-recover", str(good), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert json.loads(out)["error"] == "backup.another_counter"
    assert "H01-01" in err and "H01-02" in err and "未還原" in err
    assert (other / "eservice.sqlite3").read_bytes() == before
    assert not (other / "backups").exists() or not list((other / "backups").iterdir())
    assert main([*as_02, "audit", "verify"]) == 0  # counter 02 opens its database as before


def _truncated(good: Path, bad: Path, key: bytes) -> None:
    bad.write_bytes(good.read_bytes()[: good.stat().st_size - 4096])


def _plain(good: Path, bad: Path, key: bytes) -> None:
    import sqlite3

    conn = sqlite3.connect(bad)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _other_office(good: Path, bad: Path, key: bytes) -> None:
    shutil.copy(good, bad)
    conn = cipher.connect(bad, key)
    conn.execute(cipher.key_pragma(bytes(32)).replace("key", "rekey", 1))
    conn.close()


@pytest.mark.parametrize("make", [_truncated, _plain, _other_office], ids=lambda f: f.__name__)
def test_a_backup_that_does_not_open_says_nothing_was_restored(
    office: tuple[Path, Path, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path, Path, bytes], None],
) -> None:
    """Truncated, plain SQLite or sealed with another office's key: the refusal only said
    "wrong key or damaged file", not that the database in use was left as it was."""
    data, good, key = office
    bad = tmp_path / "eservice-H01-01-manual-20261202T000000Z.sqlite3"
    make(good, bad, key)
    before = (data / "eservice.sqlite3").read_bytes()
    code = main(["--data-dir", str(data), "backup", "restore", "--no-recover", str(bad), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and err.strip().count("\n") == 0 and "Traceback" not in err
    assert json.loads(out)["error"] == "backup.key"  # the reason is kept
    assert "金鑰不符" in err and "未還原" in err
    assert (data / "eservice.sqlite3").read_bytes() == before
    code = main(["--data-dir", str(data), "--lang", "en", "backup", "restore", str(bad)])
    assert code == 2 and "nothing was restored" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["edited", "payload_edited", "last_event_deleted"])
def test_the_hash_chain_itself_catches_an_edited_or_removed_event(
    office: tuple[Path, Path, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    """Not only the projections: the chain (the last event's deletion through the chain
    head kept beside it)."""
    data, good, key = office
    bad = tmp_path / f"{kind}.sqlite3"
    BAD[kind](good, bad, key)
    assert main(["--data-dir", str(data), "backup", "verify", str(bad), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["chain"]["ok"] is False
    assert any(p.startswith("chain: ") for p in result["problems"])


def test_the_restores_account_is_in_the_users_language_with_the_roc_year(
    office: tuple[Path, Path, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every line of the restore's account was Chinese and English at once (``已還原 /
    restored: …``) whatever --lang said, and the backup's time was ISO 8601."""
    import re

    data, good, _ = office
    han = re.compile(r"[\u3400-\u9fff]")
    for lang in ("zh_TW", "en"):
        argv = ["--data-dir", str(data), "--lang", lang, "backup", "restore", "--no-recover"]
        assert main([*argv, str(good)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 2 and " / " not in "".join(lines), lines
        assert re.search(r"\(1\d\d/\d\d/\d\d \d\d:\d\d:\d\d\)$", lines[0]), lines
        shown = [line.replace(str(good), "") for line in lines]
        assert all(bool(han.search(x)) == (lang == "zh_TW") for x in shown), lines


def test_the_restore_of_a_renamed_backup_says_its_time_is_unknown(
    office: tuple[Path, Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup copied under another name (its time is in the name): the account said
    ``已還原：FILE (None)``."""
    data, good, _ = office
    renamed = tmp_path / "備份 複本.sqlite3"
    shutil.copy(good, renamed)
    for lang, said in (("zh_TW", "時間不明"), ("en", "time unknown")):
        argv = ["--data-dir", str(data), "--lang", lang, "backup", "restore", "--no-recover"]
        assert main([*argv, str(renamed)]) == 0
        first = capsys.readouterr().out.splitlines()[0]
        assert first.endswith(f"({said})") and "None" not in first, first


@pytest.mark.parametrize("make", [_truncated, _plain, _other_office], ids=lambda f: f.__name__)
def test_verify_reports_a_backup_that_does_not_open_as_failed(
    office: tuple[Path, Path, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path, Path, bytes], None],
) -> None:
    """Cut short, plain SQLite or sealed with another office's key: verify refused it as bad
    input (exit 2, the answer without the verify shape), where an empty or damaged backup is
    FAILED (exit 1), as the IT guide says of every backup restore refuses."""
    data, good, key = office
    bad = tmp_path / "eservice-H01-01-manual-20261202T000000Z.sqlite3"
    make(good, bad, key)
    code = main(["--data-dir", str(data), "backup", "verify", str(bad), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 1 and result["ok"] is False and result["problems"][0].startswith("key: ")
    assert {"file", "integrity", "revision", "cases", "chain", "age_h"} <= set(result)
    assert result["problems_zh"][0].startswith("無法以本機金鑰開啟 ")
    code = main(["--data-dir", str(data), "--lang", "en", "backup", "verify", str(bad)])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("FAILED ") and out.count("\n") == 1, out
    # in Chinese, the finding too (it read 「損壞 …（0 件，時間不明）key: … does not open」)
    code = main(["--data-dir", str(data), "--lang", "zh_TW", "backup", "verify", str(bad)])
    out = capsys.readouterr().out
    assert out.startswith("損壞 ") and "）：無法以本機金鑰開啟 " in out and "key:" not in out


@pytest.mark.parametrize("make", [_empty, _truncated, _other_office], ids=lambda f: f.__name__)
def test_the_windows_restore_plan_of_a_backup_that_fails_says_so(
    office: tuple[Path, Path, bytes], tmp_path: Path, make: Callable[[Path, Path, bytes], None]
) -> None:
    """The window's guided restore (備份與還原) read the events of an empty, cut short or
    foreign backup after it failed its check: an error instead of 備份驗證失敗 and why."""
    from eservice_desktop.services import backup
    from eservice_desktop.services.core import open_app

    data, good, key = office
    bad = tmp_path / "eservice-H01-01-manual-20261202T000000Z.sqlite3"
    make(good, bad, key)
    app = open_app(load_settings(data))  # the demo's operator, as the window signs it in
    try:
        plan = backup.preview(app, bad)
    finally:
        app.close()
    assert plan["ok"] is False and plan["verified"]["problems"], plan
    assert plan["will_be_lost"] is None and plan["come_back"] is None
