"""Corrections of a payment's method, on the daily closing (section 收費方式更正).

Cash keyed as card (or card as cash) is corrected later with a supervisor's approval
(``services.payment_method``). The closing of the receipt's day counts the money under the
method corrected to, so it balances with that day's drawer, and says so here; the closing of
the day the correction was made lists it too, moving no money of its own, so the supervisor
signing either day sees why the figures of the receipt's day changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from eservice_desktop.domain.rocdate import format_roc
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


def _issued(x: ClosingCorrection) -> str:
    """The counter and (ROC) day that issued the receipt: the day its money is counted on."""
    day = date.fromisoformat(x.receipt_day) if x.receipt_day else None
    return f"{x.device} {format_roc(day, 'short')}" if day else x.device


def corrections_section(rows: Sequence[ClosingCorrection]) -> Section:
    """As wide as the other tables of the page (182 mm): a longer cell is set smaller and
    wrapped by the table's renderer."""
    return Section(
        f"收費方式更正（{len(rows)} 筆）",
        [
            Column("收據號碼", 36),
            Column("開立櫃檯、日期", 20),
            Column("案號", 34),
            Column("金額", 12, "right"),
            Column("更正", 16),
            Column("更正時間", 22),
            Column("經辦", 12),
            Column("核准主管", 16),
            Column("更正理由", 14),
        ],
        [
            [
                x.receipt_number,
                _issued(x),
                x.case_number,
                f"{x.amount:,}",
                f"{METHOD_ZH.get(x.from_method, x.from_method)}→"
                f"{METHOD_ZH.get(x.to_method, x.to_method)}",
                x.at,
                x.clerk,
                x.approved_by,
                x.reason,
            ]
            for x in rows
        ],
        note=(
            "收費方式更正計入收據開立日之日結（依更正後之收費方式）；其他日期開立之收據於本日更正者"
            "僅列明，不影響本表金額。收據本身不改寫。"
        ),
    )
