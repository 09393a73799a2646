"""Helpers every CLI command shares: opening the core, printing JSON, turning errors into exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from eservice_desktop.config import Settings, settings_from_args
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.app import App, open_app

EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3


def settings_from(args: argparse.Namespace) -> Settings:
    return settings_from_args(args)


def open_from(args: argparse.Namespace) -> App:
    return open_app(settings_from(args))


def lang_of(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", None) or "zh_TW")


def emit(args: argparse.Namespace, data: Any, text: str | Callable[[], str] | None = None) -> None:
    """Prints one JSON document with --json, otherwise a human line."""
    if getattr(args, "json", False) or text is None:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text() if callable(text) else text)


def fail(args: argparse.Namespace, error: DomainError, code: int = EXIT_BAD_INPUT) -> int:
    """One line on stderr in the user's language; the JSON form on stdout with --json."""
    message = error.message(lang_of(args))
    if getattr(args, "json", False):
        print(
            json.dumps(
                {"ok": False, "error": error.code, "field": error.field, "message": message},
                ensure_ascii=False,
            )
        )
    print(message, file=sys.stderr)
    return code


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document")
