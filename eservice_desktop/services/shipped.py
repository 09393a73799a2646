"""The shipped reference data (the catalogue, the working calendars, the resources folder),
readable without opening the core.

Kept apart from ``services/core.py`` because it needs neither the database nor SQLAlchemy: the
counter window's login screen names its office, and loads its translations, before the core is
open (``gui/launcher.py``), and importing SQLAlchemy alone costs a large share of a cold start.
"""

from __future__ import annotations

from typing import Any

from eservice_desktop.domain.calendar import parse_dgpa_csv
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.storage import resources
from eservice_desktop.storage.resources import resources_dir

__all__ = ["load_catalogue", "resources_dir", "shipped_calendar_days"]


def load_catalogue() -> Catalogue:
    return Catalogue.from_dict(
        resources.read_json("catalogue", "services.json"),
        resources.read_json("catalogue", "offices.json"),
    )


def shipped_calendar_days() -> dict[Any, tuple[bool, str]]:
    days: dict[Any, tuple[bool, str]] = {}
    for path in resources.shipped_calendar_files():
        days.update(parse_dgpa_csv(path.read_text(encoding="utf-8-sig")))
    return days
