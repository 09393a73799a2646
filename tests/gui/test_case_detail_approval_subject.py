"""The supervisor approving at the counter sees which case they approve: closing with fees due
asked the supervisor's password under 「尚有規費 30 元未繳，不能結案」 naming no case, where a void
or a refund names its receipt and amount."""

from __future__ import annotations

from approvals_support import add_accounts
from factories import request
from gui_keys import open_window, type_text

from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import intake


def test_closing_with_fees_due_names_the_case_to_the_supervisor(qtbot, ctx: GuiContext) -> None:
    add_accounts(ctx.app)
    number = intake.intake(ctx.app, request(copies=2)).case_number  # fees due, nothing paid
    window = open_window(qtbot, ctx)
    window.open_case(number)
    detail = window.case_detail
    qtbot.waitUntil(lambda: detail.shown_number() == number, timeout=20000)
    detail.reason_edit.setFocus()
    type_text("民眾不領")
    detail.close_case()
    qtbot.waitUntil(lambda: detail.findChild(ApprovalDialog) is not None, timeout=20000)
    text = detail.findChild(ApprovalDialog).what.text()
    assert "未繳" in text
    assert f"案件 {number}（王○明）" in text


def test_in_english_too(qtbot, ctx: GuiContext, english: None) -> None:
    add_accounts(ctx.app)
    number = intake.intake(ctx.app, request(copies=2)).case_number
    window = open_window(qtbot, ctx)
    window.open_case(number)
    detail = window.case_detail
    qtbot.waitUntil(lambda: detail.shown_number() == number, timeout=20000)
    detail.reason_edit.setFocus()
    type_text("no show")
    detail.close_case()
    qtbot.waitUntil(lambda: detail.findChild(ApprovalDialog) is not None, timeout=20000)
    assert f"Case {number} (王○明)" in detail.findChild(ApprovalDialog).what.text()
