"""TaskRunner: work on a worker thread, answers on the UI thread, cancel, progress, errors."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.tasks import SyncTaskRunner, TaskRunner


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


def test_sync_runner_runs_inline():
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
