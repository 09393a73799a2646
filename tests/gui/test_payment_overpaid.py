"""A case paid twice (two counters took the same fee offline, the county took both): the fees
page said 餘額 -300, a balance below nothing, where the clerk is to hand NT$300 back; it says
溢繳 300 元 and the way forward (a refund on a receipt), in English too."""

from __future__ import annotations

from overpaid_support import over_paid_case
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import payment_screen


def test_the_read_model_says_over_paid_not_a_negative_balance(sync_ctx: GuiContext) -> None:
    screen = payment_screen.load(sync_ctx.app, over_paid_case(sync_ctx.app))
    assert (screen.due, screen.balance, screen.overpaid) == (300, 0, 300)


def test_an_over_paid_case_shows_the_over_payment_to_refund(
    sync_ctx: GuiContext, qtbot: QtBot, qapp: QApplication
) -> None:
    number = over_paid_case(sync_ctx.app)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.load(number)
    text = page.totals.text()
    assert "溢繳 300 元" in text and "退費" in text and "已繳 600" in text
    assert "-300" not in text and "餘額" not in text
    assert not page.pay_btn.isEnabled() and page.amount_spin.value() == 0
    assert page.refund_btn.isEnabled() and page.receipts_table.rowCount() == 2
    translators = install_translators(qapp, "en")
    try:
        sync_ctx.lang = "en"
        english = PaymentPage(sync_ctx)
        qtbot.addWidget(english)
        english.load(number)
        text = english.totals.text()
        assert "over-paid NT$300" in text and "Refund" in text and "-300" not in text
    finally:
        sync_ctx.lang = "zh_TW"
        remove_translators(qapp, translators)
