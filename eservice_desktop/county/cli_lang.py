"""``eservice-county-server``'s language: its help pages, its refusals and its one-line results
are said in one, zh-TW by default (county IT in Taiwan), English with ``--lang en`` or
``ESERVICE_LANG=en``, as the office's command line (``eservice-desktop``) decides it. The
county has no settings file: the language is known from the arguments themselves, before they
are parsed (a help page and argparse's own refusals come before any parsed value).

As in the office's, zh-TW is the source language in the code (every ``help=`` and
``description=``) and English comes from a catalogue,
``resources/translations/county_cli_en.json``, read only for an English help page; the
formatter is the one both programs share (``domain/help_format.py``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

from eservice_desktop.domain.help_format import HelpInLanguage

#: ``--lang``'s values, spelled as the office's command line spells them.
LANGS = ("zh_TW", "en")

#: The words being parsed (``cli.main`` sets them for its call): their ``--lang`` chooses.
arguments: Sequence[str] = ()


def early_lang(words: Sequence[str]) -> str:
    """``en`` or ``zh_TW``: ``--lang`` (``--lang en`` or ``--lang=en``), else ``ESERVICE_LANG``
    (read as the office reads it: ``en``, ``en_US``, ``EN`` ...), else zh-TW."""
    chosen = None
    for i, word in enumerate(words):
        if word.startswith("--lang="):
            chosen = word.partition("=")[2]
        elif word == "--lang" and i + 1 < len(words):
            chosen = words[i + 1]
    if chosen is None:
        chosen = os.environ.get("ESERVICE_LANG", "")
    return "en" if chosen.strip().lower().startswith("en") else "zh_TW"


def language() -> str:
    """The language of this call's arguments (:data:`arguments`)."""
    return early_lang(arguments)


def said(zh: str, en: str) -> str:
    """The one of ``zh`` and ``en`` in this call's language."""
    return en if language() == "en" else zh


@cache
def english() -> dict[str, str]:
    """The catalogue: each help text of the county's command line in zh-TW, with its English."""
    from eservice_desktop.storage.resources import read_json

    return dict(read_json("translations", "county_cli_en.json"))


class CountyHelp(HelpInLanguage):
    """The shared formatter in this call's language, over the county's catalogue."""

    def language(self) -> str:
        return language()

    def catalogue(self) -> dict[str, str]:
        return english()
