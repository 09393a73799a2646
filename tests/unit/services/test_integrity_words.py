"""``backup verify``'s zh-TW line words SQLite's integrity findings in Chinese: it showed them
in English as they came (「完整性檢查未通過：*** in database main *** On tree page 31 …」)."""

from __future__ import annotations

import re

from eservice_desktop.services.integrity_words import integrity_zh

#: What PRAGMA integrity_check said of real damaged files (bytes overwritten, an index edited).
DAMAGED_PAGES = (
    "*** in database main ***\nOn tree page 31 cell 23: Rowid 51 out of order\n"
    "On tree page 31 cell 22: Rowid 51 out of order\nMultiple uses for byte 1799 of page 31\n"
    "On tree page 2 cell 12: Rowid 361 out of order"
)


def test_sqlite_s_findings_are_worded_in_chinese() -> None:
    assert integrity_zh([DAMAGED_PAGES]) == "第 31 頁的結構損毀；第 2 頁的結構損毀"
    index = ["row 1 missing from index ix_b", "wrong # of entries in index ix_b"]
    assert integrity_zh(index) == "索引 ix_b 缺少第 1 列；索引 ix_b 的筆數與資料表不符"
    assert integrity_zh(["empty file"]) == "檔案是空的"
    assert integrity_zh(["damaged: file is not a database"]).startswith("資料庫檔案無法讀取")
    assert integrity_zh(["database disk image is malformed"]) == "資料庫檔案已損毀"
    # a finding of another kind is counted, its English left to --json
    other = integrity_zh(["Page 7: sqlite3BtreeInitPage() returns error code 11", "odd thing"])
    assert other == "第 7 頁的結構損毀；其他 1 項結構錯誤（英文原文見 --json 的 integrity）"
    for said in (DAMAGED_PAGES, *index, "empty file", "database disk image is malformed"):
        assert not re.search(r"[A-Za-z]{4,}", integrity_zh([said]).replace("ix_b", "")), said
