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
    #: The county revoked it (a stolen or retired PC): what it took after ``synced_at`` will
    #: never come; waiting for its sync is no way on.
    revoked_at: datetime | None = None

    def shown(self) -> str:
        """``櫃檯 02 最後同步於 115/12/05 14:05``."""
        if self.revoked_at is not None:
            last = roc_minute(self.synced_at) if self.synced_at is not None else "（從未）"
            return (
                f"櫃檯 {self.device} 已於 {roc_minute(self.revoked_at)} 由縣府撤銷"
                f"（失竊或停用），最後同步於 {last}"
            )
        if self.synced_at is not None:
            return f"櫃檯 {self.device} 最後同步於 {roc_minute(self.synced_at)}"
        if self.last_seen_at is not None:
            seen = roc_minute(self.last_seen_at)
            return f"櫃檯 {self.device} 未曾同步完成（最後連線於 {seen}）"
        return f"櫃檯 {self.device} 從未同步"

    def shown_en(self) -> str:
        if self.revoked_at is not None:
            last = roc_minute(self.synced_at) if self.synced_at is not None else "never"
            return (
                f"counter {self.device} was revoked by the county at "
                f"{roc_minute(self.revoked_at)} (stolen or retired), last synced {last}"
            )
        if self.synced_at is not None:
            return f"counter {self.device} last synced {roc_minute(self.synced_at)}"
        if self.last_seen_at is not None:
            seen = roc_minute(self.last_seen_at)
            return f"counter {self.device} never reported being fully synced (last seen {seen})"
        return f"counter {self.device} never synced"

    def to_json(self) -> dict[str, object]:
        def iso(at: datetime | None) -> str | None:
            return at.isoformat() if at is not None else None

        out: dict[str, object] = {
            "counter": self.device,
            "synced_at": iso(self.synced_at),
            "last_seen_at": iso(self.last_seen_at),
        }
        if self.revoked_at is not None:  # added: a closing before it had no such counter
            out["revoked_at"] = iso(self.revoked_at)
        return out


def behind_note(counters: tuple[CounterBehind, ...]) -> str:
    """``櫃檯 03 最後同步於 115/12/05 12:00：其後收費可能未列入本表，…`` (empty: none); a
    revoked counter's receipts since its last sync are missing for good, and it says so."""
    live = [c for c in counters if c.revoked_at is None]
    gone = [c for c in counters if c.revoked_at is not None]
    notes = []
    if live:
        named = "；".join(c.shown() for c in live)
        notes.append(f"{named}：其後收費可能未列入本表，請待該櫃檯同步後重新產出。")
    if gone:
        named = "；".join(c.shown() for c in gone)
        notes.append(f"{named}：{REVOKED_NOTE}")
    return "".join(notes)


#: What a revoked counter's receipts after its last sync are: missing for good.
REVOKED_NOTE = (
    "其後開立之收據不會送達縣府，未列入本表（收據號碼亦無從列為缺號）；"
    "請以該櫃檯之收據存根聯與現金核對。"
)
