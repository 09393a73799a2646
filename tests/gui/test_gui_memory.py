"""The window's memory: PySide6's import hook reads no module's source into linecache, and the
window's process keeps SQLite's page caches within its budget."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

import eservice_desktop.gui  # noqa: F401  (what every window process imports first)
from eservice_desktop.gui.tasks import TaskRunner
from eservice_desktop.services.core import App
from eservice_desktop.services.database import WINDOW_SQLITE_HEAP


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


def test_the_database_writer_keeps_sqlite_page_caches_within_the_window_budget(
    app: App, qapp: object
) -> None:
    def limit() -> int:
        raw = app.engine.raw_connection()
        try:
            return int(raw.execute("PRAGMA soft_heap_limit").fetchone()[0])
        finally:
            raw.close()

    runner = TaskRunner()
    try:
        runner.run(lambda: None)
        assert runner.wait_idle(10000)
        assert limit() == WINDOW_SQLITE_HEAP
        fresh = app.engine.pool.recreate()  # connections opened later say the same
        raw = fresh.connect()
        try:
            assert int(raw.execute("PRAGMA soft_heap_limit").fetchone()[0]) == WINDOW_SQLITE_HEAP
        finally:
            raw.close()
            fresh.dispose()
    finally:
        runner.shutdown()
