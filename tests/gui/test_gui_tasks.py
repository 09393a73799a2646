"""TaskRunner: work on a worker thread, answers on the UI thread, cancel, progress, errors."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.tasks import IO_THREAD, WRITER_THREAD, SyncTaskRunner, TaskRunner


def test_work_runs_off_the_ui_thread_and_answers_on_it(qtbot, qapp: QApplication):
    runner = TaskRunner()
    ui = threading.get_ident()
    seen: dict[str, object] = {}

    def work(a: int, b: int) -> int:
        seen["worker"] = threading.get_ident()
        return a + b

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_thread"] = QThread.currentThread()

    runner.run(work, 2, 3, on_done=done)
    qtbot.waitUntil(lambda: "value" in seen, timeout=3000)
    assert seen["value"] == 5
    assert seen["worker"] != ui
    assert seen["callback_thread"] is qapp.thread()
    assert runner.pending == 0


def test_cancelled_answers_are_dropped_and_errors_reported(qtbot):
    runner = TaskRunner()
    gate = threading.Event()
    got: list[object] = []
    task = runner.run(lambda: gate.wait(5) and "stale", on_done=got.append)
    task.cancel()
    gate.set()
    errors: list[object] = []
    runner.run(_refuse, on_done=got.append, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert runner.wait_idle(3000)
    assert got == []
    assert isinstance(errors[0], DomainError)

    messages: list[str] = []
    runner.failed.connect(messages.append)
    runner.run(_refuse)  # no on_error: the status bar gets the zh-TW message
    qtbot.waitUntil(lambda: bool(messages), timeout=3000)
    assert messages == ["不行"]


def test_progress_reaches_the_ui_and_busy_toggles(qtbot):
    runner = TaskRunner()
    busy: list[bool] = []
    steps: list[tuple[int, int]] = []
    runner.busy_changed.connect(busy.append)
    results: list[object] = []

    def long_job(n: int, progress) -> str:  # type: ignore[no-untyped-def]
        for i in range(1, n + 1):
            progress(i, n)
        return "ok"

    runner.run(
        long_job,
        3,
        progress=True,
        label="示範",
        on_progress=lambda d, t: steps.append((d, t)),
        on_done=results.append,
    )
    qtbot.waitUntil(lambda: results == ["ok"], timeout=3000)
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert busy == [True, False]


def test_unexpected_errors_are_logged(qtbot, expect_error_logs, caplog):
    runner = TaskRunner()
    runner.run(lambda: 1 / 0)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=3000)
    assert any("background task failed" in r.getMessage() for r in caplog.records)


def _write_on_a_full_disk() -> None:
    from sqlalchemy.exc import OperationalError

    from eservice_desktop.storage.cipher import DriverError

    raise OperationalError("COMMIT", None, DriverError("database or disk is full"))


def _fail_with_the_applicant_s_id() -> None:
    raise ValueError("no row for A123456789")


@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_a_failure_reads_as_the_machine_s_or_as_one_plain_sentence(
    qtbot, expect_error_logs, lang: str
) -> None:
    """An intake on a full disk put SQLAlchemy's text on the status bar: "(sqlcipher3.dbapi2.
    OperationalError) database or disk is full (Background on this error at: https://…)"; any
    other failure its exception's own text, whatever that held."""
    runner = TaskRunner()
    runner.lang = lang
    messages: list[str] = []
    runner.failed.connect(messages.append)
    runner.run(_write_on_a_full_disk)
    runner.run(_fail_with_the_applicant_s_id)
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=3000)
    if lang == "en":
        assert messages == [
            "The disk is full; nothing of this was stored. Ask IT to free space and retry",
            "This did not finish: an unexpected error, written to the log; tell IT",
        ]
    else:
        assert messages[0].startswith("磁碟空間已滿") and messages[1].startswith("這項作業未完成")


def test_sync_runner_answers_before_returning():
    runner = SyncTaskRunner()
    got: list[object] = []
    runner.run(lambda x: x * 2, 21, on_done=got.append)
    assert got == [42]
    with pytest.raises(AssertionError):
        runner.run(_refuse, on_error=lambda e: (_ for _ in ()).throw(AssertionError(e)))


def _refuse() -> None:
    raise DomainError("test.refused", "不行", "No")


def test_answer_for_a_widget_deleted_meanwhile_is_dropped(qtbot):
    from PySide6.QtWidgets import QLabel
    from shiboken6 import delete

    runner = TaskRunner()
    gate = threading.Event()
    label = QLabel()
    task = runner.run(lambda: gate.wait(5) and "late", on_done=label.setText)
    delete(label)  # the page was closed while the worker ran
    gate.set()
    qtbot.waitUntil(lambda: task.finished, timeout=3000)  # no RuntimeError reached the loop
    assert runner.pending == 0


def test_database_jobs_run_one_at_a_time_on_one_writer_thread_in_order(qtbot):
    runner = TaskRunner()
    lock = threading.Lock()
    running = [0]
    most = [0]
    threads: set[str] = set()
    order: list[int] = []

    def job(i: int) -> int:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            threads.add(threading.current_thread().name)
        threading.Event().wait(0.01)  # long enough for a second thread to overlap, if any ran
        with lock:
            running[0] -= 1
        return i

    for i in range(8):
        runner.run(job, i, on_done=order.append)
    qtbot.waitUntil(lambda: len(order) == 8, timeout=5000)
    assert order == list(range(8))  # answers in the order asked
    assert most[0] == 1  # never two at once
    assert len(threads) == 1 and next(iter(threads)).startswith(WRITER_THREAD)
    runner.shutdown()


def test_io_jobs_run_side_by_side_on_the_pool_and_hand_database_steps_to_the_writer(qtbot):
    runner = TaskRunner()
    both = threading.Barrier(2, timeout=5)  # only passes when two pool jobs run at once
    results: list[tuple[str, str]] = []

    def io_job() -> tuple[str, str]:
        both.wait()
        on_writer = runner.call_db(lambda: threading.current_thread().name)
        return threading.current_thread().name, on_writer

    runner.run_io(io_job, on_done=results.append)
    runner.run_io(io_job, on_done=results.append)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    for pool_thread, writer_thread in results:
        assert pool_thread.startswith(IO_THREAD)
        assert writer_thread.startswith(WRITER_THREAD)
    with pytest.raises(RuntimeError):
        runner.call_db(lambda: None)  # the UI thread never waits for the writer
    runner.shutdown()


def test_sync_runner_runs_on_the_writer_and_answers_before_returning(qtbot):
    runner = SyncTaskRunner()
    got: list[str] = []
    steps: list[tuple[int, int]] = []

    def job(progress) -> str:  # type: ignore[no-untyped-def]
        progress(1, 2)
        return threading.current_thread().name

    runner.run(
        job, progress=True, on_progress=lambda d, t: steps.append((d, t)), on_done=got.append
    )
    assert got and got[0].startswith(WRITER_THREAD) and steps == [(1, 2)]
    runner.shutdown()


def test_a_transaction_begun_by_the_window_on_the_ui_thread_is_caught(
    app, qtbot, _no_gui_thread_io: list[str]
):
    """The GUI suite's guard (tests/gui/conftest.py) sees what it is there to see."""
    from eservice_desktop.services import cases

    runner = TaskRunner()
    # A callback of the runner (UI thread, window code on the stack) that reads the database:
    task = runner._new_task("", False, lambda _v: cases.has_cases(app), None, None)
    runner._on_finished(task.task_id, True, None)
    assert any("database transaction from tasks.py" in f for f in _no_gui_thread_io)
    _no_gui_thread_io.clear()
    # A job on the I/O pool that opens the database instead of asking the writer:
    done: list[object] = []
    runner.run_io(cases.has_cases, app, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert any("on the I/O pool" in f for f in _no_gui_thread_io)
    _no_gui_thread_io.clear()
    # The same read through the writer is fine:
    runner.run(cases.has_cases, app, on_done=done.append)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=5000)
    assert _no_gui_thread_io == []
    runner.shutdown()
