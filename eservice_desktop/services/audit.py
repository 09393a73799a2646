"""``audit verify``: walks every device's event hash chain (domain/chain.py) in the database.

This device's chain (its rows, ``origin = 'local'``) is checked link by link from the first
event to the chain head kept beside it (``event_chain_heads``), so a row edited, deleted
(anywhere, the last one included) or moved is found; events pulled from other devices are a
sparse part of their device's chain here, so each is checked against its own hash (the
county checked their links when their device pushed them). The answer names the first broken
link: office, device, case, event and what differs. For a deleted event it also names the case
whose stored projection counts more events than its stream holds (``case_number`` of that case
when known), since the deleted event itself is gone.

The chains prove the events; the ``receipts`` table the closing reads is then compared with
the receipts those events project (services/audit_receipts.py): a receipt edited, deleted or
added directly in the table is named by its number (``receipts_differ``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from eservice_desktop.domain import chain
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.text_values import counted, printable
from eservice_desktop.services import access, audit_receipts, check_progress
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow, ChainHeadRow, EventRow

#: zh-TW / English for each kind of break (doctor and the CLI's human line).
WHAT_TEXT = {
    chain.EDITED: ("事件內容與其雜湊不符（遭修改）", "the event differs from its hash (edited)"),
    chain.DELETED: ("前一筆事件不見了（遭刪除）", "the event before it is missing (deleted)"),
    chain.REORDERED: ("事件順序被調換", "the events were put in another order (reordered)"),
    chain.UNCHAINED: ("事件缺少雜湊鏈", "the event has no place in the chain"),
    chain.HEAD: ("鏈尾事件不見了（遭刪除）", "the last event of the chain is missing (deleted)"),
}
#: The same for a record of the access log (it said 前一筆事件不見了 of a deleted access record,
#: sending the auditor to look for a missing event).
ACCESS_WHAT_TEXT = {
    chain.EDITED: ("紀錄內容與其雜湊不符（遭修改）", "the record differs from its hash (edited)"),
    chain.DELETED: ("前一筆紀錄不見了（遭刪除）", "the record before it is missing (deleted)"),
    chain.REORDERED: ("紀錄順序被調換", "the records were put in another order (reordered)"),
    chain.UNCHAINED: ("紀錄缺少雜湊鏈", "the record has no place in the chain"),
    chain.HEAD: ("鏈尾紀錄不見了（遭刪除）", "the last record of the chain is missing (deleted)"),
}


@dataclass
class AuditResult:
    devices: int = 0
    events: int = 0
    access_records: int = 0
    broken: dict[str, Any] | None = None
    chains: list[dict[str, Any]] = field(default_factory=list)
    #: The receipts check (None when the events did not read).
    receipts: audit_receipts.ReceiptsCheck | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None and not (self.receipts and self.receipts.differ)

    def to_json(self) -> dict[str, Any]:
        counts = {
            "devices": self.devices,
            "events": self.events,
            "access_records": self.access_records,
        }
        if self.receipts is not None:
            counts["receipts_checked"] = self.receipts.checked
        if self.ok:
            return {"ok": True, **counts}
        out: dict[str, Any] = {"ok": False, **counts}
        if self.broken is not None:
            out["broken"] = self.broken
        if self.receipts and self.receipts.differ:
            out["receipts_differ_count"] = self.receipts.differ
            out["receipts_differ"] = self.receipts.receipts
        return out

    def message(self, lang: str = "zh_TW") -> str:
        chinese = lang.startswith("zh")
        receipts = _receipts_text(self.receipts, chinese) if self.receipts else ""
        if self.broken is None and receipts:
            return receipts
        if self.broken is None:
            # the receipts were checked too: said, so the auditor knows they were
            n = self.receipts.checked if self.receipts else 0
            if chinese:
                agree = f"；收據 {n} 張與事件相符" if self.receipts else ""
                return f"雜湊鏈完整：{self.devices} 部設備、{self.events} 筆事件{agree}"
            agree = f"; {counted(n, 'receipt')} agree with the events" if self.receipts else ""
            return (
                "hash chains intact: "
                f"{counted(self.devices, 'device')}, {counted(self.events, 'event')}{agree}"
            )
        b = self.broken
        texts = ACCESS_WHAT_TEXT if b.get("table") == "access_log" else WHAT_TEXT
        what = chain.HEAD if b.get("tail") else b["what"]  # the last one, nothing after it
        zh, en = texts.get(what, (b["what"], b["what"]))
        if b.get("table") == "access_log":
            zh, en = f"存取紀錄：{zh}", f"access log: {en}"
        case = b.get("case_number") or b["case_id"]  # none for an access record of no case
        where = " ".join(x for x in (f"{b['office']}-{b['device']}", case, b["event_id"]) if x)
        said = (
            f"雜湊鏈中斷：{where}：{zh}"
            if lang.startswith("zh")
            else f"hash chain broken: {where}: {en}"
        )
        return f"{said}\n{receipts}" if receipts else said


def _receipts_text(found: audit_receipts.ReceiptsCheck, zh: bool) -> str:
    """The receipts that disagree with their events, by number (with the two amounts when the
    amount was changed); empty when none does."""
    if not found.differ:
        return ""
    named = []
    for r in found.receipts[:10]:
        number = printable(str(r["number"]), 40)
        if "amount_stored" in r:
            stored = printable(str(r["amount_stored"]), 20)
            named.append(
                f"{number}（事件金額 {r['amount_events']}，表中 {stored}）"
                if zh
                else f"{number} (amount {r['amount_events']} in the events, {stored} stored)"
            )
        else:
            what = _RECEIPT_WHAT[r["what"]][0 if zh else 1]
            fields = ", ".join(r["fields"])
            what += (f"：{fields}" if zh else f": {fields}") if fields else ""
            named.append(f"{number}（{what}）" if zh else f"{number} ({what})")
    more = found.differ - len(named)
    if zh:
        tail = f"，另有 {more} 張" if more > 0 else ""
        return (
            f"收據資料與事件不符（收據表遭直接修改，或為較舊版本所寫）：{'、'.join(named)}{tail}；"
            "查明後可以 audit rebuild-receipts 依事件重建"
        )
    tail = f", and {counted(more, 'more receipt')}" if more > 0 else ""
    return (
        "receipts disagree with their events (the receipts table was changed outside the "
        f"program, or written by an older build): {', '.join(named)}{tail}; once looked "
        "into, audit rebuild-receipts remakes it from the events"
    )


#: zh-TW / English for each kind of disagreeing receipt.
_RECEIPT_WHAT = {
    audit_receipts.EDITED: ("欄位遭修改", "edited"),
    audit_receipts.MISSING: ("收據遭刪除", "deleted from the table"),
    audit_receipts.UNEXPLAINED: ("無對應事件", "no event records it"),
}


#: Rows read from the database at a time: the walk holds these, each device's walk and the
#: receipts rebuilt, never the whole table.
STREAM_ROWS = 2000


def verify_session(s: Session) -> AuditResult:
    """Checks every chain in the database ``s`` reads (the office's, or a backup copy's): the
    events are read once, in stored order, a few thousand at a time, each walked through its
    device's chain and each money event into the receipts rebuilt, then let go (a year of a
    busy office, a million events, took 4 GB held at once; ``doctor`` and ``backup verify`` run
    this too)."""
    result = AuditResult()
    walks: dict[tuple[bool, str, str], chain.ChainWalk] = {}
    gaps: dict[tuple[bool, str, str], int] = {}  # the seq where a walk found its gap
    book = audit_receipts.Rebuild()
    query = select(EventRow).order_by(EventRow.seq).execution_options(yield_per=STREAM_ROWS)
    hear = check_progress.listener()
    total = int(s.scalar(select(func.count()).select_from(EventRow)) or 0) if hear else 0
    try:
        for row in s.scalars(query):
            e = repo.row_to_event(row)
            if e.type in ev.MONEY_TYPES:
                book.take(e)
            key = (row.origin == "local", e.office, e.device)
            if (walk := walks.get(key)) is None:
                walk = walks[key] = chain.ChainWalk(strict=key[0])
            if walk.broken is None:
                rewritten = row.pseudonymised_at is not None
                if walk.feed(e, links_only=rewritten) and walk.gap is not None:
                    gaps[key] = row.seq
            result.events += 1
            if hear is not None and result.events % STREAM_ROWS == 0:
                hear(result.events, total)
    except UNREADABLE:
        s.expunge_all()
        result.broken = _unreadable(s)
        return result
    result.receipts = audit_receipts.check(s, book)
    # counted whatever the events say: a broken event chain read "access_records": 0, as if
    # nothing had ever been viewed, searched or printed
    result.access_records = access.count(s)
    heads = {(h.office, h.device): h for h in s.scalars(select(ChainHeadRow))}
    result.devices = len({key[1:] for key in walks} | set(heads))
    result.broken = _first_broken(s, walks, gaps, heads)
    if result.broken is None:
        result.broken = access.first_break(s)
    return result


def _first_broken(
    s: Session,
    walks: dict[tuple[bool, str, str], chain.ChainWalk],
    gaps: dict[tuple[bool, str, str], int],
    heads: dict[tuple[str, str], ChainHeadRow],
) -> dict[str, Any] | None:
    """The first broken link, device by device in order: its own chain, then the events pulled
    from it, then its head."""
    devices = {key[1:] for key in walks} | set(heads)
    for device in sorted(devices):
        own = walks.get((True, *device))
        pulled = walks.get((False, *device))
        brk = None
        if own is not None and own.broken is not None:
            brk = (
                own.moved(_elsewhere(s, device, own, gaps[(True, *device)]))
                if own.gap
                else own.broken
            )
        elif pulled is not None:
            brk = pulled.broken
        if brk is None:
            brk = _tail(device, own.last_linked if own else None, heads.get(device))
        if brk is not None:
            return _describe(s, brk)
    return None


def _elsewhere(s: Session, device: tuple[str, str], walk: chain.ChainWalk, seq: int) -> bool:
    """Whether the link missing at ``seq`` is another event of this device's own chain: one
    chained before it, or any after it (the events were reordered, none deleted)."""
    mine = (EventRow.origin == "local", EventRow.office == device[0], EventRow.device == device[1])
    found = select(EventRow.seq).where(*mine, EventRow.hash == walk.gap)
    before = found.where(EventRow.seq < seq, EventRow.prev.is_not(None))
    return bool(s.scalar(before.limit(1)) or s.scalar(found.where(EventRow.seq > seq).limit(1)))


#: What reading a row edited outside the program as an event raises (a payload that is no
#: JSON, a time that is no time).
UNREADABLE = (ValueError, TypeError, KeyError)


def _unreadable(s: Session) -> dict[str, Any]:
    """The first event row that no longer reads as an event, as an edited link: its envelope
    is read without its payload and time, each of which is then read on its own (the whole
    walk raised on it: the auditor's check stopped at the very edit it is there to find)."""
    query = select(
        EventRow.event_id,
        EventRow.case_id,
        EventRow.office,
        EventRow.device,
        type_coerce(EventRow.payload, Text),
        type_coerce(EventRow.at, Text),
    ).order_by(EventRow.seq)
    for event_id, case_id, office, device, payload, at in s.execute(query):
        if not (_reads(payload) and _is_time(at)):
            return _describe(s, chain.Break(office, device, case_id, event_id, chain.EDITED))
    return {"office": "", "device": "", "case_id": "", "event_id": "", "what": chain.EDITED}


def _reads(payload: str | None) -> bool:
    try:
        return isinstance(json.loads(payload or ""), dict)
    except ValueError:
        return False


def _is_time(at: str | None) -> bool:
    try:
        datetime.fromisoformat(at or "")
    except ValueError:
        return False
    return True


def _tail(
    key: tuple[str, str], last: Event | None, head: ChainHeadRow | None
) -> chain.Break | None:
    """The chain must end where its head says: a deleted last event leaves the head on it.
    ``last``: the device's last own event with a hash."""
    if head is None:
        if last is not None:  # a chain without its head: the head row itself was deleted
            return chain.Break(key[0], key[1], last.case_id, last.event_id, chain.HEAD)
        return None
    if last is None or last.hash != head.hash:
        return chain.Break(key[0], key[1], head.case_id, head.event_id, chain.HEAD)
    return None


def _describe(s: Session, brk: chain.Break) -> dict[str, Any]:
    out: dict[str, Any] = brk.to_json()
    if brk.what == chain.HEAD:
        out["what"] = chain.DELETED
        out["tail"] = True
    out["case_number"] = _number(s, brk.case_id)
    if brk.what == chain.DELETED:
        short = _case_missing_events(s)
        if short:
            out["missing_from_case_id"] = short
            out["missing_from_case_number"] = _number(s, short)
    return out


def _number(s: Session, case_id: str) -> str:
    return s.scalar(select(CaseRow.case_number).where(CaseRow.case_id == case_id)) or ""


def _case_missing_events(s: Session) -> str | None:
    """A case whose projection counts more events than its stream holds."""
    counts = select(EventRow.case_id, func.count().label("n")).group_by(EventRow.case_id).subquery()
    stored = func.json_extract(CaseRow.state, "$.event_count")
    return s.scalar(
        select(CaseRow.case_id)
        .outerjoin(counts, counts.c.case_id == CaseRow.case_id)
        .where(stored.is_not(None), stored > func.coalesce(counts.c.n, 0))
        .limit(1)
    )


def verify(app: App) -> AuditResult:
    with app.reading() as s:
        return verify_session(s)
