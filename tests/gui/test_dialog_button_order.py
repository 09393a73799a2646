"""Tab runs through a dialog's buttons in the order they stand (``gui/button_order.py``): the
daily closing's dialog stands 存成 PDF, 存成 CSV, 列印, 取消 and was tabbed 取消 first, the
order its buttons were made in."""

from __future__ import annotations

from datetime import date

from gui_keys import press
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui import keyboard
from eservice_desktop.gui.payment_closing import ask_closing
from eservice_desktop.gui.roc_date_edit import RocDateEdit


def _tabbed(dialog: QDialog) -> list[QWidget]:
    """The stops Tab makes from the date field once round the dialog."""
    first = dialog.findChild(RocDateEdit)
    assert first is not None
    first.setFocus(Qt.FocusReason.TabFocusReason)
    stops: list[QWidget] = []
    for _ in range(12):
        press(Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        if focus is None or focus is first or first.isAncestorOf(focus):
            break
        stops.append(focus)
    return stops


def test_tab_takes_the_closing_buttons_as_they_stand(qtbot: QtBot) -> None:
    keyboard.install()
    seen: list[list[QWidget]] = []

    def shown() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        try:
            dialog.activateWindow()
            qtbot.waitUntil(dialog.isActiveWindow)
            qtbot.wait(10)  # the keys the window adds to the buttons, a tick after they show
            seen.append(_tabbed(dialog))
        finally:
            dialog.reject()

    QTimer.singleShot(0, shown)
    ask_closing(None, date(2026, 12, 5))  # type: ignore[arg-type]
    buttons = [w for w in seen[0] if isinstance(w, QPushButton)]
    assert len(buttons) == 4, [w.objectName() for w in seen[0]]
    xs = [b.mapTo(b.window(), QPoint(0, 0)).x() for b in buttons]
    assert xs == sorted(xs), [(b.text(), x) for b, x in zip(buttons, xs, strict=True)]
