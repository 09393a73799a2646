"""A counter window runs for weeks: every dialog it opened stayed its hidden child once closed
(gui/dialog_life.py). 100 presses of F1 left 100 key lists and 123 MiB more in the window, 100
openings of 檔案 ▸ 備份與還原 4,400 widgets and 101 MiB. Each dialog is deleted once closed now,
whether opened (``open``) or asked (``exec``): opened and closed five times, none is left."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from factories import new_case
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui import case_end, help_menu, payment_closing, payment_tendered, qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import cases

TIMES = 5


def _closed_by_esc() -> None:
    """The next modal dialog (an ``exec``'s) is closed as Esc closes it."""

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            QTimer.singleShot(10, close)

    QTimer.singleShot(0, close)


def _asked(ask: Callable[[], object]) -> Callable[[MainWindow, QtBot], None]:
    def run(_window: MainWindow, _qtbot: QtBot) -> None:
        _closed_by_esc()
        ask()

    return run


def _opened(open_: Callable[[MainWindow], QDialog]) -> Callable[[MainWindow, QtBot], None]:
    def run(window: MainWindow, qtbot: QtBot) -> None:
        dialog = open_(window)
        qtbot.waitUntil(dialog.isVisible)
        window.ctx.tasks.wait_idle(10000)  # the backups listed, say
        QApplication.processEvents()
        dialog.reject()

    return run


def _left(owner: QWidget) -> list[QDialog]:
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return owner.findChildren(QDialog)


@pytest.mark.parametrize(
    "flow",
    ["backups", "key_help", "about", "case_end", "tendered", "closing", "print_dialog"],
)
def test_a_dialog_closed_is_gone(flow: str, ctx: GuiContext, qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = PaymentPage(ctx, window)
    number = new_case(ctx.app)
    view = cases.show_case(ctx.app, number)
    flows: dict[str, Callable[[MainWindow, QtBot], None]] = {
        "backups": _opened(MainWindow.open_backups),
        "key_help": _opened(help_menu.show_keys),
        "about": _opened(help_menu.show_about),
        "case_end": _asked(lambda: case_end.ask(page, view, "reject", "資料不全")),
        "tendered": _asked(lambda: payment_tendered.ask(page, number, 15, 5000)),
        "closing": _asked(lambda: payment_closing.ask_closing(page, date(2026, 12, 4))),
        "print_dialog": _asked(lambda: qt_print.choose_printer(ctx, page, ask=True)),
    }
    window.show()
    qtbot.waitExposed(window)
    before = len(_left(window))
    for _ in range(TIMES):
        flows[flow](window, qtbot)
    assert [d.objectName() or type(d).__name__ for d in _left(window)][before:] == []
