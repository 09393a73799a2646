"""A closing taken again after money moved: what changed since the day's closing before.

The cashier prints the day's closing, hands it in with the drawer, and later the same day a
receipt is voided (or a refund made, a late fee taken): the closing handed in no longer holds,
and the one taken again showed different figures without a word about why. The closing now says
when the day's closing was last taken (printed or written, by the access log) and which
receipts, voids and refunds came after it, so the earlier paper is replaced knowingly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EarlierClosing:
    """The day's closing taken before this one (same scope), and what came after it."""

    at: str  # ISO 8601 (UTC), as the access log holds it
    shown_at: str  # Taipei, ROC year, to the minute
    receipts: tuple[str, ...] = ()
    voids: tuple[str, ...] = ()
    refunds: tuple[str, ...] = ()
    #: The day's receipts whose method was corrected since (a later day's correction too).
    corrections: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.receipts or self.voids or self.refunds or self.corrections)

    def note(self) -> str:
        if not self.changed:
            return f"本日日結表前次於 {self.shown_at} 產出，其後無異動。"
        parts = [
            f"{what} {'、'.join(numbers)}"
            for what, numbers in (
                ("收費", self.receipts),
                ("作廢", self.voids),
                ("退費", self.refunds),
                ("更正收費方式", self.corrections),
            )
            if numbers
        ]
        return (
            f"本日日結表前次於 {self.shown_at} 產出，其後{'；'.join(parts)}："
            "前次日結表已不符，請以本表替換。"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "at": self.at,
            "receipts": list(self.receipts),
            "voids": list(self.voids),
            "refunds": list(self.refunds),
            "corrections": list(self.corrections),
        }
