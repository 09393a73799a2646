"""A display name is shown as the office typed it, markup and all: Qt took "<h1>大</h1>主管"
for rich text in the status bar and on the lock screen."""

from __future__ import annotations

from dataclasses import replace

from gui_keys import open_window
from PySide6.QtCore import Qt

from eservice_desktop.domain.operators import Operator, Role
from eservice_desktop.gui.auth import LoginScreen
from eservice_desktop.gui.context import GuiContext

NAME = "<h1>大</h1>主管"


def test_the_status_bar_shows_a_name_with_markup_as_typed(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    assert ctx.app.operator is not None
    ctx.app.operator = replace(ctx.app.operator, name=NAME)
    window = open_window(qtbot, ctx)
    label = window.operator_label
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert NAME in label.text()


def test_the_lock_screen_shows_a_name_with_markup_as_typed(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    screen = LoginScreen(ctx)
    qtbot.addWidget(screen)
    screen.ask_unlock(Operator(account="sup01", name=NAME, roles=frozenset({Role.SUPERVISOR})))
    assert NAME in screen.hint.text()
    assert screen.hint.textFormat() == Qt.TextFormat.PlainText
    assert screen.message.textFormat() == Qt.TextFormat.PlainText
