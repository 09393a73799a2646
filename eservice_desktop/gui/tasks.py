"""Background work for the GUI: the UI thread only paints and reacts.

Two executors, Anki's pattern:

- **the database writer**, one thread (``eservice-db``) that runs every job touching the
  database (or the keyring) one after another, in the order they were asked for. Two writes from
  the window never race, SQLite never sees two writers from this process's window, and a read
  always sees the writes asked for before it. :meth:`TaskRunner.run` sends a job there::

      ctx.tasks.run(services.cases.search, ctx.app, text,
                    on_done=self._show_rows, on_error=self._show_error)

- **the I/O pool**, a few threads (``eservice-io``) for work that never opens the database:
  card readers, printers, image decoding, the network. :meth:`TaskRunner.run_io` sends a job
  there. A pool job that needs the database for one step hands that step to the writer and
  waits for it with :meth:`TaskRunner.call_db` (a receipt: read on the writer, print on the pool,
  record the printing on the writer).

``on_done(result)`` / ``on_error(exception)`` are called back on the UI thread (a queued signal
of the runner, which lives on the UI thread). Jobs never touch widgets: they only compute and
return.

``progress=True`` marks a long task the main window shows in its progress indicator, and hands
``fn`` a keyword argument ``progress`` — a callable ``progress(done, total)`` that is safe to call
from the worker (``demo.seeding.seed_demo`` takes exactly that). ``on_progress(done, total)``
receives the same figures on the UI thread.

:meth:`TaskRunner.run` returns a :class:`Task`; ``task.cancel()`` drops its callbacks (the worker
still finishes, Python threads cannot be interrupted), which is how "as you type" pages discard
stale results. Errors without ``on_error`` are shown in the status bar (:class:`DomainError`) or
logged at ERROR (anything else, so a test notices).

:class:`SyncTaskRunner` has the same interface and waits for each job before returning (the job
still runs on the writer or the pool, never on the UI thread), for GUI tests that want
deterministic order.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from eservice_desktop.domain.errors import SessionEnded

Callback = Callable[[Any], None]
ProgressCallback = Callable[[int, int], None]
Lane = Literal["db", "io"]
T = TypeVar("T")

#: Thread name prefixes of the two executors (tests check which one ran a transaction).
WRITER_THREAD = "eservice-db"
IO_THREAD = "eservice-io"


def on_writer_thread() -> bool:
    """True inside a job of a database writer."""
    return threading.current_thread().name.startswith(WRITER_THREAD)


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


@dataclass
class _Job:
    """What a worker runs: ``fn(*args, **kwargs)``, with ``progress=`` for a progress task."""

    task: Task
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def __call__(self, report: ProgressCallback) -> tuple[bool, object]:  # worker thread
        kwargs = {**self.kwargs, "progress": report} if self.task.progress else self.kwargs
        try:
            return True, self.fn(*self.args, **kwargs)
        except BaseException as e:
            return False, e


class TaskRunner(QObject):
    """Runs callables on the database writer or the I/O pool and calls back on the UI thread."""

    #: True while at least one ``progress=True`` task runs (main window shows a busy bar).
    busy_changed = Signal(bool)
    #: (label, done, total) of the newest progress task; total 0 means "unknown".
    progress_changed = Signal(str, int, int)
    #: A task without ``on_error`` failed with this message (shown in the status bar).
    failed = Signal(str)
    #: A task was refused because the signed-in operator's account was disabled meanwhile
    #: or their password set (``SessionEnded``, with it): the window signs them out; the task's
    #: own ``on_error`` is called as well.
    session_ended = Signal(object)

    _finished = Signal(int, bool, object)
    _progressed = Signal(int, int, int)

    def __init__(self, parent: QObject | None = None, max_threads: int = 3) -> None:
        super().__init__(parent)
        self._io_threads = max_threads
        self._executors: dict[Lane, ThreadPoolExecutor] = {}
        self._futures: set[Future[Any]] = set()
        self._futures_lock = threading.Lock()
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
        """``fn`` on the database writer, after every job asked for before it."""
        task = self._new_task(label, progress, on_done, on_error, on_progress)
        self._start("db", _Job(task, fn, args, kwargs))
        return task

    def run_io(
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
        """``fn`` on the I/O pool (cards, printers, images, network): never the database."""
        task = self._new_task(label, progress, on_done, on_error, on_progress)
        self._start("io", _Job(task, fn, args, kwargs))
        return task

    def call_db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """From a pool job: runs ``fn`` on the database writer and waits for its answer."""
        if on_writer_thread():
            return fn(*args, **kwargs)
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("call_db waits for the writer: never on the UI thread")
        return self._executor("db").submit(fn, *args, **kwargs).result()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    @property
    def busy(self) -> bool:
        return any(t.progress for t in self._tasks.values())

    def wait_idle(self, timeout_ms: int = 10000) -> bool:
        """Waits for every worker, then delivers their callbacks (tests and shutdown)."""
        ok = self._wait_workers(timeout_ms)
        QCoreApplication.processEvents()
        return ok and not self._tasks

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Drops every pending callback and waits for the workers (window closing)."""
        for t in self._tasks.values():
            t.cancel()
        self._wait_workers(timeout_ms)
        executors, self._executors = self._executors, {}
        for executor in executors.values():
            executor.shutdown(wait=False)

    # -- internals ---------------------------------------------------------------------------

    def _new_task(
        self,
        label: str,
        progress: bool,
        on_done: Callback | None,
        on_error: Callback | None,
        on_progress: ProgressCallback | None,
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
        return task

    def _executor(self, lane: Lane) -> ThreadPoolExecutor:
        executor = self._executors.get(lane)
        if executor is None:
            if lane == "db":
                executor = ThreadPoolExecutor(
                    1, thread_name_prefix=WRITER_THREAD, initializer=_writer_started
                )
            else:
                executor = ThreadPoolExecutor(self._io_threads, thread_name_prefix=IO_THREAD)
            self._executors[lane] = executor
        return executor

    def _submit(self, lane: Lane, fn: Callable[..., T], *args: Any) -> Future[T]:
        future = self._executor(lane).submit(fn, *args)
        with self._futures_lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[Any]) -> None:
        with self._futures_lock:
            self._futures.discard(future)

    def _wait_workers(self, timeout_ms: int) -> bool:
        with self._futures_lock:
            running = list(self._futures)
        _done, not_done = wait(running, timeout=timeout_ms / 1000)
        return not not_done

    def _start(self, lane: Lane, job: _Job) -> None:
        task_id = job.task.task_id

        def report(done: int, total: int) -> None:
            self._progressed.emit(task_id, int(done), int(total))

        def work() -> None:  # worker thread: no widgets here
            ok, value = job(report)
            self._finished.emit(task_id, ok, value)

        self._submit(lane, work)

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
        if not ok and isinstance(value, SessionEnded):
            self.session_ended.emit(value)
        callback = task.on_done if ok else task.on_error
        if callback is not None and owner_deleted(callback):
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

    def quiet_refusal(self, error: object) -> None:
        """``on_error`` of a task the clerk did not ask for (a reread after a sync round): a
        refusal (signed out meanwhile) is no news for the clerk, the next action says it;
        anything else is reported as any task's failure."""
        from eservice_desktop.domain.errors import DomainError

        if not isinstance(error, DomainError):
            self._unhandled(error)

    def _unhandled(self, error: object) -> None:
        from eservice_desktop.gui.error_text import refusal_of

        self.failed.emit(refusal_of(error).message(self.lang))


class SyncTaskRunner(TaskRunner):
    """Same interface and the same executors, but ``run`` returns only once the job ran and its
    callbacks were called (GUI tests that want deterministic order without waiting)."""

    def _start(self, lane: Lane, job: _Job) -> None:
        steps: list[tuple[int, int]] = []

        def report(done: int, total: int) -> None:
            steps.append((int(done), int(total)))

        ok, value = self._submit(lane, job, report).result()
        for done, total in steps:
            self._on_progressed(job.task.task_id, done, total)
        self._on_finished(job.task.task_id, ok, value)

    def wait_idle(self, timeout_ms: int = 10000) -> bool:
        QCoreApplication.processEvents()
        return True


def _writer_started() -> None:
    """The database writer's first act: the window's process keeps SQLite's page caches within
    ``services.database.WINDOW_SQLITE_HEAP`` (the CLI and the services keep their own budget)."""
    from eservice_desktop.services import database

    database.limit_page_caches()


def owner_deleted(callback: Callable[..., Any]) -> bool:
    """True for a bound method of a Qt object whose C++ side was deleted meanwhile, also
    wrapped in a ``functools.partial`` (a page's callback with its arguments bound)."""
    from PySide6.QtCore import QObject
    from shiboken6 import isValid

    while isinstance(callback, partial):
        callback = callback.func
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not isValid(owner)
