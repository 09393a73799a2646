"""The lines IT reads after its commands (setup, backups, the database's version and
retention, a deadline) are in the user's language: they were English whatever ``--lang`` said,
and ``backup verify`` of a backup with no time read "None h old"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_cli_english import HAN, english, run

from eservice_desktop.config import Settings
from eservice_desktop.services import backup

#: Words of the English lines that must not appear in the Chinese ones.
ENGLISH_WORDS = re.compile(
    r"\b(backup|backups|settings|written|database|was|due|old|cases|head|none)\b"
)

PATH = re.compile(r"/[^\s（）]*")

COMMANDS = (
    ("setup", "--county-url", "https://county.example.tw"),
    ("backup", "now"),
    ("backup", "list"),
    ("backup", "verify"),
    ("db", "upgrade"),
    ("db", "current"),  # it read "0021 (head 0021)" in zh-TW
    ("db", "retention", "--dry-run"),
    ("deadline", "--received", "2026-03-10T10:00", "--working-days", "3"),
)


def _lines(settings: Settings, capsys: pytest.CaptureFixture[str], lang: str) -> list[str]:
    said = []
    for command in COMMANDS:
        code, out, err = run(settings, capsys, "--lang", lang, *command)
        assert code == 0 and out.strip(), (command, out, err)
        said.append(out.strip())
    return said


def test_it_commands_speak_chinese_first(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    for command, line in zip(COMMANDS, _lines(settings, capsys, "zh_TW"), strict=True):
        shown = PATH.sub("", line)  # file names are the system's
        assert HAN.search(shown), (command, line)
        assert not ENGLISH_WORDS.search(shown), (command, line)


def test_it_commands_speak_english(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    for command, line in zip(COMMANDS, _lines(settings, capsys, "en"), strict=True):
        assert english(line), (command, line)


def test_an_empty_backup_list_says_so_in_each_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = Settings(data_dir=tmp_path / "fresh", office_code="H01", device_id="01")
    assert run(empty, capsys, "backup", "list")[1].strip() == "（尚無備份）"
    assert run(empty, capsys, "--lang", "en", "backup", "list")[1].strip() == "(no backups)"


def test_a_backup_of_unknown_time_is_not_none_hours_old(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(settings, capsys, "backup", "now")[0] == 0
    real_verify = backup.verify

    def verify(*args: object) -> dict[str, object]:
        result = real_verify(*args)  # type: ignore[arg-type]
        return {**result, "age_h": None}

    monkeypatch.setattr(backup, "verify", verify)
    zh = run(settings, capsys, "backup", "verify")[1]
    en = run(settings, capsys, "--lang", "en", "backup", "verify")[1]
    assert "時間不明" in zh and "None" not in zh, zh
    assert "time unknown" in en and "None" not in en, en


def test_the_backup_list_shows_taipei_times_with_the_roc_year(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """``backup list`` printed ``2026-03-10 18:00:00``: Taipei, but the Gregorian year, where
    the counter shows every time with the ROC year (``115/03/10``)."""
    for lang in ("zh_TW", "en"):
        assert run(settings, capsys, "--lang", lang, "backup", "now")[0] == 0
        code, out, _err = run(settings, capsys, "--lang", lang, "backup", "list")
        first = out.splitlines()[0]
        assert code == 0 and re.match(r"1\d\d/\d\d/\d\d \d\d:\d\d:\d\d  ", first), out
