"""A case paid more than its fees (溢繳): two counters of the office took the same fee offline,
and the county took both (money taken is a fact: ``domain.case_rules.OVER_BALANCE``). The
citizen paid twice; every counter that learns of it keeps a conflict the clerk and the
supervisor see in the conflicts list (``sync conflicts``), until the over-payment is refunded
(:func:`services.payments.refund`), which settles it here, on every counter, by itself.

Called by :mod:`services.ingest` (the one door of events, through
:mod:`services.conflict_rows`) with the balances of the cases before the events and their
states after: nothing else writes these rows."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.events import Event
from eservice_desktop.storage import sync_conflicts

log = logging.getLogger("eservice.sync")

#: The conflicts list's code of an over-paid case.
OVERPAID = "payment.overpaid"
SETTLED = "已退還溢繳金額 / The over-payment was refunded"


def balance_words(balance: int) -> tuple[str, str]:
    """A case's balance as a clerk reads it (zh-TW, English): what is still to take, or, below
    nothing, the over-payment to refund (the CLI printed 餘額 -300 for it)."""
    if balance < 0:
        return (
            f"溢繳 {-balance} 元，請辦理退費",
            f"over-paid NT${-balance}: refund the over-payment",
        )
    return f"餘額 {balance} 元", f"balance NT${balance}"


def follow(
    s: Session,
    before: Mapping[str, CaseState | None],
    after: Mapping[str, CaseState],
    applied: Sequence[Event],
    now: datetime,
) -> None:
    """Opens a conflict for each case the events left over-paid (it was not), says anew the
    amount a partial refund left, and settles the open ones of each case they brought back to
    no over-payment. ``before``: the cases'
    states before the events. The event that names an opened row, the case's last, is found
    for every such case in one pass over the events (a pulled page can over-pay many)."""
    moves: list[tuple[str, int]] = []  # (case, over-paid by; 0: settled), in order
    for case_id, state in after.items():
        balance, was = state.balance, before.get(case_id)
        was_over = was is not None and was.balance < 0
        if balance < 0 and not was_over:
            moves.append((case_id, -balance))
        elif was_over and balance >= 0:
            moves.append((case_id, 0))
        elif was is not None and balance < 0 and balance != was.balance:
            # a partial refund: the list names what is left to refund
            sync_conflicts.reword(s, case_id, OVERPAID, _reason(-balance, state))
    last = last_events(applied, {case_id for case_id, over in moves if over})
    for case_id, over in moves:
        if not over:
            sync_conflicts.settle(s, case_id, OVERPAID, SETTLED, now)
            continue
        open_row(s, last[case_id], OVERPAID, _reason(over, after[case_id]), now)


def _reason(over: int, state: CaseState) -> tuple[str, str]:
    """Why the case holds too much: the fee taken twice, or (one payment only) the fee lowered
    or exempted at one counter while another, offline, took it in full: it said "taken twice"
    for that too, and the clerk looked for a second receipt there was none of. The receipts
    are named (their numbers say the office and counter): it said 他櫃 / "another counter" to
    the counter that had taken the money itself, and to an office whose other was another
    office (a pickup office's desk)."""
    taken = sorted((p for p in state.payments if p.net > 0), key=lambda p: p.at)  # as taken
    numbers = [p.receipt_number for p in taken if p.receipt_number]
    if len(taken) < 2:
        zh_which, en_which = (
            (f"收據 {numbers[0]} ", f"receipt {numbers[0]}") if numbers else ("", "it")
        )
        return (
            f"溢繳 {over} 元：本案規費已減免或調降，{zh_which}於離線時仍依原額收費，請辦理退費",
            f"Over-paid by NT${over}: the fee was lowered or exempted while {en_which} "
            "was taken in full offline; refund the over-payment",
        )
    zh_which = f"（收據 {'、'.join(numbers)}）" if numbers else ""
    en_which = f" (receipts {', '.join(numbers)})" if numbers else ""
    return (
        f"溢繳 {over} 元：本案規費已重複收取{zh_which}，請辦理退費",
        f"Over-paid by NT${over}: the fee was taken twice{en_which}; refund the over-payment",
    )


def last_events(applied: Sequence[Event], cases: set[str]) -> dict[str, Event]:
    """The last of the applied events of each of ``cases`` (one pass, none when no case)."""
    if not cases:
        return {}
    return {e.case_id: e for e in applied if e.case_id in cases}


def open_row(s: Session, e: Event, code: str, reason: tuple[str, str], now: datetime) -> None:
    """A conflict of this counter's own about ``e``'s case, named by ``e`` (once)."""
    if sync_conflicts.noted(s, e.event_id):
        return
    sync_conflicts.add(
        s,
        conflict_id=str(uuid.uuid4()),
        event_id=e.event_id,
        case_id=e.case_id,
        event_type=e.type,
        reason=(code, *reason),
        at=now,
    )
    log.warning("case %s: conflict %s noted", e.case_id, code)
