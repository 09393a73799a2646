"""``services.sync`` loads its public names on first use: the name table (``_WHERE``), the
``__all__`` list and the type checker's imports are kept by hand, so they are held together."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from eservice_desktop.services import sync


def test_every_public_name_is_in_the_table_and_loads_from_its_module() -> None:
    assert set(sync.__all__) == {"status", *sync._WHERE}
    for name, where in sync._WHERE.items():
        assert getattr(sync, name) is getattr(importlib.import_module(where), name), name


def test_the_type_checkers_imports_name_the_same_modules() -> None:
    tree = ast.parse(Path(sync.__file__).read_text(encoding="utf-8"))
    guarded = next(n for n in tree.body if isinstance(n, ast.If))  # if TYPE_CHECKING:
    imported = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == sync._WHERE
