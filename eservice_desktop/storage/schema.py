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
from eservice_desktop.storage.search import SEARCH_TABLES


def load_all_models() -> MetaData:
    for info in pkgutil.iter_modules(_pkg.__path__):
        if info.name.startswith("models_"):
            importlib.import_module(f"{_pkg.__name__}.{info.name}")
    return Base.metadata


metadata = load_all_models()


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic filter: the FTS5 search index (created by raw SQL in its migration, see
    storage/search.py) is not part of the SQLAlchemy metadata and is left alone."""
    return not (type_ == "table" and name in SEARCH_TABLES)
