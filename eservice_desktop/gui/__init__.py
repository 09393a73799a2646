"""The counter window (PySide6).

Importing this package first stops PySide6's import hook from reading the source of every
module imported after it. PySide6 looks for the text "PySide6" in each module's source
(``inspect.getsource``) to learn whether the module may opt into ``from __feature__ import
snake_case``; the source lines stay in ``linecache``: ~25 MiB of the window's memory for the
~700 modules it imports (make bench, bench_memory), and a read of each file at start. This
program opts into no feature, so every module keeps PySide6's default (the hook then answers
"ignore this module", which with no feature selected anywhere means the same).
"""

from __future__ import annotations

import sys
from typing import Any

import PySide6  # noqa: F401  (loads shibokensupport.feature, the hook patched below)


def _skip_source_scan() -> None:
    feature: Any = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = lambda _module: False


_skip_source_scan()
