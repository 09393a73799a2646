"""Fixtures and keyboard helpers for the counter window's tests (pytest-qt, offscreen).

``ctx`` uses the real threaded TaskRunner (tests wait with ``qtbot.waitUntil``); ``sync_ctx``
waits for each job (on the writer or the pool) before ``run`` returns. Keyboard helpers are in
``gui_keys.py``. Every GUI test fails when the window's code begins a database transaction,
asks the keyring or seals a file to disk on the UI thread (``_no_gui_thread_io``).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gui_keys import make_active
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.config import Settings
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.fonts import install_screen_font
from eservice_desktop.gui.pickup_desk import PickupDesk, create_page
from eservice_desktop.gui.tasks import IO_THREAD, SyncTaskRunner, TaskRunner
from eservice_desktop.services.core import App


def _make_ctx(app: App, runner: TaskRunner) -> Iterator[GuiContext]:
    ctx = GuiContext(app, runner, "zh_TW")
    yield ctx
    runner.shutdown()
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def _collected_on_the_ui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the window (``gui/collector.py``): no automatic collection during a test, which
    ran in whichever thread allocated (a test's writer, its county server) or inside Qt's
    delivery of an event, and freed there a cycle holding a widget of this or an earlier test
    (a worker crashed now and then in full runs); its garbage is collected here, on the UI
    thread, once its widgets are closed."""
    was = gc.isenabled()
    gc.disable()
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # the test's objects are all young (nothing was collected, so nothing was promoted): a
    # collection of the young generations frees its cycles without walking the whole heap
    gc.collect(1)
    if was:
        gc.enable()


@pytest.fixture
def ctx(app: App, qapp: QApplication) -> Iterator[GuiContext]:
    yield from _make_ctx(app, TaskRunner())


@pytest.fixture
def sync_ctx(app: App, qapp: QApplication) -> Iterator[GuiContext]:
    yield from _make_ctx(app, SyncTaskRunner())


@pytest.fixture
def screen_font(qapp: QApplication) -> Iterator[None]:
    """The font the window has at a counter (Noto Sans CJK TC, ``gui/fonts.py``), the test's
    own put back: a narrow window's fit depends on it."""
    before = qapp.font()
    install_screen_font(qapp)
    yield
    qapp.setFont(before)


@pytest.fixture
def english(ctx: GuiContext, qapp: QApplication, screen_font: None) -> Iterator[None]:
    """An English counter (translators installed, the context's language) in the screen font."""
    from eservice_desktop.gui.i18n import install_translators, remove_translators

    translators = install_translators(qapp, "en")
    ctx.lang = ctx.tasks.lang = "en"
    yield
    remove_translators(qapp, translators)


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
            # a counter window watches the card readers (tests/shared_devices.py)
            item.add_marker(pytest.mark.readers)


# --- nothing touches the database or the keyring on the GUI thread ------------------------------

_GUI_CODE = f"{os.sep}eservice_desktop{os.sep}gui{os.sep}"


def _gui_frames() -> list[str]:
    """The frames of the counter window's own code on the current stack (innermost first).
    None when a test called a worker's body directly to build its expectation (such as
    ``queue_page.load_queue``): plain functions only, no widget's method among them."""
    frames: list[str] = []
    outermost = None
    methods = False
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if _GUI_CODE in code.co_filename:
            frames.append(f"{Path(code.co_filename).name}:{frame.f_lineno}")
            methods |= "self" in code.co_varnames[: code.co_argcount]
            outermost = frame
        frame = frame.f_back
    caller = outermost.f_back if outermost is not None else None
    if caller is not None and not methods and f"{os.sep}tests{os.sep}" in caller.f_code.co_filename:
        return []
    return frames


@pytest.fixture(autouse=True)
def _one_qt_application(qapp: QApplication) -> QApplication:
    """Every GUI test runs with the QApplication made: in random order, a test that builds a
    font or a pixmap without asking for one crashed its worker when it ran first there."""
    return qapp


@pytest.fixture(autouse=True)
def _no_gui_thread_io(_memory_keyring: None) -> Iterator[list[str]]:
    """Fails a GUI test when the window's code begins a database transaction, asks the
    keyring or seals a file to disk on the GUI thread (the main thread here), or when a job of
    the I/O pool does (the database belongs to the writer, gui/tasks.py). The test's own set-up
    and assertions may call services directly: on the main thread only a call with a frame of
    ``eservice_desktop/gui`` on the stack counts."""
    import keyring
    from sqlalchemy import Engine, event

    found: list[str] = []

    def check(what: str) -> None:
        thread = threading.current_thread()
        if thread.name.startswith(IO_THREAD):
            found.append(f"{what} on the I/O pool ({thread.name}), not the database writer")
        elif thread is threading.main_thread():
            frames = _gui_frames()
            if frames:
                found.append(f"{what} from {' <- '.join(frames[:4])}")

    def on_begin(_conn: object) -> None:
        check("database transaction")

    backend = keyring.get_keyring()
    originals = {n: getattr(backend, n) for n in ("get_password", "set_password")}

    def wrap(name: str) -> Callable[..., object]:
        def call(*args: object) -> object:
            check(f"keyring {name}")
            return originals[name](*args)

        return call

    from eservice_desktop.storage.sealed import Sealer

    sealed_write = Sealer.write

    def write(self: Sealer, path: Path, data: bytes) -> None:
        check("sealed file write (seal and fsync)")
        sealed_write(self, path, data)

    event.listen(Engine, "begin", on_begin)
    for name in originals:
        setattr(backend, name, wrap(name))
    Sealer.write = write  # type: ignore[method-assign]
    yield found
    Sealer.write = sealed_write  # type: ignore[method-assign]
    event.remove(Engine, "begin", on_begin)
    for name, fn in originals.items():
        setattr(backend, name, fn)
    if found:
        pytest.fail("on the GUI thread:\n" + "\n".join(dict.fromkeys(found)))


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """(text, assertive) of every announcement made, as a screen reader would hear them
    (``gui/accessible.announce``): the screen reader is stood in for by catching Qt's."""
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent

    from eservice_desktop.gui import accessible

    heard: list[tuple[str, bool]] = []

    def update(event: QAccessibleEvent) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            assertive = event.politeness() == QAccessible.AnnouncementPoliteness.Assertive
            heard.append((event.message(), assertive))

    monkeypatch.setattr(accessible, "_last", [("", 0.0)])
    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(update))
    yield heard


@pytest.fixture
def desk(ctx: GuiContext, qtbot: QtBot) -> Iterator[PickupDesk]:
    """The pickup desk page on its own, shown and active (the desk and camera tests)."""
    page = create_page(ctx)
    assert isinstance(page, PickupDesk)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    make_active(qtbot, page)
    yield page
    page.on_closing()
    ctx.tasks.wait_idle()
