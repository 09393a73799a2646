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
