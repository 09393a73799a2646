"""A void or a refund is asked for by the cashier who took the money and approved by a
supervisor on the same counter: with only supervisors allowed to ask, and never approving
their own, an office with one supervisor could void nothing (docs/operators.md)."""

from __future__ import annotations

import factories
import pytest
from approvals_support import add_accounts, supervisor_approval
from operator_support import chose_own

from eservice_desktop.domain.errors import AuthError
from eservice_desktop.domain.operators import Role
from eservice_desktop.services import operators, payments
from eservice_desktop.services.core import App

CASHIER_PASSWORD = "cashier-secret-3"


def test_a_cashier_asks_for_a_void_and_the_one_supervisor_approves_it(app: App) -> None:
    add_accounts(app)
    operators.create_operator(app, "cash01", "陳收費", [Role.CASHIER], CASHIER_PASSWORD)
    chose_own(app, "cash01")
    number = factories.new_case(app)
    app.operator = None
    operators.login(app, "cash01", CASHIER_PASSWORD)
    receipt = payments.record_payment(app, number, "cash", 15).receipt_number
    with pytest.raises(AuthError) as unapproved:
        payments.void_receipt(app, receipt, "金額誤收")
    assert unapproved.value.reason == "auth.approval_required"
    payments.void_receipt(app, receipt, "金額誤收", approval=supervisor_approval("金額誤收"))
    voided = payments.receipts_of_case(app, number)[0]
    assert voided.status == "void" and voided.receipt_number == receipt
    assert voided.balance == 15  # the fee is owed again
