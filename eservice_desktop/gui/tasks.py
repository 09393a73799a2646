"""Background work for the GUI: the UI thread only paints and reacts.

Anything that may take more than a few milliseconds (queries over a big database, seeding demo
data, card I/O, printing, sync) goes through :class:`TaskRunner`::

    ctx.tasks.run(services.cases.search, ctx.app, text,
                  on_done=self._show_rows, on_error=self._show_error)

``fn`` runs on a worker of a private :class:`QThreadPool`; ``on_done(result)`` /
``on_error(exception)`` are called back on the UI thread (a queued signal of the runner, which
lives on the UI thread). Workers never touch widgets: they only compute and return.

``progress=True`` marks a long task the main window shows in its progress indicator, and hands
``fn`` a keyword argument ``progress`` — a callable ``progress(done, total)`` that is safe to call
from the worker (``demo.seeding.seed_demo`` takes exactly that). ``on_progress(done, total)``
receives the same figures on the UI thread.

:meth:`TaskRunner.run` returns a :class:`Task`; ``task.cancel()`` drops its callbacks (the worker
still finishes, Python threads cannot be interrupted), which is how "as you type" pages discard
stale results. Errors without ``on_error`` are shown in the status bar (:class:`DomainError`) or
logged at ERROR (anything else, so a test notices).

:class:`SyncTaskRunner` has the same interface and runs everything inline, for GUI tests that
want deterministic order without waiting.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from eservice_desktop.domain.errors import DomainError

log = logging.getLogger("eservice.gui")

Callback = Callable[[Any], None]
ProgressCallback = Callable[[int, int], None]


@dataclass
class Task:
    """Handle of one submitted job; ``cancel()`` means "I no longer want the answer"."""

    task_id: int
    label: str = ""
    progress: bool = False
    cancelled: bool = False
    finished: bool = False
    on_done: Callback | None = field(default=None, repr=False)
    on_error: Callback | None = field(default=None, repr=False)
    on_progress: ProgressCallback | None = field(default=None, repr=False)

    def cancel(self) -> None:
        self.cancelled = True


class _Job(QRunnable):
    def __init__(
        self,
        runner: TaskRunner,
        task: Task,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._task = task
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:  # worker thread: no widgets here
        task_id = self._task.task_id
        kwargs = dict(self._kwargs)
        if self._task.progress:

            def report(done: int, total: int) -> None:
                self._runner._progressed.emit(task_id, int(done), int(total))

            kwargs["progress"] = report
        try:
            result = self._fn(*self._args, **kwargs)
        except BaseException as e:
            self._runner._finished.emit(task_id, False, e)
        else:
            self._runner._finished.emit(task_id, True, result)


class TaskRunner(QObject):
    """Runs callables on worker threads and calls back on the UI thread."""

    #: True while at least one ``progress=True`` task runs (main window shows a busy bar).
    busy_changed = Signal(bool)
    #: (label, done, total) of the newest progress task; total 0 means "unknown".
    progress_changed = Signal(str, int, int)
    #: A task without ``on_error`` failed with this message (shown in the status bar).
    failed = Signal(str)

    _finished = Signal(int, bool, object)
    _progressed = Signal(int, int, int)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._tasks: dict[int, Task] = {}
        self.lang = "zh_TW"
        # Emitted from workers; the runner lives on the UI thread, so delivery is queued there.
        self._finished.connect(self._on_finished)
        self._progressed.connect(self._on_progressed)

    # -- public ------------------------------------------------------------------------------

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        on_progress: ProgressCallback | None = None,
        progress: bool = False,
        label: str = "",
        **kwargs: Any,
    ) -> Task:
        task = Task(
            next(self._ids),
            label,
            progress,
            on_done=on_done,
            on_error=on_error,
            on_progress=on_progress,
        )
        self._tasks[task.task_id] = task
        if progress:
            self._busy_update()
            self.progress_changed.emit(label, 0, 0)
        self._start(task, fn, args, kwargs)
        return task

    @property
    def pending(self) -> int:
        return len(self._tasks)

    @property
    def busy(self) -> bool:
        return any(t.progress for t in self._tasks.values())

    def wait_idle(self, timeout_ms: int = 10000) -> bool:
        """Waits for every worker, then delivers their callbacks (tests and shutdown)."""
        ok = self._pool.waitForDone(timeout_ms)
        QCoreApplication.processEvents()
        return ok and not self._tasks

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Drops every pending callback and waits for the workers (window closing)."""
        for t in self._tasks.values():
            t.cancel()
        self._pool.waitForDone(timeout_ms)

    # -- internals ---------------------------------------------------------------------------

    def _start(
        self, task: Task, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self._pool.start(_Job(self, task, fn, args, kwargs))

    def _busy_update(self) -> None:
        self.busy_changed.emit(self.busy)

    @Slot(int, bool, object)
    def _on_finished(self, task_id: int, ok: bool, value: object) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None:
            return
        task.finished = True
        if task.progress:
            self._busy_update()
        if task.cancelled:
            return
        callback = task.on_done if ok else task.on_error
        if callback is not None and _owner_deleted(callback):
            return  # the widget that asked is gone (page closed, form replaced)
        if ok:
            if task.on_done is not None:
                task.on_done(value)
        elif task.on_error is not None:
            task.on_error(value)
        else:
            self._unhandled(value)

    @Slot(int, int, int)
    def _on_progressed(self, task_id: int, done: int, total: int) -> None:
        task = self._tasks.get(task_id)
        if task is None or task.cancelled:
            return
        self.progress_changed.emit(task.label, done, total)
        if task.on_progress is not None:
            task.on_progress(done, total)

    def _unhandled(self, error: object) -> None:
        if isinstance(error, DomainError):
            self.failed.emit(error.message(self.lang))
            return
        exc = error if isinstance(error, BaseException) else None
        log.error(
            "background task failed: %s",
            type(error).__name__,
            exc_info=(type(exc), exc, exc.__traceback__) if exc else None,
        )
        self.failed.emit(str(error))


class SyncTaskRunner(TaskRunner):
    """Same interface, but runs ``fn`` inline on the calling thread (unit-level GUI tests)."""

    def _start(
        self, task: Task, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        if task.progress:

            def report(done: int, total: int) -> None:
                self._on_progressed(task.task_id, done, total)

            kwargs = {**kwargs, "progress": report}
        try:
            result = fn(*args, **kwargs)
        except Exception as e:
            self._on_finished(task.task_id, False, e)
        else:
            self._on_finished(task.task_id, True, result)

    def wait_idle(self, timeout_ms: int = 10000) -> bool:
        QCoreApplication.processEvents()
        return True


def _owner_deleted(callback: Callable[..., Any]) -> bool:
    """True for a bound method of a Qt object whose C++ side was deleted meanwhile."""
    from PySide6.QtCore import QObject
    from shiboken6 import isValid

    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not isValid(owner)
