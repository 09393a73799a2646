"""Fixtures and keyboard helpers for the counter window's tests (pytest-qt, offscreen).

``ctx`` uses the real threaded TaskRunner (tests wait with ``qtbot.waitUntil``); ``sync_ctx``
runs background work inline. Keyboard helpers are in ``gui_keys.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from eservice_desktop.config import Settings
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.tasks import SyncTaskRunner, TaskRunner
from eservice_desktop.services.core import App


def _make_ctx(app: App, runner: TaskRunner) -> Iterator[GuiContext]:
    ctx = GuiContext(app, runner, "zh_TW")
    yield ctx
    runner.shutdown()
    QApplication.processEvents()


@pytest.fixture
def ctx(app: App, qapp: QApplication) -> Iterator[GuiContext]:
    yield from _make_ctx(app, TaskRunner())


@pytest.fixture
def sync_ctx(app: App, qapp: QApplication) -> Iterator[GuiContext]:
    yield from _make_ctx(app, SyncTaskRunner())


@pytest.fixture
def land_app(make_app: Callable[..., App], tmp_path: Path) -> App:
    """An App at a land office (L01): its services have limits of several working days."""
    return make_app(Settings(data_dir=tmp_path / "land", office_code="L01", device_id="01"))


@pytest.fixture
def land_ctx(land_app: App, qapp: QApplication) -> Iterator[GuiContext]:
    yield from _make_ctx(land_app, TaskRunner())


#: The offscreen platform plugin warns about window-system features it lacks; real ones don't.
OFFSCREEN_NOISE = r"^This plugin does not support "


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
