"""The first sign-in with a password an office admin set (a new account, a reset): the login
screen goes straight to the own-password dialog, the old password already given, and nothing
of the window opens until the clerk's own is set; Esc signs them out, on record."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gui_keys import press, type_text
from operator_support import counter_operator
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select
from test_gui_auth import open_at_login, shot, sign_in, wait_idle

from eservice_desktop.gui import shift_start
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.own_password import OwnPasswordDialog
from eservice_desktop.services import operators
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_audit import AccessLogRow
from eservice_desktop.storage.models_operators import OperatorRow

FIRST = "set by the admin 1"
OWN = "the clerk's own pass 2"


@pytest.fixture
def new_clerk(ctx: GuiContext) -> Iterator[GuiContext]:
    """``clerk01`` just added by the office admin; nobody signed in."""
    before = ctx.app.operator
    operators.create_operator(ctx.app, "clerk01", "王承辦", ["clerk"], FIRST)
    ctx.app.operator = before
    operators.logout(ctx.app)
    shift_start._mark_checked(ctx.app)
    yield ctx


def _records(app: App) -> list[tuple[str, str, str]]:
    with app.reading() as s:
        rows = s.scalars(select(AccessLogRow).order_by(AccessLogRow.seq))
        return [(r.action, r.operator, r.detail) for r in rows]


def _marked(app: App) -> bool:
    with app.reading() as s:
        row = s.get(OperatorRow, "clerk01")
        assert row is not None
        return row.password_must_change


def _first_dialog(qtbot, window) -> OwnPasswordDialog:
    qtbot.waitUntil(
        lambda: window.login_screen.findChild(OwnPasswordDialog) is not None, timeout=20000
    )
    dialog = window.login_screen.findChild(OwnPasswordDialog)
    assert isinstance(dialog, OwnPasswordDialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.new)
    return dialog


def test_the_first_sign_in_asks_the_clerks_own_password_before_anything(qtbot, new_clerk):
    app = new_clerk.app
    window = open_at_login(qtbot, new_clerk)
    sign_in(qtbot, window, "clerk01", FIRST)
    dialog = _first_dialog(qtbot, window)
    shot(dialog, "first-password")
    assert not dialog.old.isVisible() and dialog.old.text() == FIRST  # not asked again
    hint = dialog.findChild(QLabel, "own_password_hint")
    assert hint is not None and "一次性密碼" in hint.text()
    assert window.screens.currentWidget() is window.login_screen  # nothing else is open
    assert window.pages == {} and not window.menuBar().isVisible()
    press(Qt.Key.Key_F3)  # no page key reaches anything
    assert window.pages == {}

    for text in (FIRST, FIRST):  # the admin's password again: the admin would know it
        type_text(text)
        press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "管理者設定的密碼" in dialog.message.text(), timeout=20000)
    assert QApplication.focusWidget() is dialog.new and _marked(app)
    for text in ("short", "short"):  # the same rules as ever, in their words
        type_text(text)
        press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "密碼須為" in dialog.message.text(), timeout=20000)
    assert QApplication.focusWidget() is dialog.new

    for text in (OWN, OWN):
        type_text(text)
        press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, new_clerk)
    assert app.operator is not None and app.operator.account == "clerk01"
    assert not app.operator.must_change_password and not _marked(app)
    assert window.operator_label.text() == "承辦人：王承辦（clerk01）"
    focus = QApplication.focusWidget  # the keyboard goes on in the window
    qtbot.waitUntil(lambda: focus() is not None and window.isAncestorOf(focus()))
    assert ("account", "clerk01", "password clerk01: own") in _records(app)
    assert operators.verify_password(app, "clerk01", OWN).account == "clerk01"


def test_esc_at_the_first_password_signs_out_on_record(qtbot, new_clerk):
    app = new_clerk.app
    window = open_at_login(qtbot, new_clerk)
    sign_in(qtbot, window, "clerk01", FIRST)
    dialog = _first_dialog(qtbot, window)
    type_text(OWN)  # begun, then given up
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.login_screen.findChild(OwnPasswordDialog) is None)
    wait_idle(qtbot, new_clerk)
    assert app.operator is None and _marked(app)
    assert window.login_screen.message.text() == "未設定自己的密碼，已登出。"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.login_screen.account)
    assert window.pages == {} and window.screens.currentWidget() is window.login_screen
    said = ("signin", "clerk01", "signed-out clerk01: password not changed; window")
    assert said in _records(app)
    assert dialog is not None


def test_a_supervisor_taking_over_a_locked_window_chooses_their_own_first(qtbot, new_clerk):
    """Over a covered window (its guard hides a dialog shown then, and swallows the window's
    keys): the first password's dialog shows, and answers the keyboard, all the same."""
    app = new_clerk.app
    app.operator = counter_operator()  # the fixture's admin adds a supervisor too
    operators.create_operator(app, "super01", "陳主管", ["supervisor"], FIRST)
    operators.logout(app)
    window = open_at_login(qtbot, new_clerk)
    sign_in(qtbot, window, "clerk01", FIRST)
    _first_dialog(qtbot, window)
    for text in (OWN, OWN):
        type_text(text)
        press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, new_clerk)
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.locked
    window.login_screen.account.setFocus()
    sign_in(qtbot, window, "super01", FIRST)
    dialog = _first_dialog(qtbot, window)
    assert dialog.isVisible() and window.locked  # still covered behind it
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.login_screen.findChild(OwnPasswordDialog) is None)
    wait_idle(qtbot, new_clerk)
    assert app.operator is None and not window.locked
    assert window.screens.currentWidget() is window.login_screen
    assert window.login_screen.message.text() == "未設定自己的密碼，已登出。"
    records = _records(app)
    assert ("signin", "clerk01", "signed-out clerk01: taken over by super01; window") in records
    assert ("signin", "super01", "signed-out super01: password not changed; window") in records

    sign_in(qtbot, window, "super01", FIRST)  # again, and this time chosen
    dialog = _first_dialog(qtbot, window)
    for text in (OWN, OWN):
        type_text(text)
        press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    assert app.operator is not None and app.operator.account == "super01"
    assert window.operator_label.text() == "承辦人：陳主管（super01）"
