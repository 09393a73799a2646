"""A case another counter cancelled while this one, offline, took its fee: the county takes the
payment and the case holds it to refund. The fees page said 已繳 300　餘額 0 (已核定), as if the
fee were settled; it says the money was taken after the case was cancelled and how to give it
back (a refund on its receipt), in English too."""

from __future__ import annotations

import uuid
from datetime import timedelta

import factories
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import cases, ingest, payment_screen
from eservice_desktop.services.core import App


def _paid_after_cancel(app: App) -> str:
    """A case cancelled here, then NT$300 taken for it by counter 02 offline five minutes
    later, as the county sends it (tests/integration/sync/test_offline_double_acts.py runs the
    two counters for real)."""
    number = factories.new_case(app, copies=20)
    cases.cancel_case(app, number, "民眾撤回申請")
    case_id = cases.load_case(app, number).case_id
    paid = Actor("H01", "02", "clerk02").event(
        case_id,
        ev.PAYMENT_RECORDED,
        app.now() + timedelta(minutes=5),
        {
            "payment_id": str(uuid.uuid4()),
            "method": "cash",
            "amount": 300,
            "receipt_number": "H01-02-115-R000001",
            "verification": "ABCDEFGHIJ",
            "key_id": "k",
        },
    )
    with app.transaction() as s:
        assert ingest.ingest_many(app, s, [paid], origin="county").refused == []
    return number


def _english_totals(sync_ctx: GuiContext, qtbot: QtBot, qapp: QApplication, number: str) -> str:
    """The fees page's totals line of case ``number`` in the English window."""
    translators = install_translators(qapp, "en")
    try:
        sync_ctx.lang = "en"
        english = PaymentPage(sync_ctx)
        qtbot.addWidget(english)
        english.load(number)
        return english.totals.text()
    finally:
        sync_ctx.lang = "zh_TW"
        remove_translators(qapp, translators)


def test_money_taken_after_the_case_was_cancelled_is_shown_to_refund(
    sync_ctx: GuiContext, qtbot: QtBot, qapp: QApplication
) -> None:
    number = _paid_after_cancel(sync_ctx.app)
    screen = payment_screen.load(sync_ctx.app, number)
    assert (screen.balance, screen.overpaid, screen.paid_after_end) == (0, 0, 300)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.load(number)
    text = page.totals.text()
    assert "撤件後收費 300 元（請選收據退費）" in text and "已繳 300" in text
    assert "餘額" not in text
    assert page.refund_btn.isEnabled() and page.receipts_table.rowCount() == 1
    assert "NT$300 taken after the case was cancelled" in _english_totals(
        sync_ctx, qtbot, qapp, number
    )


def test_a_cancelled_case_takes_no_more_money(
    sync_ctx: GuiContext, qtbot: QtBot, qapp: QApplication
) -> None:
    """A cancelled case with its fee unpaid showed 餘額 300 and an enabled 收費並列印收據 (F9)
    and 核定規費 that the case rule then refused (本案已撤件，不能收費); it says nothing more is
    taken, and offers neither."""
    number = factories.new_case(sync_ctx.app, copies=20)
    cases.cancel_case(sync_ctx.app, number, "民眾撤回申請")
    screen = payment_screen.load(sync_ctx.app, number)
    assert (screen.ended, screen.balance, screen.view.balance) == (True, 0, 300)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.load(number)
    text = page.totals.text()
    assert "已撤件，不再收費" in text and "餘額" not in text
    assert not page.pay_btn.isEnabled() and page.amount_spin.value() == 0
    # nor a (re-)assessment, which the case rule refused after the click (無法再核計規費)
    assert not any(
        w.isEnabled()
        for w in (page.assess_btn, page.copies_spin, page.reduction_spin, page.amount_spin)
    )
    assert page.print_btn.isEnabled()  # its receipts' actions stay
    assert "cancelled: nothing more is taken" in _english_totals(sync_ctx, qtbot, qapp, number)
