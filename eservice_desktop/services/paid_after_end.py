"""Money taken on a case another counter had cancelled or rejected: a counter offline took the
fee and printed its receipt while another counter (of the office, or of a pickup office) ended
the case. Money taken is
a fact the county takes (``domain.case_rules.taken_anyway``); the citizen is owed it back, so
every counter that learns of it lists a conflict to refund it (``domain.refunds.paid_after_end``),
settled on every counter by the refund (or void) that leaves nothing of it.

Called by :mod:`services.ingest` through :mod:`services.conflict_rows`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from eservice_desktop.domain.case import CANCELLED, CaseState
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.refunds import paid_after_end
from eservice_desktop.services.overpaid import last_events, open_row
from eservice_desktop.storage import sync_conflicts

#: The conflicts list's code of a case paid after it ended.
PAID_AFTER_END = "payment.after_end"
SETTLED = "已退還撤件後所收規費 / The fee taken after the case ended was refunded"


def _held(state: CaseState | None) -> int:
    return 0 if state is None else paid_after_end(state)


def follow(
    s: Session,
    before: Mapping[str, CaseState | None],
    after: Mapping[str, CaseState],
    applied: Sequence[Event],
    now: datetime,
) -> None:
    """Opens a conflict for each case the events left holding money taken after its end (it
    held none), says anew the amount a partial refund left, and settles it once refunded or
    voided. Most states are open or unpaid: the
    domain's test of the lifecycle comes first and costs a comparison."""
    moves: list[tuple[str, int]] = []  # (case, amount held; 0: settled), in order
    for case_id, state in after.items():
        held, was = paid_after_end(state), _held(before.get(case_id))
        if held and not was:
            moves.append((case_id, held))
        elif was and not held:
            moves.append((case_id, 0))
        elif held != was:  # a partial refund: the list names what is left to refund
            sync_conflicts.reword(s, case_id, PAID_AFTER_END, _reason(state, held))
    last = last_events(applied, {case_id for case_id, held in moves if held})
    for case_id, held in moves:
        if not held:
            sync_conflicts.settle(s, case_id, PAID_AFTER_END, SETTLED, now)
            continue
        open_row(s, last[case_id], PAID_AFTER_END, _reason(after[case_id], held), now)


def _reason(state: CaseState, held: int) -> tuple[str, str]:
    """The receipts taken after the end are named (their numbers say the office and counter):
    it said 他櫃 / "another counter" to the counter that had taken the money itself, and to an
    office whose other was another office (a pickup office's desk)."""
    if state.lifecycle == CANCELLED:
        zh_end, en_end = "撤件", "cancelled"
    else:
        zh_end, en_end = "駁回", "rejected"
    end = state.closed_at
    after = (p for p in state.payments if end is not None and p.at > end and p.net > 0)
    numbers = [p.receipt_number for p in sorted(after, key=lambda p: p.at) if p.receipt_number]
    zh_which = f"（收據 {'、'.join(numbers)}）" if numbers else ""
    en_which = f" (receipt {', '.join(numbers)})" if numbers else ""
    return (
        f"本案已{zh_end}，離線時仍收取規費 {held} 元{zh_which}，請退還民眾",
        f"NT${held} was taken after the case was {en_end}{en_which}, by a counter offline: "
        "refund it to the citizen",
    )
