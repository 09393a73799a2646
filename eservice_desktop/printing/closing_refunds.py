"""The refunds on the daily closing (section 退費): what went back out of this drawer that day on
a receipt that stays valid, from which counter, and the supervisor who allowed it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eservice_desktop.printing.tables import Column, Section

METHOD_ZH = {"cash": "現金", "card": "刷卡", "online": "線上"}


@dataclass(frozen=True)
class ClosingRefund:
    receipt_number: str
    time: str
    case_number: str
    method: str
    amount: int
    reason: str
    clerk: str
    device: str = ""  # the counter that handed the money back (the refund event's device)
    issued_by: str = ""  # the counter that issued the receipt
    approved_by: str = ""  # the supervisor who approved it: ``account name``


def refunds_section(refunds: Sequence[ClosingRefund]) -> Section:
    return Section(
        "退費",
        [
            Column("收據號碼", 42),
            Column("開立櫃檯", 16),
            Column("退費櫃檯", 16),
            Column("時間", 14),
            Column("方式", 12),
            Column("金額", 20, "right"),
            Column("核准主管", 28),
            Column("退費原因", 34),
        ],
        [
            [
                x.receipt_number,
                x.issued_by,
                x.device,
                x.time,
                METHOD_ZH.get(x.method, x.method),
                f"{x.amount:,}",
                x.approved_by,
                x.reason,
            ]
            for x in refunds
        ],
    )
