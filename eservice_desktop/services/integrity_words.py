"""SQLite's ``PRAGMA integrity_check`` findings in Chinese, for ``backup verify``'s zh-TW line.

SQLite words its findings in English only; the zh-TW message showed them as they came
(「完整性檢查未通過：*** in database main *** Page 5: btree page …」), a line no clerk or
supervisor could read. The recurring kinds are said in Chinese with what they name (a page, a
row, an index, a table); a finding of another kind is counted, its English text kept in
``--json``'s ``problems`` and ``integrity``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_Say = Callable[[re.Match[str]], str]

#: (pattern of one SQLite finding, its Chinese wording), first match wins.
_KINDS: tuple[tuple[re.Pattern[str], _Say], ...] = (
    (re.compile(r"^empty file$"), lambda m: "檔案是空的"),
    (re.compile(r"^damaged: (.*)$", re.S), lambda m: "資料庫檔案無法讀取（頁面無法解密或已損毀）"),
    (
        re.compile(r"^row (\d+) missing from index (\S+)$"),
        lambda m: f"索引 {m[2]} 缺少第 {m[1]} 列",
    ),
    (
        re.compile(r"^wrong # of entries in index (\S+)$"),
        lambda m: f"索引 {m[1]} 的筆數與資料表不符",
    ),
    (re.compile(r"^non-unique entry in index (\S+)$"), lambda m: f"唯一索引 {m[1]} 有重複值"),
    (
        re.compile(r"^NULL value in (\S+)$"),
        lambda m: f"{m[1]} 有不得為空的欄位是空值",
    ),
    (
        re.compile(r"^CHECK constraint failed in (\S+)$"),
        lambda m: f"資料表 {m[1]} 有資料不符檢查條件",
    ),
    (re.compile(r"^Page (\d+) is never used$"), lambda m: f"第 {m[1]} 頁未被使用（遺失的頁面）"),
    (
        re.compile(r"^Page (\d+) .*(?:referenced|used) .*"),
        lambda m: f"第 {m[1]} 頁被重複引用",
    ),
    (
        re.compile(r"^(?:On tree page|Tree|Page) (\d+)\b.*", re.S),
        lambda m: f"第 {m[1]} 頁的結構損毀",
    ),
    (
        re.compile(r"^Multiple uses for byte \d+ of page (\d+)$"),
        lambda m: f"第 {m[1]} 頁的結構損毀",
    ),
    (re.compile(r"^Freelist: .*"), lambda m: "可用頁清單（freelist）損毀"),
    (re.compile(r"^database disk image is malformed$"), lambda m: "資料庫檔案已損毀"),
)

_HEADER = re.compile(r"^\*\*\* in database \w+ \*\*\*\s*", re.M)


def finding_zh(text: str) -> str | None:
    """One SQLite finding or error text in Chinese, or None for a kind not known here."""
    text = _HEADER.sub("", text).strip()
    return next((say(m) for pattern, say in _KINDS if (m := pattern.match(text))), None)


def integrity_zh(findings: Sequence[str]) -> str:
    """The findings as one Chinese list (the first five, as the English line shows them)."""
    said: list[str] = []
    other = 0
    for finding in findings:
        for line in _HEADER.sub("", finding).splitlines() or [""]:
            text = line.strip()
            if not text:
                continue
            zh = next((say(m) for pattern, say in _KINDS if (m := pattern.match(text))), None)
            if zh is None:
                other += 1
            elif zh not in said:
                said.append(zh)
    if other:
        said.append(f"其他 {other} 項結構錯誤（英文原文見 --json 的 integrity）")
    return "；".join(said) if said else "結構錯誤（英文原文見 --json 的 integrity）"
