"""A refusal about no field is said under the pay button: at 1024 × 768 in English that is
below the fold of the fees page. F9 pressed in the amount fields (the pay button out of sight)
was refused there unseen, the status bar showing the start of the sentence cut off under the
operator's name; the page now scrolls the refusal into view, as the case detail and the
pickup desk do with theirs. So does a receipt's action refused under the receipts' buttons."""

from __future__ import annotations

import pytest
from factories import new_case
from gui_keys import open_window, press, type_text
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QScrollArea
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases

PAYMENT_PAGE = "eservice_desktop.gui.payment_page"


def _whole_in_view(widget: object) -> bool:
    """``widget`` lies whole inside the viewport of every scroll area holding it."""
    assert widget.isVisible()  # type: ignore[attr-defined]
    area = widget.parentWidget()  # type: ignore[attr-defined]
    seen = False
    while area is not None:
        if isinstance(area, QScrollArea) and area.widget().isAncestorOf(widget):
            view = area.viewport()
            top_left = widget.mapTo(view, QPoint(0, 0))  # type: ignore[attr-defined]
            box = QRect(top_left, widget.size())  # type: ignore[attr-defined]
            if not view.rect().contains(box):
                return False
            seen = True
        area = area.parentWidget()
    return seen


@pytest.mark.usefixtures("english")
def test_f9_refused_shows_its_reason_in_view_at_1024(ctx: GuiContext, qtbot: QtBot) -> None:
    number = new_case(ctx.app, name="陳堃", copies=2)
    window = open_window(qtbot, ctx)
    window.resize(1024, 768)
    press(Qt.Key.Key_F6)
    page = window.pages[PAYMENT_PAGE]
    type_text(number)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tendered_spin, timeout=5000)  # type: ignore[attr-defined]
    cases.cancel_case(ctx.app, number, "民眾撤件")  # at another counter, meanwhile
    type_text("100")
    press(Qt.Key.Key_F9)
    error = page.page_error  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: error.text() != "", timeout=5000)
    assert "cancelled" in error.text()
    qtbot.waitUntil(lambda: _whole_in_view(error), timeout=3000)


@pytest.mark.usefixtures("english")
def test_a_refused_void_shows_its_reason_in_view_at_1024(ctx: GuiContext, qtbot: QtBot) -> None:
    """Alt+D on the receipt of a fee paid online (never voided: reprinted, or refunded) was
    refused under the receipts' buttons, below the fold, the focus still in the case number:
    the status bar cut the sentence at "refund the"."""
    from test_payment_online_receipt import paid_on_the_web

    from eservice_desktop.services import online_receipt, payments

    number = new_case(ctx.app, name="陳堃")
    paid_on_the_web(ctx.app, number)
    issued = online_receipt.issue_online_receipt(ctx.app, number, "WEB-TXN-8")
    payments.confirm_printed(ctx.app, issued.receipt_number)
    window = open_window(qtbot, ctx)
    window.resize(1024, 768)
    press(Qt.Key.Key_F6)
    page = window.pages[PAYMENT_PAGE]
    type_text(number)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.receipts_table.rowCount() == 1)  # type: ignore[attr-defined]
    press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    note = page.receipt_note  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "cannot be voided" in note.text(), timeout=5000)
    qtbot.waitUntil(lambda: _whole_in_view(note), timeout=3000)
