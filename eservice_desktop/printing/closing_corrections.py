"""Corrections of a payment's method, on the daily closing (section 收費方式更正).

Cash keyed as card (or card as cash) is corrected later with a supervisor's approval
(``services.payment_method``). The closing of the receipt's day counts the money under the
method corrected to, so it balances with that day's drawer, and says so here; the closing of
the day the correction was made lists it too, moving no money of its own, so the supervisor
signing either day sees why the figures of the receipt's day changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from eservice_desktop.printing.tables import Column, Section

METHOD_ZH = {"cash": "現金", "card": "刷卡", "online": "線上"}


@dataclass(frozen=True)
class ClosingCorrection:
    """One correction of a receipt of this closing's day, or made in this closing's scope that
    day."""

    receipt_number: str
    receipt_day: str  # the receipt's Taipei day, ISO
    device: str  # the counter that issued the receipt
    case_number: str
    amount: int
    from_method: str
    to_method: str
    at: str  # when the correction was made (ROC, minute)
    clerk: str
    approved_by: str
    reason: str
    #: The receipt is of this closing's day and scope: its money is counted here under
    #: ``to_method``; else the correction is listed only (its money is on its own day).
    counts_here: bool

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def corrections_section(rows: Sequence[ClosingCorrection]) -> Section:
    return Section(
        f"收費方式更正（{len(rows)} 筆）",
        [
            Column("收據號碼", 40),
            Column("櫃檯", 10),
            Column("案號", 36),
            Column("金額", 14, "right"),
            Column("原登錄", 12),
            Column("更正為", 12),
            Column("更正時間", 26),
            Column("經辦", 18),
            Column("核准主管", 20),
            Column("更正理由", 30),
            Column("本表計入", 12),
        ],
        [
            [
                x.receipt_number,
                x.device,
                x.case_number,
                f"{x.amount:,}",
                METHOD_ZH.get(x.from_method, x.from_method),
                METHOD_ZH.get(x.to_method, x.to_method),
                x.at,
                x.clerk,
                x.approved_by,
                x.reason,
                "是" if x.counts_here else "否（收據開立日）",
            ]
            for x in rows
        ],
        note=(
            "收費方式更正計入收據開立日之日結（依更正後之收費方式）；更正當日之日結僅列明，"
            "不影響金額。收據本身不改寫。"
        ),
    )
