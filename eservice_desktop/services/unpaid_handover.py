"""A case whose documents left the office with fees due that no supervisor approved: a desk
handed them over offline while another counter voided the case's receipt (or the county
took a handover the fee of which was voided meanwhile). The documents are gone, a fact the
county takes (``domain.case_rules.taken_anyway``): every counter that learns of it lists a
conflict to collect the fee, settled on every counter by the payment that clears the balance.

Called by :mod:`services.ingest` through :mod:`services.conflict_rows`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import APPROVE_HANDOVER_WITH_BALANCE, PICKED_UP, CaseState
from eservice_desktop.domain.case_state import Payment
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.services.overpaid import last_events, open_row
from eservice_desktop.storage import sync_conflicts

#: The conflicts list's code of a case handed over unpaid.
UNPAID = "pickup.handed_over_unpaid"
SETTLED = "已收取規費 / The fee was taken"


def _owing(state: CaseState | None) -> bool:
    return state is not None and state.lifecycle == PICKED_UP and state.balance > 0


def follow(
    s: Session,
    before: Mapping[str, CaseState | None],
    after: Mapping[str, CaseState],
    applied: Sequence[Event],
    now: datetime,
) -> None:
    """Opens a conflict for each case the events left handed over with fees due (it was not,
    and no supervisor approved the handover with a balance); settles it once paid. The last
    event and handover of the cases opened are found in one pass over the events."""
    moves: list[tuple[str, bool]] = []  # (case, opened; else settled), in order
    for case_id, state in after.items():
        was = _owing(before.get(case_id))
        if _owing(state) and not was:
            moves.append((case_id, True))
        elif was and state.balance <= 0:
            moves.append((case_id, False))
    opening = {case_id for case_id, opened in moves if opened}
    last = last_events(applied, opening)
    picked = [e for e in applied if e.type == ev.PICKED_UP] if opening else []
    handovers = last_events(picked, opening)
    for case_id, opened in moves:
        if not opened:
            sync_conflicts.settle(s, case_id, UNPAID, SETTLED, now)
            continue
        state, handover = after[case_id], handovers.get(case_id)
        if handover and state.approval_for(handover.event_id, APPROVE_HANDOVER_WITH_BALANCE):
            continue  # approved: a handover with a balance the supervisor allowed
        open_row(s, last[case_id], UNPAID, _reason(state), now)


def _reason(state: CaseState) -> tuple[str, str]:
    """What happened, the same words on every counter: the handover (when, which office's
    which desk) and the receipts voided. It said 他櫃於離線時作廢收據或交付 / "another counter
    voided the receipt or handed them over" to both, the desk that had handed the documents
    over itself and the counter that had voided the receipt itself (as the money conflicts
    did, ``overpaid``); a receipt number says its office and counter."""
    due, at = state.balance, state.picked_up_at
    where_zh = f"由 {state.picked_up_office} 第 {state.picked_up_device} 號櫃檯"
    where_en = f"at {state.picked_up_office} desk {state.picked_up_device}"
    if at is not None:
        local = at.astimezone(TAIPEI)
        where_zh = f"於 {format_roc(local.date())} {local:%H:%M} {where_zh}"
        where_en = f"{where_en} on {local:%Y-%m-%d %H:%M}"
    voided = sorted((p for p in state.payments if p.voided and p.receipt_number), key=_void_time)
    numbers = [p.receipt_number for p in voided if p.receipt_number]
    zh_void = f"（收據 {'、'.join(numbers)} 已作廢）" if numbers else ""
    en_void = f" (receipt {', '.join(numbers)} voided)" if numbers else ""
    return (
        f"文件已{where_zh}交付，尚有規費 {due} 元未繳{zh_void}，請向民眾收取",
        f"The documents were handed over {where_en} with NT${due} in fees still due"
        f"{en_void}; collect the fee",
    )


def _void_time(p: Payment) -> datetime:
    return p.voided_at or p.at
