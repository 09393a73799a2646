"""The access log of a locked counter window, as the window writes it: the lock (idle, by hand),
the unlock by the same clerk, another clerk's try. The lock wrote nothing and the unlock read
as a second sign-in; another clerk's right password over the lock left no trace.

Offscreen Qt, real SQLite, real argon2id hashes."""

from __future__ import annotations

import pytest
from gui_keys import press
from PySide6.QtCore import Qt
from sqlalchemy import select
from test_gui_auth import add_operator, open_at_login, sign_in, wait_idle

from eservice_desktop.gui import shift_start
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import operators
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_audit import AccessLogRow


@pytest.fixture
def staff(ctx: GuiContext) -> GuiContext:
    """Two clerks; nobody signed in: the window starts at the login screen."""
    add_operator(ctx.app, "clerk01", "王承辦", ["clerk"])
    add_operator(ctx.app, "clerk02", "李承辦", ["clerk"])
    operators.logout(ctx.app)
    shift_start._mark_checked(ctx.app)  # today's shift-start check is done
    return ctx


def _signin_records(app: App) -> list[str]:
    with app.reading() as s:
        query = select(AccessLogRow.detail).where(AccessLogRow.action == "signin")
        return list(s.scalars(query.order_by(AccessLogRow.seq)).all())


def test_the_lock_its_unlock_and_another_clerks_try_are_on_record(qtbot, staff):
    app = staff.app
    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    window.lock("idle")
    assert window.locked
    screen = window.login_screen
    screen.account.setFocus()
    sign_in(qtbot, window, "clerk02")  # their own right password, over clerk01's lock
    qtbot.waitUntil(lambda: "不能解鎖" in screen.message.text(), timeout=20000)
    screen.account.setFocus()
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    wait_idle(qtbot, staff)
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.locked
    wait_idle(qtbot, staff)
    assert _signin_records(app)[-5:] == [
        "signed-in clerk01: window",
        "screen-locked clerk01: idle; window",
        "refused clerk02: unlock of clerk01's window; window",
        "signed-in clerk01: unlocked; window",
        "screen-locked clerk01: by hand; window",
    ]
