"""argparse's refusals said in zh-TW.

argparse words its refusals (an unknown option, a missing argument, a choice not offered) in
English. The counter's command line and the county server's answer in zh-TW first, so each of
those templates is matched here and said again in Chinese (English keeps argparse's wording).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_Rewrite = Callable[[re.Match[str]], str]

#: Python's names of the types a value failed to convert to.
_TYPE_NAMES = {"int": "整數", "float": "數字", "str": "文字"}


def _argument(m: re.Match[str]) -> str:
    return f"參數 {m['name']}：{to_zh(m['inner'])}"


def _invalid_value(m: re.Match[str]) -> str:
    kind = _TYPE_NAMES.get(m["type"], m["type"])
    return f"無效的值 {m['value']}（須為{kind}）"


#: argparse 3.11's templates, most specific first: (pattern, its zh-TW wording).
_TEMPLATES: list[tuple[re.Pattern[str], _Rewrite]] = [
    (re.compile(r"argument (?P<name>[^:]+): (?P<inner>.*)", re.S), _argument),
    (
        re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)", re.S),
        lambda m: f"無效的選項 {m['value']}（可選：{m['choices']}）",
    ),
    (re.compile(r"invalid (?P<type>\S+) value: (?P<value>.*)", re.S), _invalid_value),
    (re.compile(r"unrecognized arguments: (.*)", re.S), lambda m: f"無法辨識的參數：{m[1]}"),
    (
        re.compile(r"the following arguments are required: (.*)", re.S),
        lambda m: f"缺少必要的參數：{m[1]}",
    ),
    (
        re.compile(r"one of the arguments (.*) is required", re.S),
        lambda m: f"須指定下列參數之一：{m[1]}",
    ),
    (re.compile(r"not allowed with argument (.*)", re.S), lambda m: f"不可與 {m[1]} 同時使用"),
    (
        re.compile(r"ignored explicit argument (.*)", re.S),
        lambda m: f"此選項不接受值（收到 {m[1]}）",
    ),
    (
        re.compile(r"ambiguous option: (?P<option>.*) could match (?P<matches>.*)", re.S),
        lambda m: f"選項 {m['option']} 不明確，可能是：{m['matches']}",
    ),
    (re.compile(r"unexpected option string: (.*)", re.S), lambda m: f"不應出現的選項：{m[1]}"),
    (re.compile(r"expected one argument"), lambda m: "須接一個值"),
    (re.compile(r"expected at most one argument"), lambda m: "最多接一個值"),
    (re.compile(r"expected at least one argument"), lambda m: "至少須接一個值"),
    (re.compile(r"expected (\d+) arguments?"), lambda m: f"須接 {m[1]} 個值"),
    (
        re.compile(r"can't open '(?P<file>.*)': (?P<error>.*)", re.S),
        lambda m: f"無法開啟「{m['file']}」：{m['error']}",
    ),
    # the number types' own refusals (cli/common.py: bounded_int, bounded_seconds)
    (re.compile(r"must be a whole number: (.*)", re.S), lambda m: f"須為整數：{m[1]}"),
    (
        re.compile(r"must be between (-?\d+) and (-?\d+)"),
        lambda m: f"須介於 {m[1]} 到 {m[2]}",
    ),
    (
        re.compile(r"must be (\S+) to (\S+) seconds: (.*)", re.S),
        lambda m: f"須為 {m[1]} 到 {m[2]} 秒：{m[3]}",
    ),
    (
        re.compile(r"must be an IP address or network: (.*)", re.S),
        lambda m: f"須為 IP 位址或網段：{m[1]}",
    ),
]


def to_zh(message: str) -> str:
    """argparse's English ``message`` in zh-TW; a message of our own (a type check's, already
    in the user's language) is returned as it is."""
    for pattern, rewrite in _TEMPLATES:
        m = pattern.fullmatch(message)
        if m is not None:
            return rewrite(m)
    return message
