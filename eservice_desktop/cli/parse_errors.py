"""argparse's own refusals in the user's language.

argparse words its refusals in English; ``domain.arg_errors`` says them in zh-TW, the counter's
first language, and English keeps argparse's wording. The language is
known before the arguments are parsed only from ``--lang`` itself, the environment and the
settings file (:func:`early_lang`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from eservice_desktop.domain.arg_errors import to_zh


def in_language(message: str, lang: str) -> str:
    return message if lang == "en" else to_zh(message)


def early_lang(arguments: Sequence[str]) -> str:
    """The language before parsing: ``--lang`` (either spelling), else ``ESERVICE_LANG`` or the
    settings file of the data directory named, else zh-TW."""
    chosen = _option(arguments, "--lang")
    if chosen is not None:
        return chosen
    try:
        from eservice_desktop.config import load_settings

        return load_settings(_option(arguments, "--data-dir")).lang
    except Exception:  # an unreadable settings file is reported once the command runs
        return os.environ.get("ESERVICE_LANG") or "zh_TW"


def _option(arguments: Sequence[str], name: str) -> str | None:
    """The value of global option ``name`` (``--name V`` or ``--name=V``) before parsing."""
    for i, arg in enumerate(arguments):
        if arg.startswith(name + "="):
            return arg.partition("=")[2]
        if arg == name and i + 1 < len(arguments):
            return arguments[i + 1]
    return None
