"""The pushing device's hash chain as the county checks it (domain/chain.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import (
    CountyChainHeadRow,
    CountyChainRow,
    CountyEventRow,
    DeviceRow,
)
from eservice_desktop.county_link.protocol import ChainGap
from eservice_desktop.domain import chain
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event

CHAIN_EDITED = DomainError(
    "chain.edited",
    "事件內容與其雜湊不符：該設備的資料庫可能遭修改",
    "The event differs from its hash: the device's database may have been changed",
)
CHAIN_BROKEN = DomainError(
    "chain.broken",
    "事件未接續該設備的上一筆事件：可能有事件遭刪除或調換順序",
    "The event does not follow the device's previous event: one may have been deleted or moved",
)
CHAIN_MISSING = DomainError(
    "chain.missing",
    "事件缺少雜湊鏈（該設備先前的事件都有）",
    "The event carries no hash chain (the device's earlier events did)",
)


class ChainBehind(Exception):
    """The push's first new event follows on from a link the county does not hold as the
    device's last (``head``: the hash of the one it holds, None for none), and the office
    asked to be told (``on_behind=answer``) rather than have it taken as ``chain.broken``: a
    county restored from an older backup lost what the device pushed after it, which the
    office sends again from there. Nothing of the batch is written."""

    def __init__(self, head: str | None) -> None:
        super().__init__(head)
        self.head = head


class DeviceChain:
    """The pushing device's hash chain (domain/chain.py) as the county last accepted it.

    Each pushed event must carry its hash over its own content and follow the device's previous
    event; an event that does not is refused as a conflict the office sees (``chain.edited``,
    ``chain.broken``, ``chain.missing``). The chain goes on from the refused event's hash, so
    one tampered row is refused, not every event after it. A device whose earlier events came
    without a chain (a build before it) starts its chain at its first chained event.

    The batch moves the head in plain values (one pass over its links); :meth:`save` writes it
    once, at the end of the push (its row stays locked from the first read on)."""

    def __init__(
        self, s: Session, dev: DeviceRow, now: datetime, answer_behind: bool = False
    ) -> None:
        self.s, self.dev, self.now = s, dev, now
        self.answer_behind = answer_behind
        self.row = s.get(CountyChainHeadRow, dev.device_key, with_for_update=True)
        self.hash: str | None = None if self.row is None else self.row.hash
        self.event_id = "" if self.row is None else self.row.event_id
        self.length = 0 if self.row is None else self.row.length
        self.moved = False
        self.skipped: set[str] = set()

    def _has_history(self) -> bool:
        return (
            self.s.scalar(
                select(CountyEventRow.seq)
                .where(
                    CountyEventRow.office == self.dev.office,
                    CountyEventRow.device == self.dev.device,
                )
                .limit(1)
            )
            is not None
        )

    def skip(self, gap: ChainGap) -> None:
        """An event the office set aside: the chain goes on over its link (its content never
        reaches the county; the office keeps it as a conflict of its own)."""
        if gap.event_id in self.skipped or self.s.get(CountyChainRow, gap.event_id) is not None:
            return  # a push sent again
        self.skipped.add(gap.event_id)
        self.s.add(CountyChainRow(event_id=gap.event_id, prev=gap.prev, hash=gap.hash))
        self._advance(gap.event_id, gap.hash)

    def _advance(self, event_id: str, hash_: str) -> None:
        self.hash, self.event_id = hash_, event_id
        self.length += 1
        self.moved = True

    def take(self, e: Event) -> tuple[str, str | None] | None:
        """Checks the event's link and moves the head onto it; raises the refusal, if any.
        Returns the payload as the JSON text its hash was taken over, which the push stores as
        the event's payload instead of encoding it again, and the canonical text of the event
        (``chain.digest_text``), which its feed document is written from; None for an event
        without a link."""
        if e.hash is None or e.prev is None:
            if self.hash is not None:
                raise CHAIN_MISSING
            return None
        if self.hash is not None:
            want: str | None = self.hash
        else:
            want = None if self._has_history() else chain.GENESIS
        if want is not None and e.prev != want and self.answer_behind and not self.moved:
            raise ChainBehind(self.hash)  # the batch's first link: see ChainBehind
        self._advance(e.event_id, e.hash)  # on from a refused link too (see the class)
        if want is not None and e.prev != want:
            raise CHAIN_BROKEN
        digest, encoded, text = chain.digest_text(e, e.prev)
        if digest != e.hash:
            raise CHAIN_EDITED
        return encoded, text

    def save(self) -> None:
        """Writes the head where the batch left it (nothing when no link moved it)."""
        if not self.moved or self.hash is None:
            return
        if self.row is None:
            self.row = CountyChainHeadRow(
                device_key=self.dev.device_key,
                hash=self.hash,
                event_id=self.event_id,
                length=self.length,
                updated_at=self.now,
            )
            self.s.add(self.row)
        else:
            self.row.hash, self.row.event_id = self.hash, self.event_id
            self.row.length, self.row.updated_at = self.length, self.now
        self.moved = False
