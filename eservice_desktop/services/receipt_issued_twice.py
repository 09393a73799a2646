"""An online payment two counters issued the office's receipt for while offline: both papers
are out, the county takes both (``domain.case_rules.taken_anyway``), and every counter keeps
the earlier (``domain.online_receipt_rule.fold_online_receipt``). The other paper is void and
still in the citizen's hand: every counter that learns of it lists a conflict to take it back,
which the supervisor resolves by hand once it is (the first counter's resolution settles the
others' rows: services/conflict_rows.py).

Called by :mod:`services.ingest` through :mod:`services.conflict_rows`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.online_receipt_rule import ISSUED_TWICE, spare_paper_error
from eservice_desktop.services.overpaid import last_events, open_row
from eservice_desktop.storage import repo, sync_conflicts
from eservice_desktop.storage.models import EventRow

__all__ = ["ISSUED_TWICE", "follow", "refuse_spare"]


def refuse_spare(s: Session, number: str) -> None:
    """Receipt ``number``, in no row, refused as the spare paper of an online payment when it
    is one (``receipt.issued_twice``, naming the receipt kept); nothing for any other number.
    Every look-up of one said 查無此收據號碼: a bank or an employer verifying the citizen's
    paper was told the office never issued it, and its reprint or void at the counter was
    refused as a mistyped number. Only online receipts' events are read (a few)."""
    found = s.scalars(
        select(EventRow.case_id).where(
            EventRow.type == ev.ONLINE_RECEIPT_ISSUED,
            EventRow.payload["receipt_number"].as_string() == number,
        )
    )
    for case_id in set(found):
        state = repo.load_state(s, case_id)
        if state is not None and (error := spare_paper_error(state, number)) is not None:
            raise error


def _spares(state: CaseState | None) -> dict[str, str]:
    """Each spare paper of the case's online payments, with the receipt kept in its place."""
    if state is None:
        return {}
    return {n: p.receipt_number or "" for p in state.payments for n in p.spare_receipts}


def follow(
    s: Session,
    before: Mapping[str, CaseState | None],
    after: Mapping[str, CaseState],
    applied: Sequence[Event],
    now: datetime,
) -> None:
    """Opens a conflict for each case the events gave a spare receipt (a case whose online
    payment had none), naming the papers; a case whose row is open already has it said anew
    with every spare and the paper kept (a third counter's paper, or an earlier one that
    took the kept one's place), never a second row. Only an online receipt's event gives
    one: the batch's events are picked by type first (a bulk batch holds some 130,000, and
    none)."""
    touched = {e.case_id for e in applied if e.type == ev.ONLINE_RECEIPT_ISSUED}
    opened: dict[str, dict[str, str]] = {}
    for case_id in touched:
        spares, was = _spares(after.get(case_id)), _spares(before.get(case_id))
        if not spares.items() - was.items():
            continue
        if sync_conflicts.is_open(s, case_id, ISSUED_TWICE):
            sync_conflicts.reword(s, case_id, ISSUED_TWICE, _reason(spares))
        elif new := {n: k for n, k in spares.items() if n not in was}:
            opened[case_id] = new  # none open, or resolved (its papers taken back): the new
    last = last_events(applied, set(opened))
    for case_id, papers in opened.items():
        open_row(s, last[case_id], ISSUED_TWICE, _reason(papers), now)


def _reason(spares: Mapping[str, str]) -> tuple[str, str]:
    """What the row asks: each spare paper taken back, the kept one named (the same for all:
    the fold keeps one paper per payment, and a case has one online payment to issue for)."""
    numbers = sorted(spares)
    kept = spares[numbers[0]]
    if len(numbers) == 1:
        return (
            f"同一筆線上繳費於兩櫃檯離線時各開立收據：以收據 {kept} 為準，"
            f"收據 {numbers[0]} 作廢，請向民眾收回",
            f"Two counters offline both issued a receipt for one online payment: receipt "
            f"{kept} stands, receipt {numbers[0]} is void; take it back from the citizen",
        )
    return (
        f"同一筆線上繳費於多個櫃檯離線時各開立收據：以收據 {kept} 為準，"
        f"收據 {'、'.join(numbers)} 作廢，請向民眾收回",
        f"Counters offline each issued a receipt for one online payment: receipt {kept} "
        f"stands, receipts {', '.join(numbers[:-1])} and {numbers[-1]} are void; take them "
        "back from the citizen",
    )
