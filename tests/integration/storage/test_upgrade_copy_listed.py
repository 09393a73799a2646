"""The copy kept before a schema upgrade is one of the backups: right after an office's year-old
database was upgraded, ``backup list`` said 尚無備份, doctor failed on 沒有可用的備份 and the
window's restore list was empty, beside the copy the upgrade had just written; ``backup
verify`` of it said its time was unknown."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli_main_support import run_main

from eservice_desktop.config import Settings
from eservice_desktop.services import backup
from eservice_desktop.services.doctor.backups import check_backup

MIGRATIONS = Path(__file__).parents[2] / "data" / "migrations"


def _upgraded(tmp_path: Path) -> tuple[Settings, Path]:
    """A data directory with an office's old database (revision 0013), upgraded by the
    installer's ``db upgrade``: its settings and the copy the upgrade kept."""
    shutil.copy(MIGRATIONS / "0013.sqlite3", tmp_path / "eservice.sqlite3")
    code, out, err = run_main(["--data-dir", str(tmp_path), "db", "upgrade", "--json"], {})
    assert code == 0 and json.loads(out)["before"] == "0013", (code, out, err)
    (copy,) = (tmp_path / "backups").glob("eservice-before-*.sqlite3")
    return Settings(data_dir=tmp_path), copy


def test_backup_list_shows_the_copy_kept_before_the_upgrade(tmp_path: Path) -> None:
    _, copy = _upgraded(tmp_path)
    code, out, _ = run_main(["--data-dir", str(tmp_path), "backup", "list", "--json"], {})
    assert code == 0, out
    (item,) = json.loads(out)["backups"]
    assert item["file"] == str(copy) and item["label"] == "before-upgrade", item
    taken = datetime.fromisoformat(item["taken_at"])
    assert abs(datetime.now(UTC) - taken) < timedelta(minutes=5), item
    code, out, _ = run_main(["--data-dir", str(tmp_path), "backup", "list"], {})
    assert code == 0 and "升級前保留" in out and str(copy) in out, out
    code, out, _ = run_main(["--data-dir", str(tmp_path), "--lang", "en", "backup", "list"], {})
    assert code == 0 and "before upgrade" in out, out


def test_doctor_counts_the_copy_kept_before_the_upgrade(tmp_path: Path) -> None:
    settings, copy = _upgraded(tmp_path)
    check = check_backup(settings)
    # fresh: only its place, the database's own disk, warns
    assert check.status == "warn" and check.data["same_disk"] is True, check
    assert copy.name in check.detail_en, check


def test_the_retention_leaves_the_copy_kept_before_an_upgrade(tmp_path: Path) -> None:
    """The way back from an upgrade is IT's to remove: a month on, the hourly backups' pruning
    leaves it."""
    settings, copy = _upgraded(tmp_path)
    stamp = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    hourly = copy.with_name(f"eservice-H01-01-hourly-{stamp}.sqlite3")
    shutil.copy(copy, hourly)
    later = datetime.now(UTC) + timedelta(days=settings.backup_keep_days + 30)
    assert backup.prune(settings, later) == [] and copy.is_file()
    assert [b.path for b in backup.list_backups(settings)] == [hourly, copy]
