"""The receipts reprinted that day, on the daily closing (section 重印收據).

A reprint hands out a second paper of a receipt, marked 【重印】 with its reason; the second
and every later one needs a supervisor. The closing counted none of them: the cashier's
supervisor signing the day's closing could not see that a receipt of the day (or of an earlier
day) went out again, why, or who approved it; only the case's timeline said so.
"""

from __future__ import annotations

from dataclasses import dataclass

from eservice_desktop.printing.tables import Column, Section


@dataclass(frozen=True)
class ClosingReprint:
    """One reprint made at this counter (office-wide: at this office) that day."""

    receipt_number: str
    time: str
    case_number: str
    reason: str
    clerk: str
    #: The supervisor who approved it (a second reprint or later), else empty.
    approved_by: str = ""
    device: str = ""  # the counter that printed it

    def to_json(self) -> dict[str, str]:
        return {
            "receipt_number": self.receipt_number,
            "time": self.time,
            "case_number": self.case_number,
            "reason": self.reason,
            "clerk": self.clerk,
            "approved_by": self.approved_by,
            "device": self.device,
        }


def reprints_section(reprints: list[ClosingReprint]) -> Section:
    return Section(
        f"重印收據（{len(reprints)} 次）",
        [
            Column("收據號碼", 42),
            Column("櫃檯", 10),
            Column("時間", 12),
            Column("案號", 40),
            Column("重印原因", 38),
            Column("經辦", 20),
            Column("核准主管", 20),
        ],
        [
            [x.receipt_number, x.device, x.time, x.case_number, x.reason, x.clerk, x.approved_by]
            for x in reprints
        ],
        note="重印不影響金額；第二次起之重印須主管核准。" if reprints else "",
    )
