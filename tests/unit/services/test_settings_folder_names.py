"""A backup (export) folder or another path setting named as Windows cannot hold it: ``NUL``
took the backups into a device (gone), ``a:b`` into a hidden stream of ``a``, ``backups.``
into ``backups``, and every program said the backup was written. Such a setting is refused as
the exports' file names are (domain/file_names.py), with what is wrong, the value not echoed;
exit 2 on the command line, nothing written."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import load_settings
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.file_names import path_fault_words

BAD = {
    "NUL": "保留裝置名稱",
    "nul.backups": "保留裝置名稱",
    "backups.": "以句點或空格結尾",
    "backups ": "以句點或空格結尾",
    "a|b": "冒號",
    **({"a:b": "冒號"} if os.name == "nt" else {}),  # a colon is a stream on Windows only
}


@pytest.mark.parametrize("key", ["backup_dir", "db_key_dir", "trust_anchor_dir"])
@pytest.mark.parametrize("name", sorted(BAD))
def test_a_folder_windows_cannot_hold_is_refused(tmp_path: Path, key: str, name: str) -> None:
    folder = tmp_path / "usb" / name / "eservice"
    (tmp_path / "settings.json").write_text(json.dumps({key: str(folder)}), encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        load_settings(tmp_path)
    assert refused.value.code == "settings.invalid"
    assert BAD[name] in refused.value.message("zh_TW")
    assert "Windows" in refused.value.message("en") and str(folder) not in str(refused.value)


def test_the_environment_is_refused_alike_and_a_good_folder_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ESERVICE_LANG", "en")
    monkeypatch.setenv("ESERVICE_BACKUP_DIR", str(tmp_path / "backups."))
    assert main(["--data-dir", str(tmp_path / "data"), "backup", "now"]) == 2
    err = capsys.readouterr().err
    assert "ESERVICE_BACKUP_DIR" in err and "ends in a dot or a space" in err
    assert not (tmp_path / "backups.").exists() and not (tmp_path / "data").exists()
    monkeypatch.setenv("ESERVICE_BACKUP_DIR", str(tmp_path / "backups.d" / "counter 01"))
    assert load_settings(tmp_path).backup_dir == str(tmp_path / "backups.d" / "counter 01")


def test_a_colon_is_a_windows_fault_only() -> None:
    """A Linux counter's network share mounted by GVFS has a colon in its folder's name; on
    Windows ``a:b`` writes into a hidden stream of ``a``."""
    gvfs = PurePosixPath("/run/user/1000/gvfs/smb-share:server=nas,share=backup/eservice")
    assert path_fault_words(gvfs, colons=True) is None
    assert path_fault_words(PureWindowsPath(r"E:\a:b\eservice")) is not None
    assert path_fault_words(PureWindowsPath(r"E:\backups\eservice")) is None


@pytest.mark.skipif(os.name == "nt", reason="a POSIX path")
def test_a_share_mounted_by_gvfs_is_taken_as_the_backup_folder(tmp_path: Path) -> None:
    folder = tmp_path / "gvfs" / "smb-share:server=nas,share=backup" / "eservice"
    (tmp_path / "settings.json").write_text(json.dumps({"backup_dir": str(folder)}), "utf-8")
    assert load_settings(tmp_path).backup_dir == str(folder)
