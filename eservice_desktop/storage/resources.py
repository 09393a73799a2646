"""Finds and reads the shipped data in ``resources/`` (source tree or frozen bundle)."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[2]


@cache
def resources_dir() -> Path:
    for base in (
        Path(getattr(sys, "_MEIPASS", _ROOT)),
        _ROOT,
        Path(sys.prefix) / "share" / "eservice-desktop",
    ):
        if (base / "resources" / "catalogue").is_dir():
            return base / "resources"
    raise FileNotFoundError("resources directory not found")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def read_json(*parts: str) -> Any:
    return json.loads(resource_path(*parts).read_text(encoding="utf-8"))


def shipped_calendar_files() -> list[Path]:
    return sorted(resource_path("calendars").glob("*.csv"))
