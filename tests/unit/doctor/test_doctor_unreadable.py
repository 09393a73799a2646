"""doctor only reads, and says the right fix when the database does not open: a mistyped
``--data-dir`` is reported as not there (doctor used to create it, and its logs folder, and
then call it fine); a read-only data directory is a permissions problem (doctor used to stop
at the calendar check with "wrong key or damaged file"); a missing or other key is fixed with
the escrowed key (``db key import``), not by restoring a backup sealed with that same key; the
hash chain of a database that does not open is not "checked once upgraded"."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eservice_desktop.cli.main import main


def _doctor(capsys: pytest.CaptureFixture[str], data: Path, *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    main(["--data-dir", str(data), "doctor", "--no-network", "--json", *extra])
    report = json.loads(capsys.readouterr().out)
    return {c["key"]: c for c in report["checks"]}


@pytest.fixture
def office(tmp_path: Path) -> Path:
    data = tmp_path / "office"
    assert main(["--data-dir", str(data), "db", "upgrade"]) == 0
    return data


def test_doctor_creates_nothing_for_a_mistyped_data_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "offcie" / "data"
    checks = _doctor(capsys, typo)
    assert not (tmp_path / "offcie").exists()
    assert checks["data_dir"]["status"] == "warn" and checks["data_dir"]["data"]["exists"] is False


@pytest.mark.parametrize("how", ["missing", "other", "malformed"])
def test_a_key_problem_is_fixed_with_the_escrowed_key(
    office: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    """A malformed key file (a bad copy from the escrow) stopped the whole report at the backup
    check: doctor answered with the key refusal (exit 3) and no checks at all."""
    key = office / "keys" / "db.key"
    if how == "missing":
        key.unlink()
    elif how == "other":
        key.write_text("ab" * 32, encoding="utf-8")
    else:
        key.write_text("not a key\n", encoding="utf-8")
    checks = _doctor(capsys, office, "--lang", "en")
    database = checks["database"]
    assert database["status"] == "fail"
    assert "db key import" in database["fix_en"] and "db key import" in database["fix_zh"]
    assert " / " not in database["detail_zh"]  # one language a line
    assert checks["chain"]["status"] == "fail" and "upgrade" not in checks["chain"]["fix_en"]


def test_a_read_only_data_dir_is_a_permissions_problem(office: Path) -> None:
    if not shutil.which("unshare"):
        pytest.skip("needs unshare for a read-only bind mount")
    script = (
        f'mount --bind "{office}" "{office}" && mount -o remount,bind,ro "{office}" && '
        f'exec "{sys.executable}" -m eservice_desktop --data-dir "{office}" doctor '
        "--no-network --json"
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120
    )
    if "mount" in run.stderr and not run.stdout:
        pytest.skip(f"no read-only bind mount here: {run.stderr.strip()}")
    checks = {c["key"]: c for c in json.loads(run.stdout)["checks"]}
    assert run.returncode == 1, run.stderr
    assert checks["database"]["status"] == "fail"
    assert "read-only" in checks["database"]["detail_en"]
    assert "writable" in checks["database"]["fix_en"]
    assert "calendar" in checks and "receipt_fonts" in checks  # every check ran
    # the data directory line said "not writable by this user: add the user to the eservice
    # group", which changes nothing on a read-only disk (Linux makes one so after disk errors)
    data_dir = checks["data_dir"]
    assert data_dir["status"] == "fail" and "read-only disk" in data_dir["detail_en"]
    assert "唯讀" in data_dir["detail_zh"] and "usermod" not in data_dir["fix_en"]
    assert "remount,rw" in data_dir["fix_en"] and "remount,rw" in data_dir["fix_zh"]


def test_a_data_dir_that_is_a_file_is_no_folder_to_create(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was "does not exist yet (created on first start): run db upgrade", which fails."""
    afile = tmp_path / "data"
    afile.write_text("x", encoding="utf-8")
    check = _doctor(capsys, afile)["data_dir"]
    assert check["status"] == "fail" and "is a file" in check["detail_en"]
    assert "db upgrade" not in check["fix_en"] and "ESERVICE_DATA_DIR" in check["fix_en"]


def test_a_lost_database_with_backups_is_restored_not_started_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The database deleted (a disk replaced), the backups still there: doctor said "no
    database yet: open the counter window once" (which starts an empty one) and "no usable
    backup" although a good one was there."""
    monkeypatch.setenv("ESERVICE_DEMO", "1")
    data = tmp_path / "office"
    assert main(["--data-dir", str(data), "demo", "seed", "--cases", "2"]) == 0
    assert main(["--data-dir", str(data), "backup", "now"]) == 0
    (data / "eservice.sqlite3").unlink()
    checks = _doctor(capsys, data)
    assert checks["database"]["status"] == "fail"
    assert "backup restore" in checks["database"]["fix_zh"]
    assert "backup restore" in checks["database"]["fix_en"]
    assert checks["backup"]["status"] == "ok"
    assert not (data / "eservice.sqlite3").exists()  # doctor only reads


def test_a_key_file_that_cannot_be_read_is_a_finding_not_the_end_of_the_report(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder where the key file should be (or a key file this user may not read, as a clerk
    outside the eservice group): doctor stopped with "cannot access …/db.key" (exit 2) and
    no report at all."""
    key = office / "keys" / "db.key"
    key.unlink()
    key.mkdir()
    capsys.readouterr()
    code = main(["--data-dir", str(office), "--lang", "en", "doctor", "--no-network", "--json"])
    checks = {c["key"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert code == 1
    database = checks["database"]
    assert database["status"] == "fail" and "key file" in database["detail_en"], database
    assert "usermod" in database["fix_en"] and "db key import" in database["fix_en"]
    assert checks["chain"]["status"] == "fail" and checks["backup"]["status"] != "ok"


def test_a_file_in_place_of_the_log_folder_is_named(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command and the window stopped at start with 無法存取 …/logs（已有同名的檔案）,
    and doctor said the data directory was fine."""
    shutil.rmtree(office / "logs")
    (office / "logs").write_text("", encoding="utf-8")
    assert main(["--data-dir", str(office), "case", "search", "王"]) == 2  # what IT came for
    check = _doctor(capsys, office, "--lang", "en")["data_dir"]
    assert check["status"] == "fail"
    assert "log folder" in check["detail_en"] and "is not a folder" in check["detail_en"]
    assert "紀錄資料夾" in check["detail_zh"] and "Move aside" in check["fix_en"]


def test_a_log_file_doctor_cannot_open_is_named_and_doctor_still_reports(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder named eservice.log: doctor itself stopped with 無法存取 …/eservice.log（這是
    資料夾，不是檔案）, exit 2, no report at all."""
    (office / "logs" / "eservice.log").unlink(missing_ok=True)
    (office / "logs" / "eservice.log").mkdir()
    capsys.readouterr()
    code = main(["--data-dir", str(office), "doctor", "--no-network", "--json"])
    checks = {c["key"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert code == 1
    assert checks["data_dir"]["status"] == "fail"
    assert "eservice.log" in checks["data_dir"]["detail_en"]
    assert "is not a file" in checks["data_dir"]["detail_en"]
    assert "receipt_fonts" in checks  # every check ran
