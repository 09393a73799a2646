"""Why the system refused a file is said in the user's language: the system's own text
(``strerror``) is English whatever the user reads, and sat inside zh-TW lines
(``無法讀取對帳檔：Is a directory``)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from test_cli_english import HAN, run

from eservice_desktop.config import Settings
from eservice_desktop.domain.text_values import os_reason


def test_the_commonest_refusals_have_words_in_both_languages() -> None:
    for number in (errno.ENOENT, errno.EACCES, errno.EISDIR, errno.ENOSPC, errno.EFBIG):
        zh, en = os_reason(OSError(number, "system text"))
        assert HAN.search(zh) and not HAN.search(en), number
        assert "system text" not in zh + en
    # another refusal: the system's text, the one thing known of it
    assert os_reason(OSError(errno.ELOOP, "Too many levels")) == (
        "Too many levels",
        "Too many levels",
    )
    assert os_reason(OSError("no number")) == ("OSError", "OSError")


@pytest.mark.parametrize(
    ("lang", "said"), [("zh_TW", "這是資料夾，不是檔案"), ("en", "Is a directory")]
)
def test_a_settlement_file_that_is_a_folder_is_said_so_in_the_users_language(
    settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path, lang: str, said: str
) -> None:
    code, _out, err = run(
        settings, capsys, "--lang", lang, "payment", "settle-import", str(tmp_path)
    )
    assert code == 2
    assert said in err
    if lang == "zh_TW":
        assert "Is a directory" not in err


def test_a_file_open_in_another_program_on_windows_is_not_called_a_permission_problem() -> None:
    """Windows refuses a file another program holds open (the export open in Excel) with
    EACCES: the line read "Permission denied" and IT checked the folder's permissions."""
    from eservice_desktop.services.machine_errors import environment_error

    held = PermissionError(errno.EACCES, "The process cannot access the file", r"C:\out\a.xlsx")
    held.winerror = 32  # type: ignore[attr-defined]  # set by Windows, absent elsewhere
    error = environment_error(held)
    assert error is not None and "open in another program" in error.message_en
    assert "其他程式開啟中" in error.message_zh
    denied = PermissionError(errno.EACCES, "Access is denied", r"C:\out\a.xlsx")
    denied.winerror = 5  # type: ignore[attr-defined]  # os.replace over a file open in Excel
    zh, en = os_reason(denied)
    assert "open in another program" in en and "沒有權限" in zh
    assert os_reason(PermissionError(errno.EACCES, "x")) == ("沒有權限", "Permission denied")
