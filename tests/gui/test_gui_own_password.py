"""檔案 ▸ 變更密碼: a clerk changes their own password in the counter window, from the keyboard,
with the command line's rules and records (``operator passwd --own``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gui_keys import closed, press, type_text
from operator_support import chose_own
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from test_gui_auth import open_at_login, sign_in, wait_idle

from eservice_desktop.domain.errors import AuthError
from eservice_desktop.gui import shift_start
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.own_password import OwnPasswordDialog
from eservice_desktop.services import operators
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_audit import AccessLogRow

OLD = "counter-pass-1"
NEW = "a new counter pass 2"


@pytest.fixture
def clerk(ctx: GuiContext) -> Iterator[GuiContext]:
    before = ctx.app.operator
    operators.create_operator(ctx.app, "clerk01", "王承辦", ["clerk"], OLD)
    chose_own(ctx.app, "clerk01")
    ctx.app.operator = before
    operators.logout(ctx.app)
    shift_start._mark_checked(ctx.app)
    yield ctx


def _records(app: App) -> list[tuple[str, str, str]]:
    with app.reading() as s:
        rows = s.scalars(select(AccessLogRow).order_by(AccessLogRow.seq))
        return [(r.action, r.operator, r.detail) for r in rows]


def _open_from_the_file_menu(qtbot, window) -> OwnPasswordDialog:
    """Alt+F opens 檔案, W its 變更密碼."""
    press(Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    press(Qt.Key.Key_W)
    qtbot.waitUntil(lambda: window.findChild(OwnPasswordDialog) is not None)
    dialog = window.findChild(OwnPasswordDialog)
    assert isinstance(dialog, OwnPasswordDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.old)
    return dialog


def _type_all(qtbot, dialog: OwnPasswordDialog, old: str, new: str, again: str) -> None:
    """From a blank dialog: each field typed and Enter, as the clerk does."""
    for field in (dialog.old, dialog.new, dialog.again):
        field.clear()
    dialog.old.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.old)
    for text in (old, new, again):
        type_text(text)
        press(Qt.Key.Key_Return)


def test_a_clerk_changes_their_own_password_in_the_window(qtbot, clerk):
    app = clerk.app
    window = open_at_login(qtbot, clerk)
    sign_in(qtbot, window, "clerk01", OLD)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, clerk)
    assert window.password_action.text() == "變更密碼(&W)…"
    dialog = _open_from_the_file_menu(qtbot, window)

    _type_all(
        qtbot, dialog, OLD, NEW, "not the same 3"
    )  # the two new ones differ: nothing is asked
    assert dialog.message.text() == "兩次輸入的新密碼不一致，請重新輸入。"
    assert QApplication.focusWidget() is dialog.new
    _type_all(qtbot, dialog, "wrong-password", NEW, NEW)  # counted as the command line counts it
    qtbot.waitUntil(lambda: dialog.message.text().startswith("舊密碼：密碼錯誤"), timeout=20000)
    assert QApplication.focusWidget() is dialog.old and not dialog.old.text()
    assert ("signin", "clerk01", "refused clerk01: wrong password; password check") in (
        _records(app)
    )
    _type_all(
        qtbot, dialog, OLD, "short", "short"
    )  # the command line's password rule, in its words
    qtbot.waitUntil(lambda: "密碼須為" in dialog.message.text(), timeout=20000)
    assert QApplication.focusWidget() is dialog.new

    _type_all(qtbot, dialog, OLD, NEW, NEW)
    qtbot.waitUntil(lambda: closed(dialog), timeout=20000)
    wait_idle(qtbot, clerk)
    assert ("account", "clerk01", "password clerk01: own") in _records(app)
    assert app.operator is not None and app.operator.account == "clerk01"  # still signed in
    assert window.screens.currentWidget() is window.stack
    with pytest.raises(AuthError):
        operators.verify_password(app, "clerk01", OLD)
    assert operators.verify_password(app, "clerk01", NEW).account == "clerk01"
