"""The complete table metadata: the core tables plus every area's ``models_*`` module.

Migrations and the schema test compare against this, so a table added by any area is never
missed by an import that happened not to run.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

import eservice_desktop.storage as _pkg
from eservice_desktop.storage.models import Base


def load_all_models() -> MetaData:
    for info in pkgutil.iter_modules(_pkg.__path__):
        if info.name.startswith("models_"):
            importlib.import_module(f"{_pkg.__name__}.{info.name}")
    return Base.metadata


metadata = load_all_models()
