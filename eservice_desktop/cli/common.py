"""Helpers every CLI command shares: opening the core, printing JSON, turning errors into exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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


def say(args: argparse.Namespace, zh: str, en: str) -> str:
    """A human line in the user's language (``--lang``)."""
    return en if lang_of(args).startswith("en") else zh


def service_label(app: App, code: str, args: argparse.Namespace) -> str:
    """A service's name in the user's language (its code if the catalogue lost it)."""
    if not app.catalogue.has_service(code):
        return code
    service = app.catalogue.service(code)
    return say(args, service.name, service.name_en)


def status_label(status: str, args: argparse.Namespace) -> str:
    from eservice_desktop.domain.case import STATUS_LABELS

    zh, en = STATUS_LABELS.get(status, (status, status))
    return say(args, zh, en)


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
                {
                    "ok": False,
                    "error": error.code,
                    "field": error.field,
                    "message": message,
                    **error.extra,
                },
                ensure_ascii=False,
            )
        )
    print(message, file=sys.stderr)
    return code


def parse_time(text: str, field: str) -> datetime:
    """ISO 8601 from the command line; a time without a zone is Taipei time, as clerks mean."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as e:
        raise DomainError(
            "time.format", f"時間格式錯誤（ISO 8601）：{text}", f"Bad ISO 8601 time: {text}", field
        ) from e
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("Asia/Taipei"))


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document")
