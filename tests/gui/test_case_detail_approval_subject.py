"""The supervisor approving at the counter sees which case they approve: closing with fees due
asked the supervisor's password under 「尚有規費 30 元未繳，不能結案」 naming no case, where a void
or a refund names its receipt and amount."""

from __future__ import annotations

from gui_keys import ask_to_close_owing

from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext


def _asked(detail: object) -> str:
    dialog = detail.findChild(ApprovalDialog)  # type: ignore[attr-defined]
    assert isinstance(dialog, ApprovalDialog)
    return dialog.what.text()


def test_closing_with_fees_due_names_the_case_to_the_supervisor(qtbot, ctx: GuiContext) -> None:
    number, detail = ask_to_close_owing(qtbot, ctx, "民眾不領")  # fees due, nothing paid
    text = _asked(detail)
    assert "未繳" in text
    assert f"案件 {number}（王○明）" in text


def test_in_english_too(qtbot, ctx: GuiContext, english: None) -> None:
    number, detail = ask_to_close_owing(qtbot, ctx, "no show")
    assert f"Case {number} (王○明)" in _asked(detail)
