"""A barcode scanned while the sign-in or lock screen is shown (a citizen's pickup code at the
pickup desk, a receipt): the keyboard-wedge burst went into 密碼 and its Enter signed in with
it, a refused sign-in counted towards the account's lockout. The screen now drops the burst,
says so on its message line, and keeps what the clerk had typed."""

from __future__ import annotations

import pytest
from gui_keys import press, type_text
from keystrokes import burst
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_gui_auth import PASSWORD, add_operator, open_at_login

from eservice_desktop.gui import shift_start
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import operators
from eservice_desktop.storage.models_operators import OperatorRow

#: The shape of a pickup code as a scanner types it (base32, 168 characters).
CODE = ("AEAQCAIBAEAQCAIB" * 11)[:168]


@pytest.fixture
def staff(ctx: GuiContext) -> GuiContext:
    """A clerk's account; nobody signed in: the window starts at the login screen."""
    add_operator(ctx.app, "clerk01", "王承辦", ["clerk"])
    operators.logout(ctx.app)
    shift_start._mark_checked(ctx.app)
    return ctx


def _failed_attempts(ctx: GuiContext, account: str) -> int:
    with ctx.app.reading() as s:
        row = s.get(OperatorRow, account)
        assert row is not None
        return row.failed_attempts


def test_a_code_scanned_into_the_password_is_no_sign_in_attempt(qtbot, staff: GuiContext):  # type: ignore[no-untyped-def]
    window = open_at_login(qtbot, staff)
    screen = window.login_screen
    type_text("clerk01")
    press(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.password
    type_text(PASSWORD[:4])  # the clerk had begun the password
    burst(screen.password, CODE)
    QApplication.processEvents()
    assert not screen._busy and staff.app.operator is None
    assert screen.message.text() == "已略過掃描到的條碼：登入畫面不接受條碼，請以鍵盤輸入密碼。"
    assert screen.password.text() == PASSWORD[:4]  # nothing typed lost, nothing scanned kept
    assert _failed_attempts(staff, "clerk01") == 0
    type_text(PASSWORD[4:])
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    assert staff.app.operator is not None and staff.app.operator.account == "clerk01"


def test_a_code_scanned_at_the_lock_leaves_the_lock_as_it_was(qtbot, staff: GuiContext):  # type: ignore[no-untyped-def]
    window = open_at_login(qtbot, staff)
    screen = window.login_screen
    type_text("clerk01")
    press(Qt.Key.Key_Return)
    type_text(PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    qtbot.waitUntil(lambda: not staff.tasks.pending, timeout=15000)
    window.lock("manual")
    assert window.locked and QApplication.focusWidget() is screen.password
    burst(screen.password, CODE)
    QApplication.processEvents()
    assert window.locked and not screen._busy and screen.password.text() == ""
    assert "已略過掃描到的條碼" in screen.message.text()
    assert _failed_attempts(staff, "clerk01") == 0
    type_text("x")  # a clerk's typing still reaches the field
    assert screen.password.text() == "x"


@pytest.mark.parametrize("then", ["enter", "typed on", "account, Tab, password"])
def test_a_password_typed_by_a_password_manager_arrives_whole(  # type: ignore[no-untyped-def]
    qtbot, staff: GuiContext, then: str
):
    """A password manager types the password, and often its Enter, faster than any person: the
    catcher held the keys as a possible scan, dropped them with 已略過掃描到的條碼 when the
    Enter ended the burst, and signed in with what was left when a shortcut took the Enter
    first. A password field is never a scan target: every key reaches it as typed."""
    from PySide6.QtTest import QTest

    window = open_at_login(qtbot, staff)
    screen = window.login_screen
    if then == "account, Tab, password":  # a password manager's usual sequence, Enter last
        QTest.keyClicks(screen.account, "clerk01\t")
    else:
        type_text("clerk01")
        press(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.password
    if then == "typed on":  # the clerk began it; the manager fills the rest at once
        type_text(PASSWORD[:3])
        QTest.keyClicks(screen.password, PASSWORD[3:])
    else:
        QTest.keyClicks(screen.password, PASSWORD)
    assert screen.password.text() == PASSWORD  # nothing held back for a scan
    QTest.keyClick(screen.password, Qt.Key.Key_Return)  # within the burst's 30 ms
    assert "條碼" not in screen.message.text()
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    assert staff.app.operator is not None and staff.app.operator.account == "clerk01"
    assert _failed_attempts(staff, "clerk01") == 0
