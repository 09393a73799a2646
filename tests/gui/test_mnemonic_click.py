"""Alt+letter on a button clicks it when the key comes: Qt's animated click came 100 ms later,
so the keys typed on at once went to the old focus (新增帳號 Alt+A, the account typed straight
after: the letters went to the list and the form came up empty), and a button disabled
meanwhile still clicked."""

from __future__ import annotations

from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.context import GuiContext

OPERATORS_PAGE = "eservice_desktop.gui.operators_page"

ALT = Qt.KeyboardModifier.AltModifier


def _operators_page(qtbot, ctx: GuiContext):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: window.current_page() is page)
    page.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    return window, page


def test_keys_typed_right_after_alt_letter_go_where_the_button_put_the_cursor(
    qtbot, ctx: GuiContext
) -> None:  # type: ignore[no-untyped-def]
    _window, page = _operators_page(qtbot, ctx)
    press(Qt.Key.Key_A, ALT)  # 新增帳號(&A): the cursor to 帳號
    type_text("clerk05")  # at once, as a fast typist or xdotool does
    QTest.qWait(300)  # past Qt's animated click
    assert page.account.text() == "clerk05"


def test_a_button_disabled_just_after_its_alt_letter_never_clicks_disabled(
    qtbot, ctx: GuiContext
) -> None:  # type: ignore[no-untyped-def]
    """A refusal or a reload that disables the button right after the key: Qt's delayed click
    still came, on a button no longer offered."""
    _window, page = _operators_page(qtbot, ctx)
    clicks: list[bool] = []
    page.new_button.clicked.connect(lambda: clicks.append(page.new_button.isEnabled()))
    press(Qt.Key.Key_A, ALT)
    page.new_button.setEnabled(False)  # within the 100 ms
    QTest.qWait(300)
    assert clicks == [True]  # the click came with the key, while it was offered
