"""The fees page's receipts table: each receipt number whole (the clerk reads it before
a void, a refund or a reprint; five stretched columns cut it to ``H01-01-115-···`` on a
1,024 px screen), and the receipt the clerk selected kept selected."""

from __future__ import annotations

from factories import new_case

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import payments


def test_the_receipt_number_is_whole_on_a_1024_screen(sync_ctx: GuiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    receipt = payments.record_payment(sync_ctx.app, number, "cash", 30, tendered=30)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.resize(680, 760)  # the page beside the identity panel in a 1,024 px window
    page.show()
    qtbot.waitExposed(page)
    page.load(number)
    table = page.receipts_table
    assert table.item(0, 0).text() == receipt.receipt_number
    qtbot.waitUntil(lambda: table.columnWidth(0) >= table.sizeHintForColumn(0))
    widths = sum(table.columnWidth(i) for i in range(table.columnCount()))
    assert widths <= table.viewport().width()  # and nothing pushed past the edge


def test_the_receipt_selected_stays_selected_when_its_case_is_shown_again(
    sync_ctx: GuiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """The case written elsewhere (a reprint marks the receipt, a MOICA check, a sync) shows
    again: the clerk's receipt stays the selected one, so Alt+D voids it and not the last."""
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    first = payments.record_payment(sync_ctx.app, number, "cash", 10, tendered=10)
    payments.record_payment(sync_ctx.app, number, "cash", 10, tendered=10)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.load(number)
    page.receipts_table.selectRow(0)
    sync_ctx.case_changed.emit(number)
    qtbot.waitUntil(lambda: page.current is not None and page.receipts_table.rowCount() == 2)
    shown = page.selected_receipt()
    assert shown is not None and shown.receipt_number == first.receipt_number
    payments.record_payment(sync_ctx.app, number, "cash", 5, tendered=5)
    sync_ctx.case_changed.emit(number)  # a new receipt: it is the one selected
    qtbot.waitUntil(lambda: page.current is not None and page.receipts_table.rowCount() == 3)
    assert page.receipts_table.currentRow() == 2


def test_a_void_left_unapproved_says_why_under_the_receipts_in_english(
    sync_ctx: GuiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """Esc on the supervisor's dialog: the refusal was in the status bar only, cut at 1,024 px
    ("… their account and password at this co"); it is whole under the receipts' buttons."""
    from PySide6.QtWidgets import QApplication

    from eservice_desktop.gui.approval import ApprovalDialog
    from eservice_desktop.gui.i18n import install_translators, remove_translators

    sync_ctx.lang = "en"
    translators = install_translators(QApplication.instance(), "en")
    try:
        number = new_case(sync_ctx.app, name="陳堃", copies=2)
        payments.record_payment(sync_ctx.app, number, "cash", 30, tendered=30)
        page = PaymentPage(sync_ctx)
        qtbot.addWidget(page)
        page.show()
        page.load(number)
        page.ask_text = lambda _title, _label: "wrong case"  # type: ignore[method-assign]
        page.void_selected()
        qtbot.waitUntil(lambda: bool(page.findChildren(ApprovalDialog)))
        page.findChildren(ApprovalDialog)[-1].reject()
        qtbot.waitUntil(lambda: bool(page.last_error))
        assert "supervisor" in page.last_error
        assert page.receipt_note.text() == page.last_error and page.receipt_note.isVisible()
    finally:
        remove_translators(QApplication.instance(), translators)


def test_the_closing_saved_says_its_figures_under_the_receipts(
    sync_ctx: GuiContext, qtbot, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The net and the cash expected were said in the status bar only, cut at 1,024 px."""
    from eservice_desktop.services import cases

    payments.record_payment(sync_ctx.app, new_case(sync_ctx.app, copies=2), "cash", 30)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.show()
    page.save_closing(cases.today(sync_ctx.app), tmp_path / "closing.csv", None)
    qtbot.waitUntil(lambda: "應有現金 30 元" in page.receipt_note.text())
    assert page.receipt_note.isVisible() and "#b00020" not in page.receipt_note.styleSheet()


def test_the_void_and_reprint_questions_name_the_receipt(sync_ctx: GuiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    """作廢原因 asked without saying which receipt: the clerk answered for the one selected, not
    always the one meant. The question names it (a reprint's too)."""
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    first = payments.record_payment(sync_ctx.app, number, "cash", 10, tendered=10)
    payments.confirm_printed(sync_ctx.app, first.receipt_number)
    payments.record_payment(sync_ctx.app, number, "cash", 20, tendered=20)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.load(number)
    page.receipts_table.selectRow(0)
    asked: list[str] = []
    page.ask_text = lambda _title, label: asked.append(label)  # type: ignore[method-assign]
    page.void_selected()
    page.print_selected()
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert all(first.receipt_number in label for label in asked), asked


def test_a_void_receipt_offers_neither_void_nor_refund(sync_ctx: GuiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    """作廢 and 退費 stayed enabled on a receipt already void (and 退費 on one refunded in full):
    Alt+D or Alt+U went to the service only to be refused. They follow the receipt selected;
    the refusal stays for a service asked anyway (test_payments_page)."""
    from approvals_support import add_accounts, supervisor_approval
    from PySide6.QtCore import Qt

    add_accounts(sync_ctx.app)
    app = sync_ctx.app
    number = new_case(app, name="陳堃", copies=2)
    void = payments.record_payment(app, number, "cash", 5).receipt_number
    payments.void_receipt(app, void, "收錯", approval=supervisor_approval())
    whole = payments.record_payment(app, number, "cash", 5).receipt_number
    payments.refund(app, whole, 5, "重複收費", approval=supervisor_approval())
    part = payments.record_payment(app, number, "cash", 10).receipt_number
    payments.refund(app, part, 4, "溢收", approval=supervisor_approval())
    valid = payments.record_payment(app, number, "cash", 20).receipt_number
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load(number)
    asked: list[str] = []
    page.ask_text = lambda title, _label: asked.append(title)  # type: ignore[method-assign]
    offered = {}
    for row in range(page.receipts_table.rowCount()):
        page.receipts_table.selectRow(row)
        offered[page.receipts_table.item(row, 0).text()] = (
            page.void_btn.isEnabled(),
            page.refund_btn.isEnabled(),
        )
    assert offered == {
        void: (False, False),
        whole: (False, False),  # refunded: no void (gui/void_offer.py says why beside it)
        part: (False, True),
        valid: (True, True),
    }
    page.receipts_table.selectRow(0)
    for key in (Qt.Key.Key_D, Qt.Key.Key_U):
        qtbot.keyClick(page, key, Qt.KeyboardModifier.AltModifier)
    assert asked == [] and page.last_error == ""
    page.case_edit.setText(number + "9")  # another number typed: nothing is offered
    assert not page.void_btn.isEnabled() and not page.refund_btn.isEnabled()
    page.case_edit.setText(number)  # typed back: the void receipt still offers nothing
    page.receipts_table.selectRow(3)
    page.receipts_table.selectRow(0)
    assert not page.void_btn.isEnabled() and not page.refund_btn.isEnabled()


def test_the_receipt_acted_on_is_the_one_highlighted_after_ctrl_keys(
    sync_ctx: GuiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Home (or Ctrl+↑) in the receipts moved the cursor to the first receipt, a void one,
    and left the newest highlighted: 列印／重印 printed the void receipt, with 作廢 and 退費
    greyed out for the receipt the clerk saw selected. The highlight and the receipt acted on
    move together."""
    from approvals_support import add_accounts
    from approvals_support import supervisor_approval as sup_approval
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    add_accounts(sync_ctx.app)
    number = new_case(sync_ctx.app, name="陳堃", copies=2)
    void = payments.record_payment(sync_ctx.app, number, "cash", 30, tendered=30)
    payments.void_receipt(sync_ctx.app, void.receipt_number, "收錯", approval=sup_approval())
    valid = payments.record_payment(sync_ctx.app, number, "card", 30, reference="881234")
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.load(number)
    table = page.receipts_table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    for key in (Qt.Key.Key_Home, Qt.Key.Key_Up, Qt.Key.Key_End, Qt.Key.Key_Down):
        QTest.keyClick(table, key, Qt.KeyboardModifier.ControlModifier)
        highlighted = [i.row() for i in table.selectionModel().selectedRows()]
        assert highlighted == [table.currentRow()], key
        shown = page.selected_receipt()
        assert shown is not None
        assert shown.receipt_number == table.item(highlighted[0], 0).text()
        assert page.void_btn.isEnabled() == (shown.receipt_number == valid.receipt_number)


def test_the_office_closing_saved_names_a_counter_not_synced_since(
    sync_ctx: GuiContext, qtbot, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """An office-wide closing taken while counter 02 had not synced since 09:00 listed less
    than the office took, and the page said nothing of it (services/closing_behind.py)."""
    from datetime import timedelta

    from eservice_desktop.county_link.protocol import OfficeDevice
    from eservice_desktop.services import cases
    from eservice_desktop.services.sync.office_devices import keep_office_devices

    app = sync_ctx.app
    now = app.now()
    gone = now - timedelta(hours=3)
    said = [OfficeDevice(device="01", synced_at=now), OfficeDevice(device="02", synced_at=gone)]
    with app.transaction() as s:  # what the last sync round's pull said of the counters
        keep_office_devices(s, said, now, now)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.show()
    page.save_closing(cases.today(app), tmp_path / "closing.csv", None)
    qtbot.waitUntil(lambda: "應有現金" in page.receipt_note.text())
    assert "櫃檯 02 最後同步於" in page.receipt_note.text()
    assert "其後收費可能未列入本表" in page.receipt_note.text()
