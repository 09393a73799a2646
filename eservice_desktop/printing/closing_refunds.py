"""The refunds on the daily closing (section 退費): what went back out of this drawer that day on
a receipt that stays valid, from which counter, by whom (經辦, the refund event's clerk: the
table named the counter and the supervisor, not who handed the cash out), and the supervisor
who allowed it."""

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
            Column("收據號碼", 40),
            Column("開立櫃檯", 14),
            Column("退費櫃檯", 14),
            Column("經辦", 18),
            Column("時間", 12),
            Column("方式", 10),
            Column("金額", 18, "right"),
            Column("核准主管", 26),
            Column("退費原因", 30),
        ],
        [
            [
                x.receipt_number,
                x.issued_by,
                x.device,
                x.clerk,
                x.time,
                METHOD_ZH.get(x.method, x.method),
                f"{x.amount:,}",
                x.approved_by,
                x.reason,
            ]
            for x in refunds
        ],
    )
