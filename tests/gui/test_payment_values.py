"""The fees page sends only what the chosen way of paying has: a card reference typed before the
clerk switched to cash stays in its field (for a switch back to card) but is no part of the cash
payment; an exemption ticked with a reduction typed too is refused beside the reduction, as
``payment assess`` refuses it, and nothing is recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from approvals_support import add_accounts
from factories import new_case
from PySide6.QtCore import Qt

from eservice_desktop.domain import events as ev
from eservice_desktop.gui import qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import cases, payments
from eservice_desktop.storage import repo


def printing_page(ctx: GuiContext, qtbot, out: Path) -> PaymentPage:  # type: ignore[no-untyped-def]
    """The fees page, its receipts printed to ``out`` (a PDF printer, no print dialog)."""
    page = PaymentPage(ctx)
    qtbot.addWidget(page)
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=out)
    return page


def payments_recorded(ctx: GuiContext, number: str) -> list[dict[str, Any]]:
    """The payloads of the case's payment events, as the event store holds them."""
    with ctx.app.reading() as s:
        evs = repo.events_for(s, cases.resolve_case_id(s, number))
    return [dict(e.payload) for e in evs if e.type == ev.PAYMENT_RECORDED]


def test_a_reference_typed_before_switching_to_cash_is_kept_but_not_paid_with(
    sync_ctx: GuiContext, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = printing_page(sync_ctx, qtbot, tmp_path / "cash.pdf")
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    page.load(number)
    page.card_radio.setChecked(True)
    qtbot.keyClicks(page.reference_edit, "T-123")
    page.cash_radio.setChecked(True)  # the citizen pays cash after all
    assert not page.reference_edit.isEnabled() and page.reference_edit.text() == "T-123"
    page.card_radio.setChecked(True)  # and back: what was typed is still there
    assert page.reference_edit.isEnabled() and page.reference_edit.text() == "T-123"
    page.cash_radio.setChecked(True)
    page.amount_spin.setValue(10)  # part in cash ...
    page.tendered_spin.setValue(50)
    with qtbot.waitSignal(sync_ctx.case_changed, timeout=10000):
        qtbot.mouseClick(page.pay_btn, Qt.MouseButton.LeftButton)
    assert page.last_error == ""
    [cash] = payments_recorded(sync_ctx, number)
    assert cash["method"] == "cash" and cash["tendered"] == 50 and cash["change"] == 40
    assert cash["reference"] is None
    [receipt] = payments.receipts_of_case(sync_ctx.app, number)
    assert not receipt.reference
    page.card_radio.setChecked(True)  # ... the rest by card, with its own reference
    qtbot.keyClicks(page.reference_edit, "T-9")
    with qtbot.waitSignal(sync_ctx.case_changed, timeout=10000):
        qtbot.mouseClick(page.pay_btn, Qt.MouseButton.LeftButton)
    card = payments_recorded(sync_ctx, number)[1]
    assert card["method"] == "card" and card["amount"] == 20 and card["reference"] == "T-9"
    assert "tendered" not in card


def test_an_exemption_with_a_reduction_is_refused_beside_the_reduction(
    sync_ctx: GuiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    add_accounts(sync_ctx.app)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    page.load(number)
    before = len(cases.show_case(sync_ctx.app, number).events)
    page.exempt_box.setChecked(True)
    page.reduction_spin.setValue(10)
    page.reason_combo.setEditText("低收入戶")
    page.assess()  # refused before a supervisor is asked
    assert page.field_errors["reduction"].text() == (
        "免徵與減免金額只能擇一：免徵即免收全部規費，減免則填寫減免金額"
    )
    assert len(cases.show_case(sync_ctx.app, number).events) == before
    assert cases.load_case(sync_ctx.app, number).fees_due == 30


def test_the_change_of_a_card_payment_is_not_painted_as_short(
    sync_ctx: GuiContext, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Cash short of the amount paints the change red (-20); the citizen then pays by card and
    the change reads "—", still red, as if the card were short too."""
    page = printing_page(sync_ctx, qtbot, tmp_path / "r.pdf")
    page.load(new_case(sync_ctx.app, name="陳堃", copies=2))
    page.tendered_spin.setValue(10)
    assert page.change_label.text() == "-20" and "#b00020" in page.change_label.styleSheet()
    page.card_radio.setChecked(True)
    assert page.change_label.text() == "—"
    assert "#b00020" not in page.change_label.styleSheet()


def test_copies_past_the_most_are_refused_in_words_not_cut(
    sync_ctx: GuiContext, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """份數 100 typed on the fees page: the box's top (99) dropped the last key and the case
    was assessed for 10 copies, nothing said. The count is typed whole and refused beside it."""
    from keystrokes import HUMAN_MS, keys

    page = printing_page(sync_ctx, qtbot, tmp_path / "r.pdf")
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    page.load(number)
    page.copies_spin.setFocus()
    page.copies_spin.selectAll()
    keys(page.copies_spin, "100", HUMAN_MS, enter=False)
    assert page.copies_spin.value() == 100
    page.assess()
    qtbot.waitUntil(lambda: page.field_errors["copies"].text() != "", timeout=5000)
    assert page.field_errors["copies"].text() == "份數須介於 1 到 99"
    assert cases.load_case(sync_ctx.app, number).copies == 2  # nothing assessed
