"""PySide6's import hook reads no module's source into memory (linecache) in this program."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

import eservice_desktop.gui  # noqa: F401  (what every window process imports first)


def test_modules_imported_after_pyside6_stay_out_of_linecache(tmp_path: Path) -> None:
    module = tmp_path / "probe_after_pyside6.py"
    module.write_text("VALUE = 'imported after PySide6'\n" + "# padding\n" * 1000)
    sys.path.insert(0, str(tmp_path))
    try:
        # An import statement (builtins.__import__, where PySide6 hooks in).
        import probe_after_pyside6  # type: ignore[import-not-found]

        assert probe_after_pyside6.VALUE
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("probe_after_pyside6", None)
    assert str(module) not in linecache.cache
