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
from eservice_desktop.services import access, audit_receipts
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


def verify_session(s: Session) -> AuditResult:
    """Checks every chain in the database ``s`` reads (the office's, or a backup copy's)."""
    result = AuditResult()
    local: dict[tuple[str, str], list[Event]] = {}
    pulled: dict[tuple[str, str], list[Event]] = {}
    rewritten: set[str] = set()
    money: list[Event] = []
    try:
        for row in s.scalars(select(EventRow).order_by(EventRow.seq)):
            e = repo.row_to_event(row)
            if e.type in ev.MONEY_TYPES:
                money.append(e)
            if row.pseudonymised_at is not None:
                rewritten.add(e.event_id)
            where = local if row.origin == "local" else pulled
            where.setdefault((e.office, e.device), []).append(e)
            result.events += 1
    except UNREADABLE:
        s.expunge_all()
        result.broken = _unreadable(s)
        return result
    result.receipts = audit_receipts.check(s, money)
    # counted whatever the events say: a broken event chain read "access_records": 0, as if
    # nothing had ever been viewed, searched or printed
    result.access_records = access.count(s)
    heads = {(h.office, h.device): h for h in s.scalars(select(ChainHeadRow))}
    devices = set(local) | set(pulled) | set(heads)
    result.devices = len(devices)
    for key in sorted(devices):
        own = local.get(key, [])
        brk = chain.first_break(own, strict=True, links_only=rewritten) or chain.first_break(
            pulled.get(key, []), strict=False, links_only=rewritten
        )
        if brk is None:
            brk = _tail(key, own, heads.get(key))
        if brk is not None:
            result.broken = _describe(s, brk)
            return result
    result.broken = access.first_break(s)
    return result


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


def _tail(key: tuple[str, str], own: list[Event], head: ChainHeadRow | None) -> chain.Break | None:
    """The chain must end where its head says: a deleted last event leaves the head on it."""
    linked = [e for e in own if e.hash]
    if head is None:
        if linked:  # a chain without its head: the head row itself was deleted
            last = linked[-1]
            return chain.Break(key[0], key[1], last.case_id, last.event_id, chain.HEAD)
        return None
    if not linked or linked[-1].hash != head.hash:
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
