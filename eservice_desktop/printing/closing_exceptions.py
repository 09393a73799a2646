"""The money a supervisor let go uncollected that day, on the daily closing (section
主管核准之減免及欠費): fee exemptions and reductions, cases closed and documents handed over
with fees still due. None of them has a receipt, so the closing listed none of them: a fee
taken in cash and then exempted (or documents handed over unpaid) left the drawer and the
closing agreeing, and the supervisor signing it saw nothing to ask about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eservice_desktop.printing.tables import Column, Section

#: Each kind as the closing names it (the approval's ``action``, then the exemption apart).
KIND_ZH = {
    "exemption": "免徵",
    "fee_reduction": "減免",
    "close_with_balance": "欠費結案",
    "handover_with_balance": "欠費交付",
}


@dataclass(frozen=True)
class ClosingException:
    kind: str  # exemption | fee_reduction | close_with_balance | handover_with_balance
    time: str
    case_number: str
    amount: int  # taken off the fee, or still due when closed or handed over
    clerk: str  # who asked for it (the approved event's clerk)
    approved_by: str  # ``account name``
    reason: str
    device: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "time": self.time,
            "case_number": self.case_number,
            "amount": self.amount,
            "clerk": self.clerk,
            "approved_by": self.approved_by,
            "reason": self.reason,
            "device": self.device,
        }


def exceptions_section(rows: Sequence[ClosingException]) -> Section:
    """The section, printed only on a day that has one (as the county's refusals are)."""
    return Section(
        f"主管核准之減免及欠費（{len(rows)} 筆）",
        [
            Column("時間", 12),
            Column("櫃檯", 10),
            Column("案號", 40),
            Column("事項", 18),
            Column("金額", 18, "right"),
            Column("經辦", 20),
            Column("核准主管", 28),
            Column("原因", 36),
        ],
        [
            [
                x.time,
                x.device,
                x.case_number,
                KIND_ZH.get(x.kind, x.kind),
                f"{x.amount:,}",
                x.clerk,
                x.approved_by,
                x.reason,
            ]
            for x in rows
        ],
        ["合計", "", "", "", f"{sum(x.amount for x in rows):,}", "", "", ""],
        note="金額：減免或免徵者為減收之規費，欠費結案或交付者為當時未繳之規費；皆未開立收據。",
    )
