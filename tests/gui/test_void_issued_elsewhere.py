"""The void question on the fees page says when another office or another counter issued the
receipt (services/receipt_issuer.py): the money goes back out of this drawer and onto this
closing. A clerk at the pickup office H02 voided the filing office H01's receipt, and the
question read as for a receipt of the desk."""

from __future__ import annotations

from typing import Any

from approvals_support import add_accounts
from factories import request
from pytestqt.qtbot import QtBot

from eservice_desktop.domain.events import Actor
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import cases, ingest, intake, payments
from eservice_desktop.services.core import App


def _paid_at(app: App, number: str, office: str, device: str, seq: int) -> str:
    """A cash payment of ``number`` taken at ``office``-``device``, as a pull brings it."""
    receipt = f"{office}-{device}-115-R{seq:06d}"
    paid = Actor(office, device, "clerk09").event(
        cases.load_case(app, number).case_id,
        "case.payment_recorded",
        app.now(),
        {
            "payment_id": f"pay-{office}-{device}-{seq}",
            "case_number": number,
            "method": "cash",
            "amount": 15,
            "receipt_number": receipt,
            "verification": "ABCDEFGHIJ",
            "key_id": "k",
        },
    )
    with app.transaction() as s:
        ingest.ingest_many(app, s, [paid], origin="county")
    return receipt


def _asked(qtbot: QtBot, page: PaymentPage, number: str, receipt: str) -> tuple[str, str]:
    """The void question's words for ``receipt`` and the approval's, the dialog cancelled."""
    page.load(number)
    qtbot.waitUntil(lambda: page.current is not None and page.void_btn.isEnabled(), timeout=20000)
    row = [r.receipt_number for r in page.current.receipts].index(receipt)  # type: ignore[union-attr]
    page.receipts_table.selectRow(row)
    asked: list[str] = []

    def ask(_title: str, label: str) -> str:
        asked.append(label)
        return "金額誤收"

    page.ask_text = ask  # type: ignore[method-assign]
    page.void_selected()
    qtbot.waitUntil(lambda: bool(page.findChildren(ApprovalDialog)), timeout=20000)
    dialog = page.findChildren(ApprovalDialog)[-1]
    words = dialog.what.text()
    dialog.reject()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not page.findChildren(ApprovalDialog), timeout=20000)
    return asked[0], words


def test_the_void_question_names_the_office_or_counter_that_issued_the_receipt(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    app: Any = ctx.app
    add_accounts(app)
    number = intake.intake(app, request(copies=3)).case_number
    other_office = _paid_at(app, number, "H02", "01", 7)
    other_counter = _paid_at(app, number, "H01", "02", 3)
    own = payments.record_payment(app, number, "cash", 15).receipt_number
    page = PaymentPage(ctx)
    qtbot.addWidget(page)
    label, words = _asked(qtbot, page, number, other_office)
    assert label.splitlines() == [
        "此收據由他所「桃園市中壢戶政事務所（H02）」開立。",
        "作廢後由本所退還款項，列入本所日結表「他所收據於本所作廢」並從應有現金扣除。",
        "開立機關的日結仍計收入。",
        f"作廢收據 {other_office} 的原因（號碼保留，列入日結）：",
    ]
    assert words.endswith("（他所 桃園市中壢戶政事務所（H02） 開立）")
    label, words = _asked(qtbot, page, number, other_counter)
    assert label.splitlines()[:2] == [
        "此收據由本所櫃檯 02 開立。",
        "作廢後由本櫃退還款項，列入本櫃日結表「他櫃收據於本櫃作廢」並從應有現金扣除。",
    ]
    assert words.endswith("（櫃檯 02 開立）")
    label, words = _asked(qtbot, page, number, own)
    assert label == f"作廢收據 {own} 的原因（號碼保留，列入日結）："
    assert words.endswith(f"收據 {own} 作廢，金額 15 元")
    assert all(
        payments.get_receipt(app, r).status == "valid" for r in (other_office, other_counter, own)
    )
