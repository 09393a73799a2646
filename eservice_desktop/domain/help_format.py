"""A help page in one language, for both programs' command lines (``eservice-desktop``,
``eservice-county-server``): zh-TW is the source language of their help texts, and English comes
from each program's catalogue (zh-TW text -> English text), which the program's subclass of
:class:`HelpInLanguage` reads (:meth:`HelpInLanguage.catalogue`); argparse's own words
(``usage:``, its headings, the ``-h`` line) are said in zh-TW from :data:`ARGPARSE_ZH`, and
Chinese text is wrapped by terminal columns. Here, beside ``arg_errors`` (argparse's refusals
in zh-TW), because the county server may not import the office's ``cli``.

The language is asked when a text is formatted, not when the parser is built: building the
parser is on every start's path, and the catalogue is read only for an English help.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from functools import cached_property
from typing import Any

#: argparse's own words (Python 3.11), said in zh-TW; English keeps argparse's.
ARGPARSE_ZH = {
    "positional arguments": "位置參數",
    "options": "選項",
    "show this help message and exit": "顯示這份說明後結束",
    "show program's version number and exit": "顯示程式版本後結束",
}
USAGE_ZH = "用法："


def _wide(ch: str) -> bool:
    """A character two columns wide on a terminal (CJK)."""
    from unicodedata import east_asian_width

    return east_asian_width(ch) in "WF"


def width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


#: Punctuation a line may not start with, and brackets it may not end with.
_NO_BREAK_BEFORE = frozenset("，。、；：）」』！？")
_NO_BREAK_AFTER = frozenset("（「『")


def wrapped(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` terminal columns, breaking at spaces and between
    CJK characters: argparse's textwrap counts characters, so a Chinese help line came out
    twice as wide as the terminal. Text without CJK is wrapped by textwrap, as argparse does."""
    from textwrap import wrap

    text = " ".join(text.split())
    if not any(_wide(ch) for ch in text):
        return wrap(text, columns)
    lines: list[str] = []
    line, line_width = "", 0  # the line's width kept as it grows: measured whole, each piece
    for piece in _pieces(text):  # made a page's wrapping quadratic (2.6 ms a page, not 0.5)
        if not line:
            line = piece.lstrip()
            line_width = width(line)
            continue
        candidate = line + piece
        piece_width = width(piece)
        spaces_after = len(candidate) - len(candidate.rstrip())  # one column each
        if line_width + piece_width - spaces_after > columns:
            lines.append(line.rstrip())
            line = piece.lstrip()
            line_width = width(line)
        else:
            line, line_width = candidate, line_width + piece_width
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _pieces(text: str) -> Iterable[str]:
    """The pieces a line may break between: before a space, and before or after a CJK
    character (not before closing punctuation, not after an opening bracket)."""
    piece = ""
    after_wide = False
    for ch in text:
        wide = _wide(ch)
        may_break = ch == " " or ((wide or after_wide) and ch not in _NO_BREAK_BEFORE)
        if piece and may_break and piece[-1] not in _NO_BREAK_AFTER:
            yield piece
            piece = ""
        piece += ch
        after_wide = wide
    if piece:
        yield piece


class HelpInLanguage(argparse.HelpFormatter):
    """argparse's formatter, saying every text in :meth:`language` (asked when a text is
    formatted, never while the parser is built: argparse makes a formatter for each option)."""

    def language(self) -> str:
        """The user's language (each program says it from the arguments being parsed)."""
        return "zh_TW"

    def catalogue(self) -> dict[str, str]:
        """The program's help texts in zh-TW with their English (read only for English)."""
        return {}

    def in_language(self, text: str, lang: str) -> str:
        """``text`` (a help text of the program's, or argparse's own English) in ``lang``."""
        if lang.startswith("en"):
            return self.catalogue().get(text, text)
        return ARGPARSE_ZH.get(text, text)

    @cached_property
    def _lang(self) -> str:
        # asked only for a text to translate: `--version` formats its line with this class too
        return self.language()

    def _said(self, text: str) -> str:
        if text in ARGPARSE_ZH or any(_wide(ch) for ch in text):
            return self.in_language(text, self._lang)
        return text  # nothing to translate (the version line): no language needed

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return None if action.help is None else self._said(action.help)

    def add_text(self, text: str | None) -> None:
        super().add_text(None if text is None else self._said(text))

    def start_section(self, heading: str | None) -> None:
        super().start_section(None if heading is None else self._said(heading))

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        if prefix is not None or self._lang.startswith("en"):
            return super()._format_usage(usage, actions, groups, prefix)
        # wrapped as if the prefix were its 6 columns of spaces, so that continuation lines
        # line up under the first option on a terminal
        blank = " " * width(USAGE_ZH)
        return USAGE_ZH + super()._format_usage(usage, actions, groups, blank)[len(blank) :]

    def format_help(self) -> str:
        text = super().format_help()
        for heading in ("位置參數", "選項"):  # argparse puts an ASCII colon after a heading
            text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrapped(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrapped(text, width - len(indent)))
