"""A counter the closing may lack receipts of (services/closing_behind.py), and the closing's
note naming such counters: the paper says it is incomplete where the supervisor signs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eservice_desktop.domain.rocdate import roc_minute


@dataclass(frozen=True)
class CounterBehind:
    """A counter the closing may lack receipts of: it last synced at ``synced_at``; None when
    it never said it had nothing left to push (a push stuck since its first round, or a build
    before it says so), while it talked to the county (``last_seen_at``)."""

    device: str
    synced_at: datetime | None
    last_seen_at: datetime | None = None

    def shown(self) -> str:
        """``櫃檯 02 最後同步於 115/12/05 14:05``."""
        if self.synced_at is not None:
            return f"櫃檯 {self.device} 最後同步於 {roc_minute(self.synced_at)}"
        if self.last_seen_at is not None:
            seen = roc_minute(self.last_seen_at)
            return f"櫃檯 {self.device} 未曾同步完成（最後連線於 {seen}）"
        return f"櫃檯 {self.device} 從未同步"

    def shown_en(self) -> str:
        if self.synced_at is not None:
            return f"counter {self.device} last synced {roc_minute(self.synced_at)}"
        if self.last_seen_at is not None:
            seen = roc_minute(self.last_seen_at)
            return f"counter {self.device} never reported being fully synced (last seen {seen})"
        return f"counter {self.device} never synced"

    def to_json(self) -> dict[str, object]:
        def iso(at: datetime | None) -> str | None:
            return at.isoformat() if at is not None else None

        return {
            "counter": self.device,
            "synced_at": iso(self.synced_at),
            "last_seen_at": iso(self.last_seen_at),
        }


def behind_note(counters: tuple[CounterBehind, ...]) -> str:
    """``櫃檯 03 最後同步於 115/12/05 12:00：其後收費可能未列入本表，…`` (empty: none)."""
    if not counters:
        return ""
    named = "；".join(c.shown() for c in counters)
    return f"{named}：其後收費可能未列入本表，請待該櫃檯同步後重新產出。"
