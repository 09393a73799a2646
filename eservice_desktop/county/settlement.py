"""Importing the treasury's settlement file at the county (docs/payments.md, appendix 22).

The same file and rules as at the office (``domain.settlement_file``): each line whose
transaction id (交易電子案號) is an online payment the county holds, with the same amount,
becomes a ``case.payment_settled`` event of the county (device ``CTY``) appended to the case's
stream and to the feed of every office the case is routed to; the offices take it in by their
next pull, through their one ingest path. Lines that say nothing new are skipped (idempotent);
unknown ids and different amounts are reported, never applied.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county import push_rows, service
from eservice_desktop.county.store import CountyEventRow, FeedRow, RouteRow, lock_feed
from eservice_desktop.county.store_rows import insert_rows
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import settlement_file as sf
from eservice_desktop.domain.case import CaseState, Payment, apply, check
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.text_values import os_reason
from eservice_desktop.domain.uuid7 import new_id
from eservice_desktop.storage.input_files import read_regular


def _payments(s: Session, ids: set[str]) -> dict[str, tuple[str, str]]:
    """transaction id → (case id, payment id) for the payments among ``ids``: 交易電子案號 is the
    channel's transaction id (the payment's ``reference``), else the payment id itself."""
    found: dict[str, tuple[str, str]] = {}
    rows = s.execute(
        select(CountyEventRow.case_id, CountyEventRow.payload).where(
            CountyEventRow.type == ev.PAYMENT_RECORDED
        )
    )
    for case_id, payload in rows:
        pid = str(payload.get("payment_id", ""))
        ref = payload.get("reference")
        for key in {pid, sf.transaction_id(pid, str(ref) if ref else "")}:
            if key in ids:
                found[key] = (case_id, pid)
    return found


def _payment(state: CaseState, payment_id: str) -> Payment | None:
    for p in state.payments:
        if p.payment_id == payment_id:
            return p
    return None


def _not_applied(
    ln: sf.SettlementLine, state: CaseState | None, pay: Payment | None
) -> sf.SettlementOutcome | None:
    """Why a line is reported and not applied (unknown id, not an online payment, another
    amount, nothing new), or None when it settles its payment."""
    if state is None or pay is None:
        return sf.SettlementOutcome(ln.line, ln.transaction_id, "unknown")
    number = state.case_number
    if pay.method != "online":
        return sf.SettlementOutcome(ln.line, ln.transaction_id, "not_online", number)
    if pay.amount != ln.amount:
        return sf.SettlementOutcome(
            ln.line, ln.transaction_id, "amount_mismatch", number, pay.amount
        )
    if not sf.changes(ln, pay.deposit_date, pay.settlement_number, pay.deposited):
        return sf.SettlementOutcome(ln.line, ln.transaction_id, "unchanged", number)
    return None


def _settled_event(state: CaseState, pay: Payment, ln: sf.SettlementLine, now: datetime) -> Event:
    """The county's ``case.payment_settled`` for one line, checked against the case."""
    e = Event(
        event_id=new_id(),
        case_id=state.case_id,
        type=ev.PAYMENT_SETTLED,
        office=state.office,
        device=service.COUNTY_DEVICE,
        clerk="county",
        at=now,
        payload={
            "payment_id": pay.payment_id,
            "receipt_number": pay.receipt_number or "",
            "deposit_date": ln.deposit_date.isoformat() if ln.deposit_date else "",
            "settlement_number": ln.settlement_number,
            "deposited": ln.deposited,
        },
    )
    check_event(e)
    check(state, e)
    return e


def _feed_rows(e: Event, offices: list[str], now: datetime) -> list[dict[str, Any]]:
    """The event once in the feed of every office the case is routed to."""
    data = e.to_dict()
    return [
        {
            "office": office,
            "kind": "event",
            "case_id": e.case_id,
            "source": None,
            "data": data,
            "created_at": now,
        }
        for office in sorted(offices)
    ]


def import_settlement(s: Session, data: bytes, now: datetime) -> dict[str, Any]:
    """Parses ``data`` (raises ``SettlementFileError``, nothing stored) and applies it inside
    the caller's transaction."""
    lines = sf.parse(data)
    lock_feed(s)
    where = _payments(s, {ln.transaction_id for ln in lines})
    case_ids = {case_id for case_id, _pid in where.values()}
    states, _history = push_rows.load_states(s, case_ids)
    routes: dict[str, list[str]] = {}
    for r in s.scalars(select(RouteRow).where(RouteRow.case_id.in_(case_ids))):
        routes.setdefault(r.case_id, []).append(r.office)
    outcomes: list[sf.SettlementOutcome] = []
    event_rows: list[dict[str, Any]] = []
    feed_rows: list[dict[str, Any]] = []
    touched: set[str] = set()
    for ln in lines:
        case_id, payment_id = where.get(ln.transaction_id, ("", ""))
        state = states.get(case_id) if case_id else None
        pay = _payment(state, payment_id) if state else None
        refused = _not_applied(ln, state, pay)
        if refused is not None:
            outcomes.append(refused)
            continue
        assert state is not None and pay is not None
        e = _settled_event(state, pay, ln, now)
        states[case_id] = apply(state, e)
        touched.add(case_id)
        event_rows.append(service.event_row(e, now))
        feed_rows += _feed_rows(e, routes.get(case_id, [state.office]), now)
        outcomes.append(
            sf.SettlementOutcome(ln.line, ln.transaction_id, "settled", state.case_number)
        )
    if event_rows:
        insert_rows(s, CountyEventRow, event_rows)
    if feed_rows:
        insert_rows(s, FeedRow, feed_rows)
    push_rows.update_cases(s, states, touched, now)
    return sf.summary(outcomes)


def cli_import(sessions: Any, path: str, *, as_json: bool) -> int:
    """``eservice-county-server settle-import FILE``: exit 0 imported (lines not applied are
    listed), 2 a malformed or unreadable file (one line naming the line); said in the command
    line's language (``cli_lang``), the ``--json`` output in both as ever."""
    import json
    import sys

    from eservice_desktop.county.cli_lang import said
    from eservice_desktop.county.store import utcnow
    from eservice_desktop.domain.errors import DomainError

    try:  # a pipe or a device is refused before it is read: a FIFO's open() waited for good
        data = read_regular(Path(path), sf.MAX_BYTES + 1)
        sf.decode_size(len(data))  # one byte past the limit: too large
        with sessions() as s, s.begin():
            result = import_settlement(s, data, utcnow())
    except OSError as e:
        zh, en = os_reason(e)
        print(
            said(f"無法讀取對帳檔：{zh}", f"Cannot read the settlement file: {en}"), file=sys.stderr
        )
        return 2
    except DomainError as e:
        if as_json:
            print(
                json.dumps(
                    {
                        "ok": False,
                        "error": e.code,
                        "message": e.message_zh,
                        "message_en": e.message_en,
                        **e.extra,
                    },
                    ensure_ascii=False,
                )
            )
        print(said(e.message_zh, e.message_en), file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        lines, settled, unchanged = result["lines"], result["settled"], result["unchanged"]
        left = len(result["not_applied"])
        print(
            said(
                f"對帳檔 {lines} 筆：入庫資料更新 {settled} 筆，已是最新 {unchanged} 筆，"
                f"未套用 {left} 筆",
                f"{settled} settled, {unchanged} unchanged, {left} not applied",
            )
        )
        for o in result["not_applied"]:
            line, tid, status = o["line"], o["transaction_id"], o["status"]
            print(said(f"  第 {line} 行：{tid} {status}", f"  line {line}: {tid} {status}"))
    return 0
