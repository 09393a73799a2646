"""``gui.first_paint.after_paint``: the start waits for the window's paint, a window already
on screen is painted again for it (what it holds now, not what it held), and a window that
never paints goes on after the fallback, saying so. The fallback is set far out where a paint
is expected, so a watch that missed the paint fails instead of passing a second late."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.first_paint import after_paint

NEVER = 60_000  # ms: the fallback, out of every test's reach


class _Paints(QObject):
    """Records the paints of one window's label, in order, with what the label showed."""

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        self.label = label
        self.log: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.label:
            self.log.append(f"paint:{self.label.text()}")
        return False


Shown = tuple[QMainWindow, QLabel, _Paints]


@pytest.fixture
def shown(qtbot: QtBot) -> Iterator[Shown]:
    """A window not shown yet, its label, and the record of the label's paints."""
    window = QMainWindow()
    label = QLabel("first")
    window.setCentralWidget(label)
    window.resize(400, 200)
    qtbot.addWidget(window)
    paints = _Paints(label)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(paints)
    yield window, label, paints
    app.removeEventFilter(paints)


def test_the_callback_comes_after_the_first_paint_of_a_window_being_shown(
    shown: Shown, qtbot: QtBot
) -> None:
    window, _label, paints = shown
    window.show()
    after_paint(window, lambda painted: paints.log.append(f"ready:{painted}"), NEVER)
    assert paints.log == []  # not exposed yet: no paint so far
    qtbot.waitUntil(lambda: "ready:True" in paints.log, timeout=5000)
    assert paints.log.index("paint:first") < paints.log.index("ready:True")


def test_a_window_on_screen_is_painted_again_with_what_it_holds_now(
    shown: Shown, qtbot: QtBot
) -> None:
    window, label, paints = shown
    window.show()
    qtbot.waitUntil(lambda: "paint:first" in paints.log, timeout=5000)
    qtbot.wait(50)
    painted_before = len(paints.log)
    # Nothing changed since its last paint: the watch asks for the paint it waits for.
    after_paint(window, lambda painted: paints.log.append(f"ready:{painted}"), NEVER)
    qtbot.waitUntil(lambda: "ready:True" in paints.log, timeout=5000)
    assert paints.log[painted_before:] == ["paint:first", "ready:True"]
    # the watch is gone: later paints call nothing
    label.setText("later")
    qtbot.waitUntil(lambda: "paint:later" in paints.log, timeout=5000)
    qtbot.wait(50)
    assert paints.log.count("ready:True") == 1


def test_a_window_that_never_paints_goes_on_after_the_fallback_and_says_so(
    shown: Shown, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    window, _label, paints = shown  # never shown: nothing paints it
    calls: list[bool] = []
    began = time.monotonic()
    after_paint(window, calls.append, 200)
    qtbot.waitUntil(lambda: bool(calls), timeout=5000)
    assert calls == [False]
    assert time.monotonic() - began >= 0.19
    assert paints.log == []
    assert "not painted" in caplog.text
    qtbot.wait(250)
    assert calls == [False]  # once


def test_a_window_destroyed_before_its_paint_calls_nothing(qtbot: QtBot) -> None:
    window = QMainWindow()
    calls: list[bool] = []
    after_paint(window, calls.append, 100)
    window.deleteLater()
    qtbot.wait(300)
    assert calls == []
