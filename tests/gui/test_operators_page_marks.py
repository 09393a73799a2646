"""The operators page (F11) says which accounts still have the one-time password an office
admin set (migration 0025): it said 啟用 of them, and the admin could not see who had not yet
signed in to choose their own. Driven from the keyboard, offscreen."""

from __future__ import annotations

from typing import Any

import pytest
from gui_keys import open_window, press
from operator_support import chose_own
from PySide6.QtCore import Qt

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import operators

OPERATORS_PAGE = "eservice_desktop.gui.operators_page"
MARK = "待本人變更密碼"


def _state(page: Any, account: str) -> str:
    table = page.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == account)
    return str(table.item(row, 4).text())


@pytest.mark.usefixtures("qapp")
def test_the_page_marks_the_accounts_whose_owner_has_not_chosen_a_password(
    qtbot: Any, ctx: GuiContext
) -> None:
    app = ctx.app
    admin = app.operator
    operators.create_operator(app, "clerk07", "王承辦", ["clerk"], "given by admin 1")
    operators.create_operator(app, "clerk08", "李承辦", ["clerk"], "given by admin 2")
    chose_own(app, "clerk08")
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded and page.table.rowCount() >= 2, timeout=20000)
    assert _state(page, "clerk07") == "啟用；待本人變更密碼"
    assert _state(page, "clerk08") == "啟用"
    # the owner's own password clears it; the next look at the page says so
    app.operator = operators.login(app, "clerk07", "given by admin 1")
    operators.set_password(app, "clerk07", "my very own 3", old_password="given by admin 1")
    app.operator = admin
    page.reload()
    qtbot.waitUntil(lambda: MARK not in _state(page, "clerk07"), timeout=20000)
    assert _state(page, "clerk07") == "啟用"


def test_the_mark_reads_in_english_and_beside_a_lock(
    qtbot: Any, ctx: GuiContext, english: None
) -> None:
    from eservice_desktop.gui.operators_cells import state_text

    view = operators.AccountView(
        "clerk07", "王承辦", ("clerk",), (), True, True, "local", None, must_change_password=True
    )
    assert state_text(view) == "Locked for a while (wrong passwords); must change password"


def _cell(page: Any, account: str, col: int) -> str:
    table = page.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == account)
    return str(table.item(row, col).text())


@pytest.mark.usefixtures("qapp")
def test_the_page_says_when_and_where_each_account_last_signed_in(
    qtbot: Any, ctx: GuiContext
) -> None:
    """The access log records whether a sign-in was typed at the window or on the command
    line; the page showed no sign-in at all."""
    from eservice_desktop.gui.auth import authenticate
    from eservice_desktop.services.operators_audit import COMMAND_LINE

    app = ctx.app
    admin = app.operator
    for account in ("clerk07", "clerk08", "clerk09"):
        operators.create_operator(app, account, "王承辦", ["clerk"], f"{account} password 1")
        chose_own(app, account)
    authenticate(app, "clerk07", "clerk07 password 1", None)  # the login screen's worker
    operators.login(app, "clerk08", "clerk08 password 1", via=COMMAND_LINE)
    app.operator = admin
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded and page.table.rowCount() >= 3, timeout=20000)
    assert page.table.horizontalHeaderItem(5).text() == "上次登入"
    assert _cell(page, "clerk07", 5).endswith(" 櫃檯視窗")
    assert _cell(page, "clerk07", 5).startswith("11")  # an ROC year, Taipei time
    assert _cell(page, "clerk08", 5).endswith(" 命令列")
    assert _cell(page, "clerk09", 5) == "未曾登入"


def test_the_state_and_the_last_sign_in_read_whole_in_english(
    qtbot: Any, ctx: GuiContext, english: None
) -> None:
    """Six columns of one width cut them at 1,366 px: "Active; must change …", "115/12/06
    03:19 comma…"."""
    from eservice_desktop.gui.operators_page import OperatorsPage
    from eservice_desktop.services.operators_audit import COMMAND_LINE

    app = ctx.app
    admin = app.operator
    operators.create_operator(app, "clerk07", "王承辦", ["clerk", "cashier"], "given by admin 1")
    operators.create_operator(app, "sup05", "張主管", ["supervisor"], "sup05 password 1")
    chose_own(app, "sup05")
    operators.login(app, "sup05", "sup05 password 1", via=COMMAND_LINE)
    app.operator = admin
    page = OperatorsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1030, 600)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.loaded and page.table.rowCount() >= 2, timeout=20000)
    metrics = page.table.fontMetrics()
    for account, col in (("clerk07", 4), ("sup05", 5)):
        text = _cell(page, account, col)
        assert text.endswith(("must change password", "command line")), text
        assert metrics.horizontalAdvance(text) < page.table.columnWidth(col), text
