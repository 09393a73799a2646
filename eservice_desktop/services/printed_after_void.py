"""A receipt printed at one counter after another counter had voided it, both offline: the
void and the print are both facts the county takes when the print reaches it first (the other
way round it refuses the print, and the printing counter lists that refusal). The paper in the
citizen's hand is void, and no counter said so. Every counter that learns of it now lists a
conflict to take the paper back, which the supervisor resolves by hand once it is (the first
counter's resolution settles the others' rows: services/conflict_rows.py).

Called by :mod:`services.ingest` through :mod:`services.conflict_rows`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.case_state import Payment
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.rocdate import roc_minute
from eservice_desktop.services.overpaid import last_events, open_row
from eservice_desktop.storage.models import EventRow

#: The conflicts list's code of a void receipt printed after its void.
PRINTED_AFTER_VOID = "receipt.printed_after_void"
_ACTS = frozenset((ev.PAYMENT_VOIDED, ev.RECEIPT_ISSUED, ev.RECEIPT_REPRINTED))


def _flagged(state: CaseState | None) -> dict[str, Payment]:
    if state is None:
        return {}
    return {p.payment_id: p for p in state.payments if p.printed_after_void}


def follow(
    s: Session,
    before: Mapping[str, CaseState | None],
    after: Mapping[str, CaseState],
    applied: Sequence[Event],
    now: datetime,
) -> None:
    """Opens a conflict for each receipt the events left printed after its void (it was not):
    only a void or a print does, so the batch's events are picked by type first."""
    touched = {e.case_id for e in applied if e.type in _ACTS}
    opened: dict[str, list[Payment]] = {}
    for case_id in touched:
        flagged = _flagged(after.get(case_id))
        new = flagged.keys() - _flagged(before.get(case_id)).keys()
        # every receipt of the case the events flagged (a fee paid in parts, each voided and
        # reprinted): the row named the first alone, the other paper in no list
        pays = [flagged[k] for k in sorted(new)]
        if listed := [p for p in pays if not _print_refused(s, case_id, p.receipt_number or "")]:
            opened[case_id] = listed
    last = last_events(applied, set(opened))
    for case_id, listed in opened.items():
        open_row(s, last[case_id], PRINTED_AFTER_VOID, _reason(listed), now)


def _print_refused(s: Session, case_id: str, number: str) -> bool:
    """Whether the county refused a print of the receipt (it had the void first): the printing
    counter lists that refusal already (services/sync/conflicts.py), its paper to take back.
    Its print stays in the case's stream, so its time is after the void here too."""
    notes = s.scalars(
        select(EventRow.payload).where(
            EventRow.case_id == case_id, EventRow.type == ev.CONFLICT_RECORDED
        )
    )
    return any(p.get("event_type") in _PRINTS and p.get("act_receipt") == number for p in notes)


_PRINTS = frozenset((ev.RECEIPT_ISSUED, ev.RECEIPT_REPRINTED))


def _reason(pays: Sequence[Payment]) -> tuple[str, str]:
    """Names each receipt and its two times (both set: :attr:`Payment.printed_after_void`)."""
    zh, en = [], []
    for pay in pays:
        number = pay.receipt_number or pay.payment_id
        void, printed = (roc_minute(at) if at else "" for at in (pay.voided_at, pay.printed_at))
        zh.append(f"收據 {number} 已於 {void} 作廢，他櫃離線時仍於 {printed} 列印")
        en.append(f"Receipt {number} was voided at {void} and printed at {printed}")
    if len(pays) == 1:
        return (
            f"{zh[0]}：民眾手上的收據無效，請收回",
            f"{en[0]} by a counter offline that did not know: the paper in the citizen's hand "
            "is void; take it back",
        )
    return (
        f"{'；'.join(zh)}：民眾手上的這些收據無效，請收回",
        f"{'; '.join(en)}, by a counter offline that did not know: the papers in the "
        "citizen's hand are void; take them back",
    )
