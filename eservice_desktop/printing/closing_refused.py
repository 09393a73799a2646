"""The voids, refunds and reprints the county refused, on the daily closing (section
縣府拒絕之作廢、退費及重印; a reprint of a receipt another counter voided first).

Two counters of the office voiding or refunding the same receipt offline: the county takes the
first and refuses the other, which is then undone on the counter that made it (no void, no money
back: ``services.refused``). The closing of that counter counted it nowhere and said nothing: an
auditor comparing it with what the clerk remembers (a receipt voided, money handed back) could
not see why the totals differ. Listed here, with the county's reason; no money.
"""

from __future__ import annotations

from dataclasses import dataclass

from eservice_desktop.printing.tables import Column, Section

KIND_ZH = {"void": "作廢", "refund": "退費", "reprint": "重印", "print": "列印"}


@dataclass(frozen=True)
class ClosingRefused:
    """One void or refund made at this counter (office-wide: at this office) that day that the
    county refused; undone, so in none of the closing's figures."""

    # void | refund | reprint | print (first or again, of a receipt voided first elsewhere: its
    # paper is out)
    kind: str
    receipt_number: str
    device: str  # the counter that made it
    time: str
    case_number: str
    amount: int  # the receipt's (a void, a reprint) or the refund's
    reason: str  # the clerk's
    clerk: str
    refused_because: str  # the county's reason (zh-TW)

    def to_json(self) -> dict[str, str | int]:
        return {
            "kind": self.kind,
            "receipt_number": self.receipt_number,
            "device": self.device,
            "time": self.time,
            "case_number": self.case_number,
            "amount": self.amount,
            "reason": self.reason,
            "clerk": self.clerk,
            "refused_because": self.refused_because,
        }


def refused_section(refused: list[ClosingRefused]) -> Section:
    """The section, printed only when something was refused (most days nothing is)."""
    return Section(
        f"縣府拒絕之作廢、退費及重印（{len(refused)} 筆）",
        [
            Column("種類", 12),
            Column("收據號碼", 42),
            Column("櫃檯", 10),
            Column("時間", 12),
            Column("案號", 40),
            Column("金額", 18, "right"),
            Column("原因", 30),
            Column("經辦", 18),
            Column("縣府拒絕原因", 40),
        ],
        [
            [
                KIND_ZH.get(x.kind, x.kind),
                x.receipt_number,
                x.device,
                x.time,
                x.case_number,
                f"{x.amount:,}",
                x.reason,
                x.clerk,
                x.refused_because,
            ]
            for x in refused
        ],
        note="已由縣府拒絕（他櫃已先作廢或退費），不計入本表金額及重印筆數；"
        "列印或重印者請收回該張收據；請於衝突清單處理。",
    )
