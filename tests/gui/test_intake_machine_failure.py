"""An intake the machine cannot store (a full disk, a database another program holds) is said
on the form in the machine's own words, and the form says what was typed is still on it. It
read 收件失敗，請洽資訊人員；表單已保留為草稿 (the cause on the status bar only), and on a full
disk, where the draft cannot be written either, the clerk who closed the window on that word
lost the form.

The failure is a real one: another connection holds the database's write lock (as IT's
``db upgrade`` or a restore does) until the window's own wait for it (SQLite's busy timeout,
10 s) runs out."""

from __future__ import annotations

import pytest
from gui_keys import open_window, press
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_gui_intake import _fill

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.storage import db

INTAKE_PAGE = "eservice_desktop.gui.intake_form"


def _submit_while_held(ctx: GuiContext, qtbot: QtBot) -> str:
    """The form filled and sent with the database's write lock held elsewhere; the form's line."""
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.pages[INTAKE_PAGE]
    _fill(form)  # type: ignore[arg-type]
    holder = db.raw_connect(ctx.app.settings)
    try:
        holder.execute("BEGIN IMMEDIATE")
        form.applicant_name.setFocus()  # type: ignore[attr-defined]
        qtbot.waitUntil(form.applicant_name.hasFocus)  # type: ignore[attr-defined]
        press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        error = form.form_error  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: bool(error.text()), timeout=30000)
    finally:
        holder.rollback()
        holder.close()
    assert form.applicant_name.text() == "林美玲"  # type: ignore[attr-defined]
    return str(error.text())


def test_a_database_held_elsewhere_is_said_on_the_form(ctx: GuiContext, qtbot: QtBot) -> None:
    said = _submit_while_held(ctx, qtbot)
    assert said.startswith("資料庫正由其他程式使用中"), said
    assert "填寫的內容仍在表單上" in said
    assert "草稿" not in said and "請洽資訊人員" not in said


@pytest.mark.usefixtures("english")
def test_in_english_too(ctx: GuiContext, qtbot: QtBot) -> None:
    said = _submit_while_held(ctx, qtbot)
    assert said.startswith("The database is in use by another program"), said
    assert "what was typed is still on the form" in said and "draft" not in said
