"""A receipt of a case whose documents were handed over is not voided: the documents left
against that payment. The void was taken (with a supervisor's approval) and left the case
handed over with its fee owing, the cash out of the day's closing; a refund stays possible."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases, payments, pickup, pickup_keys
from eservice_desktop.services.approvals import Approval
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case


def test_a_receipt_of_documents_handed_over_is_refunded_not_voided(app: App, sup: Approval) -> None:
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    number, token = ready_case(app, county)
    (receipt,) = payments.receipts_of_case(app, number)
    assert payments.voidable(app, receipt.receipt_number)  # ready, not handed over yet
    assert pickup.handover(app, token).ok
    for ask in (
        lambda: payments.voidable(app, receipt.receipt_number),  # the fees page asks first
        lambda: payments.void_receipt(app, receipt.receipt_number, "錯收", approval=sup),
    ):
        with pytest.raises(DomainError) as refused:
            ask()
        assert refused.value.code == "receipt.handed_over"
        assert refused.value.message_zh == (
            f"收據 {receipt.receipt_number} 的案件 {number} 已於 115/03/10 10:00 交付文件，"
            "不能作廢；須退還規費請以退費辦理"
        )
        assert "refund it instead" in refused.value.message_en
    shown = cases.show_case(app, number)
    assert (shown.status, shown.balance) == ("picked_up", 0)
    refunded = payments.refund(app, receipt.receipt_number, 5, "多收一份", approval=sup)
    assert refunded.refunded == 5 and refunded.status == "valid"
