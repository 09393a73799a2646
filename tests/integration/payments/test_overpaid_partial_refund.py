"""A partial refund of an over-payment (溢繳): the conflicts list names what is left."""

from __future__ import annotations

from approvals_support import add_accounts, supervisor_approval
from overpaid_support import over_paid_case

from eservice_desktop.services import payments
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.conflicts import open_conflicts


def test_the_over_payment_left_after_a_partial_refund_is_what_the_list_names(app: App) -> None:
    """Refunding NT$100 of NT$300 over-paid left the list asking for NT$300, which a refund
    then could not take back from the receipt; it names NT$200 and settles at the rest."""
    number = over_paid_case(app)
    add_accounts(app)
    receipt = payments.receipts_of_case(app, number)[0].receipt_number
    payments.refund(app, receipt, 100, "溢繳退還", approval=supervisor_approval())
    [conflict] = open_conflicts(app)
    assert conflict.reason.startswith("溢繳 200 元")
    assert open_conflicts(app, "en")[0].reason.startswith("Over-paid by NT$200")
    payments.refund(app, receipt, 200, "溢繳退還", approval=supervisor_approval())
    assert open_conflicts(app) == []
