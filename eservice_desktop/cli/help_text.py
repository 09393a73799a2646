"""``--help`` in the user's language. As in the GUI (``gui/i18n.py``), zh-TW is the source
language in the code: every ``help=`` and ``description=`` is Traditional Chinese, and English
comes from a catalogue, ``resources/translations/cli_en.json`` (zh-TW text -> English text).
argparse's own words (``usage:``, its headings, the ``-h`` and ``--version`` lines) are said in
zh-TW, and Chinese is wrapped by terminal columns, by the formatter both programs' command lines
share (``domain/help_format.py``); English keeps argparse's.

The language is chosen when the help is formatted, not when the parser is built: building the
parser is on every start's path (the counter window's cold start included), while the language
before parsing (``parse_errors.early_lang``) may read the settings file, and the catalogue is
read only for an English help.
"""

from __future__ import annotations

from functools import cache

from eservice_desktop.domain import help_format
from eservice_desktop.domain.help_format import ARGPARSE_ZH, USAGE_ZH, width, wrapped

__all__ = ["ARGPARSE_ZH", "USAGE_ZH", "HelpInLanguage", "english", "width", "wrapped"]


@cache
def english() -> dict[str, str]:
    """The catalogue: each help text of the command line in zh-TW, with its English."""
    import json

    from eservice_desktop.services.shipped import resources_dir

    path = resources_dir() / "translations" / "cli_en.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


class HelpInLanguage(help_format.HelpInLanguage):
    """The shared formatter over this command line's catalogue, ``cli_en.json``."""

    def catalogue(self) -> dict[str, str]:
        return english()
