"""The queue's count line is said to the screen reader once it stands: a search typed (or a
list asked for) answered 顯示 1 筆／共 1 件, or nothing found, on screen only, and a list that
could not be read was painted under the table and said nowhere (``accessible.SettledLabel``).
Each key typed changes the line: it is said once, when the typing and the counting are over."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import QUEUE_PAGE
from eservice_desktop.gui.queue_page import QueuePage
from eservice_desktop.services import queue_rows

Said = list[tuple[str, bool]]


def _queue(qtbot: QtBot, ctx: GuiContext) -> QueuePage:
    window = open_window(qtbot, ctx)
    page = window.pages[QUEUE_PAGE]
    assert isinstance(page, QueuePage)
    qtbot.waitUntil(lambda: page.total() is not None, timeout=3000)
    return page


def test_a_search_s_count_is_said_once_it_stands(qtbot: QtBot, ctx: GuiContext, said: Said) -> None:
    new_case(ctx.app, name="王小明")
    page = _queue(qtbot, ctx)
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    said.clear()
    type_text("王小")
    qtbot.waitUntil(lambda: page.result_label.text() == "顯示 1 筆／共 1 件", timeout=3000)
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    assert said == [("顯示 1 筆／共 1 件", False)]  # once, not at each key nor while counting
    said.clear()
    type_text("x")
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    assert said == [("顯示 0 筆／共 0 件", False)]


def test_a_list_that_cannot_be_read_is_said_at_once(
    qtbot: QtBot, ctx: GuiContext, said: Said, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    page = _queue(qtbot, ctx)
    busy = DomainError("db.busy", "資料庫忙碌，請稍後再試", "The database is busy")

    def refuse(*_args: object, **_kw: object) -> None:  # the database another program holds
        raise busy

    monkeypatch.setattr(queue_rows, "search_chunk", refuse)
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    said.clear()
    type_text("王")
    qtbot.waitUntil(lambda: page.result_label.text() == "資料庫忙碌，請稍後再試", timeout=3000)
    assert ("資料庫忙碌，請稍後再試", True) in said
