"""Starting the counter window (``eservice-desktop gui``): Qt application, screen font
(``gui/fonts.py``), language, core, demo data, main window at the screen's available size.
The window opens at the login screen (``gui/auth.py``); in demo mode the demo operator is
signed in first, so the window opens on the queue. Either way the core opens on the database
writer once the window is interactive.

Demo seeding runs on a worker with the status bar's progress bar while the window is already
usable; the queue refreshes when it is done (``ctx.case_changed("")`` means "many cases").

Test and benchmark hooks (environment variables, read only here):

``ESERVICE_SCREENSHOT=/path/shot.png``
    Once the window is shown and every background task (demo seeding, the first queue load)
    has finished, grab the main window into that PNG and quit with status 0. The Xvfb test uses
    it to check that Chinese text really renders.
``ESERVICE_QUIT_WHEN_READY=1``
    Print ``ready <seconds> cpu <seconds>`` once the window is shown with its first queue list
    loaded and painted (the CPU time of the whole process so far, which a loaded machine
    disturbs less; ``unpainted`` after it when no paint came within a second and the start
    went on without it, which the benchmarks refuse), then
    ``idle <seconds>`` when every background load (tab counts too) has finished, and quit.
    Seconds count from the import of this module; the cold-start benchmark measures the wall
    time of the whole process from outside and reads these marks. ``ready`` comes before the
    deferred background start (the core's opening, sync loop, card monitor:
    ``MainWindow.begin_background``), which follows it in every run.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from eservice_desktop.gui import single_window
from eservice_desktop.gui.first_paint import after_paint

if TYPE_CHECKING:
    from eservice_desktop.config import Settings
    from eservice_desktop.domain.catalogue import Catalogue
    from eservice_desktop.gui.context import GuiContext
    from eservice_desktop.gui.main_window import MainWindow
    from eservice_desktop.services.core import App

log = logging.getLogger("eservice.gui")

_PROCESS_START = time.monotonic()


class AlreadyOpen(Exception):
    """This data directory's window is open in another process: it was asked to come forward
    (``gui/single_window.py``); ``lang`` is the user's, for the line that says so."""

    def __init__(self, lang: str) -> None:
        super().__init__("the counter window is already open")
        self.lang = lang


def _seed_demo_if_empty(app: App, seed: int, progress: Callable[[int, int], None]) -> object:
    """Database writer: demo cases on an empty database (None when it has cases already)."""
    from eservice_desktop.demo.seeding import seed_demo
    from eservice_desktop.services.cases import has_cases

    if has_cases(app):
        return None
    return seed_demo(app, 300, seed=seed, batch=50, progress=progress)


def when_idle(
    ctx: object, callback: Callable[[], None], settle_ms: int = 300, interval_ms: int = 50
) -> None:
    """Calls ``callback`` once the core is open and no background task has been pending for
    ``settle_ms``."""
    from eservice_desktop.gui.context import GuiContext

    assert isinstance(ctx, GuiContext)
    timer = QTimer(ctx)
    timer.setInterval(interval_ms)
    idle_since: list[float | None] = [None]

    def tick() -> None:
        if ctx.tasks.pending or not ctx.core_open:
            idle_since[0] = None
            return
        now = time.monotonic()
        since = idle_since[0]
        if since is None:
            since = idle_since[0] = now
        if (now - since) * 1000 >= settle_ms:
            timer.stop()
            callback()

    timer.timeout.connect(tick)
    timer.start()


def fit_to_screen(window: QWidget) -> None:
    """Opens the window over the screen's available area (the desktop minus task bars): a
    1366×768 counter screen gets all of its pixels. Without a window manager (kiosk, Xvfb)
    maximising is only a hint, so the geometry is set as well."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    window.setGeometry(area)
    window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


@dataclass
class Started:
    """The running window and what it needs; :func:`run` enters the event loop with it."""

    qt_app: QApplication
    window: MainWindow
    ctx: GuiContext
    translators: object
    #: Called once on the UI thread when the window is interactive (shown, first queue list
    #: in, painted), before the window's deferred background start.
    ready_hooks: list[Callable[[], None]]
    #: What stopped the core from opening after the window was shown (:func:`run` raises it).
    failure: list[BaseException] = field(default_factory=list)
    #: Whether the window had painted when it became interactive (False: the paint did not
    #: come within ``first_paint.FALLBACK_MS`` and the start went on without it).
    painted: bool = False

    @property
    def core(self) -> App:
        """The services core (waits for it while it is still opening)."""
        return self.ctx.app

    def close_core(self) -> None:
        """Closes the core if it opened (the window may close before it did)."""
        if self.ctx.core_open:
            self.ctx.app.close()


class _Contexts(list["GuiContext"]):
    """The window's contexts, told what the core's opening does."""

    def opened(self, _core: App) -> None:
        """UI thread: the core is open."""
        for ctx in self:
            ctx.core_opened.emit()

    def upgrading(self) -> None:
        """Database writer: an older database is being upgraded (the signal crosses)."""
        for ctx in self:
            ctx.upgrading.emit()


def start(args: argparse.Namespace) -> Started:
    """Qt application, screen font, language, window shown at the screen's size.

    The core (the key from the OS store, SQLAlchemy, the schema check, the calendar) opens on
    the database writer once the window is interactive: signed out, the login screen (a
    sign-in typed meanwhile queues behind the opening on the writer); in demo mode, whose
    opening signs the demo operator in, the queue, built for them at once, its first list read
    without the core (``services.queue_start``; the rest waits: ``ctx.when_core_open``)."""
    from eservice_desktop.config import settings_from_args as settings_from
    from eservice_desktop.domain.operators import DEMO_OPERATOR
    from eservice_desktop.gui.context import GuiContext, PendingCore
    from eservice_desktop.gui.fonts import install_screen_font
    from eservice_desktop.gui.i18n import install_translators, normalise_lang
    from eservice_desktop.gui.tasks import TaskRunner
    from eservice_desktop.services.shipped import load_catalogue

    qt_app = _qt_app()
    settings = settings_from(args)
    door_name = _knock_first(settings)
    tasks = TaskRunner()
    failure: list[BaseException] = []

    def failed(error: BaseException) -> None:
        # The window is up (signed out): leave the event loop, run() raises it as start would.
        failure.append(error)
        qt_app.quit()

    contexts = _Contexts()
    catalogue = load_catalogue()  # the office's name on the login screen; the core's too
    pending = PendingCore(
        settings,
        catalogue,
        lambda future: tasks.run(
            _open_into,
            settings,
            catalogue,
            future,
            pending.handed,
            contexts.upgrading,
            on_done=contexts.opened,
            on_error=failed,
        ),
        operator=DEMO_OPERATOR if settings.demo else None,
    )
    install_screen_font(qt_app)
    lang = normalise_lang(settings.lang)
    translators = install_translators(qt_app, lang)
    from eservice_desktop.gui import crash

    crash.install(settings.log_dir)
    from eservice_desktop.gui.main_window import MainWindow

    ctx = GuiContext(pending, tasks, lang)
    contexts.append(ctx)
    window = _show_window(MainWindow(ctx, defer_background=True), door_name)
    started = Started(qt_app, window, ctx, translators, [], failure)
    _when_interactive(started)
    return started


def _qt_app() -> QApplication:
    """The Qt application, its cyclic garbage collected on its UI thread (gui/collector.py)."""
    from eservice_desktop.gui.collector import UiThreadCollector

    qt_app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("eservice-desktop")
    if qt_app.findChild(UiThreadCollector) is None:
        UiThreadCollector(qt_app)
    return qt_app


def _knock_first(settings: Settings) -> str:
    """The name of this data directory's window socket; :class:`AlreadyOpen` when a window
    of it answers there (it was asked to come forward)."""
    name = single_window.server_name(settings.data_dir)
    if single_window.knock(name):
        raise AlreadyOpen(settings.lang)
    return name


def _show_window(window: MainWindow, door_name: str) -> MainWindow:
    single_window.WindowDoor(door_name, window)  # a second start brings this window forward
    fit_to_screen(window)
    window.show()
    return window


def _open_into(
    settings: Settings,
    catalogue: Catalogue,
    future: Future[App],
    handed: dict[str, Any],
    upgrading: Callable[[], None],
) -> App:
    """Database writer: the core opened (key, schema check, calendar) into ``future``; in demo
    mode (--demo, ESERVICE_DEMO=1) the demo operator signed in, no password. ``handed``: the
    key and calendar the first list read just before on this thread (none when it did not);
    the key is taken out of it, kept by the core alone from then on. ``upgrading``: told when
    an older database is about to be backed up and upgraded, so the window says why it waits."""
    from eservice_desktop.services.core import open_app

    try:
        key, calendar = handed.pop("key", None), handed.get("calendar")
        core = open_app(
            settings, catalogue=catalogue, key=key, calendar=calendar, on_upgrade=upgrading
        )
        if settings.demo and core.operator is None:
            from eservice_desktop.services.operators import sign_in_demo

            sign_in_demo(core)
    except BaseException as e:
        future.set_exception(e)
        raise
    future.set_result(core)
    return core


def _when_interactive(started: Started) -> None:
    """Once the window is shown with its first queue list, and that painted
    (:func:`first_paint.after_paint`): the ready hooks, then the deferred background start (the
    core's opening, sync, card monitor), so neither their imports nor their hold on Python's
    lock delays the list's paint.
    The page in front is the one the roles chose (the queue); asking ``window.pages`` for
    the queue would build it for a role that may not open it."""
    window = started.window
    queue = window.current_page()
    timer = QTimer(window)
    timer.setInterval(5)

    def check() -> None:
        # A first list that failed is an answer too: its message is on screen, and the
        # filters (idle input, keyboard rules) must not wait for a list that is not coming.
        if window.isVisible() and getattr(queue, "answered", getattr(queue, "loaded", True)):
            timer.stop()
            after_paint(window, interactive)

    def interactive(painted: bool) -> None:
        started.painted = painted
        for hook in started.ready_hooks:
            hook()
        pending = started.ctx.pending_core
        if pending is not None:
            pending.start()  # the first screen is painted: now the database
        window.begin_background()

    timer.timeout.connect(check)
    timer.start()


def _first_window(args: argparse.Namespace) -> Started | None:
    """:func:`start`, or None when this data directory's window is open in another process
    (brought forward instead, and said so)."""
    try:
        return start(args)
    except AlreadyOpen as e:
        print(
            "The counter window is already open: it was brought to the front"
            if e.lang.lower().startswith("en")
            else "櫃檯視窗已經開啟，已切換到該視窗",
            file=sys.stderr,
        )
        return None


def run(args: argparse.Namespace) -> int:
    started = _first_window(args)
    if started is None:
        return 0
    qt_app, window, ctx = started.qt_app, started.window, started.ctx
    tasks = ctx.tasks

    if getattr(args, "demo", False):  # demo mode: seeded once the core is open
        seed = int(os.environ.get("ESERVICE_DEMO_SEED", "20260310"))

        def seed_demo() -> None:
            tasks.run(
                _seed_demo_if_empty,
                ctx.app,
                seed,
                progress=True,
                label=QCoreApplication.translate("MainWindow", "建立示範資料"),
                on_done=lambda result: None if result is None else ctx.case_changed.emit(""),
            )

        ctx.when_core_open(seed_demo)

    shot = os.environ.get("ESERVICE_SCREENSHOT")
    if shot or os.environ.get("ESERVICE_QUIT_WHEN_READY"):
        ready_printed: list[bool] = []

        this = weakref.ref(started)  # not a closure over ``started``, which run() deletes

        def mark_ready() -> None:
            if not ready_printed:
                ready_printed.append(True)
                wall = time.monotonic() - _PROCESS_START
                painted = (held := this()) is not None and held.painted
                unpainted = "" if painted else " unpainted"  # the fallback's
                print(f"ready {wall:.3f} cpu {time.process_time():.3f}{unpainted}", flush=True)

        def finish() -> None:
            if shot:
                window.grab().save(shot, "PNG")
            else:
                mark_ready()  # idle implies ready: the first list was one of the tasks
                print(f"idle {time.monotonic() - _PROCESS_START:.3f}", flush=True)
            window.close()
            qt_app.quit()

        if not shot:
            # Interactive: shown, the first queue list in the table, and painted.
            started.ready_hooks.append(mark_ready)
        # The screenshot waits for painting to settle; the benchmark wants the first idle moment.
        when_idle(ctx, finish, settle_ms=300 if shot else 0, interval_ms=50 if shot else 5)

    try:
        status = int(qt_app.exec())
    finally:
        tasks.shutdown()
        started.close_core()
    if started.failure:
        raise started.failure[0]  # as if start() had raised it: the CLI says what to do
    del started
    return status
