"""``gui.first_paint.after_paint``: the cold-start mark waits for the window's paint, and a
window already on screen is painted again for it (what it holds now, not what it held)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.first_paint import after_paint


class _Paints(QObject):
    """Records the paints of one window's widgets, in order, with what the label showed."""

    def __init__(self, window: QMainWindow, label: QLabel) -> None:
        super().__init__()
        self.window, self.label = window, label
        self.log: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.label:
            self.log.append(f"paint:{self.label.text()}")
        return False


@pytest.fixture
def shown(qtbot: QtBot) -> Iterator[tuple[QMainWindow, QLabel, _Paints]]:
    """A window not shown yet, its label, and the record of the label's paints."""
    window = QMainWindow()
    label = QLabel("first")
    window.setCentralWidget(label)
    window.resize(400, 200)
    qtbot.addWidget(window)
    paints = _Paints(window, label)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(paints)
    yield window, label, paints
    app.removeEventFilter(paints)


def test_the_callback_comes_after_the_first_paint_of_a_window_being_shown(
    shown: tuple[QMainWindow, QLabel, _Paints], qtbot: QtBot
) -> None:
    window, _label, paints = shown
    window.show()
    after_paint(window, lambda: paints.log.append("ready"))  # not exposed yet: no paint so far
    assert paints.log == []
    qtbot.waitUntil(lambda: "ready" in paints.log, timeout=5000)
    assert paints.log.index("paint:first") < paints.log.index("ready")


def test_a_window_on_screen_is_painted_again_with_what_it_holds_now(
    shown: tuple[QMainWindow, QLabel, _Paints], qtbot: QtBot
) -> None:
    window, label, paints = shown
    window.show()
    qtbot.waitUntil(lambda: "paint:first" in paints.log, timeout=5000)
    label.setText("list in")
    after_paint(window, lambda: paints.log.append("ready"))
    qtbot.waitUntil(lambda: "ready" in paints.log, timeout=5000)
    assert paints.log.index("paint:list in") < paints.log.index("ready")
    # the watch is gone: later paints call nothing
    label.setText("later")
    qtbot.waitUntil(lambda: "paint:later" in paints.log, timeout=5000)
    qtbot.wait(50)
    assert paints.log.count("ready") == 1
