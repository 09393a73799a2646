"""The conflicts list every counter of the office keeps (``sync_conflicts``), beyond the
events the county refused this counter (:mod:`services.sync.conflicts`), from what the one
ingest takes in:

- a case over-paid (溢繳): :mod:`services.overpaid`;
- money taken on a case after it was cancelled or rejected: :mod:`services.paid_after_end`;
- a case handed over with fees due that no supervisor approved: :mod:`services.unpaid_handover`;
- an online payment's receipt issued at two counters offline: :mod:`services.receipt_issued_twice`;
- a receipt printed at one counter after another voided it: :mod:`services.printed_after_void`;
- another counter's conflict: its ``case.conflict_recorded`` note (the county refused that
  counter's handover of a case this one handed over first, its void of a receipt voided here
  first …) listed here too, under the same id; its ``case.conflict_resolved``, resolved on any
  counter, resolves it here. The case showed the conflict as open on every counter, and the
  supervisor at any counter but the refused one found it in no list to settle.
- this counter's own notes when they come back from the county (``sync recover``): a wiped
  counter rebuilt from the county lists its own open conflicts again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case import CaseState
from eservice_desktop.domain.events import Event
from eservice_desktop.services import (
    overpaid,
    paid_after_end,
    printed_after_void,
    receipt_issued_twice,
    unpaid_handover,
)
from eservice_desktop.storage import sync_conflicts
from eservice_desktop.storage.models_sync import SyncConflictRow


def follow(
    s: Session,
    before: Mapping[str, CaseState | None],
    after: Mapping[str, CaseState],
    applied: Sequence[Event],
    *,
    me: tuple[str, str],
    now: datetime,
) -> None:
    """The rows a batch's applied events open or resolve: ``before``, the states of its cases
    before it; ``me``, this counter's (office, device). The followers of the balance and of
    handovers compare each case's two states; another counter's notes are picked out of the
    batch's events by type first (a bulk batch holds some 130,000, and none or a few)."""
    overpaid.follow(s, before, after, applied, now)
    paid_after_end.follow(s, before, after, applied, now)
    unpaid_handover.follow(s, before, after, applied, now)
    receipt_issued_twice.follow(s, before, after, applied, now)
    printed_after_void.follow(s, before, after, applied, now)
    office = me[0]
    for e in applied:
        # another counter's note, or this counter's own come back from the county (``sync
        # recover`` of a wiped disk: skipped, the counter lost the conflicts it alone had
        # made); a note this counter wrote itself finds its row there already
        if e.type in _NOTES and e.office == office:
            _mirror(s, e)


#: The conflict notes a counter mirrors from another counter of its office.
_NOTES = frozenset((ev.CONFLICT_RECORDED, ev.CONFLICT_RESOLVED))

#: The codes of the rows each counter opens by itself, under an id of its own (the followers
#: above): a clerk's resolution of one at another counter names its code, not this row's id.
#: Resolved by hand at counter 01, the row stayed open at 02 until a refund.
_EACH_COUNTERS_OWN = frozenset(
    (
        overpaid.OVERPAID,
        paid_after_end.PAID_AFTER_END,
        unpaid_handover.UNPAID,
        receipt_issued_twice.ISSUED_TWICE,
        printed_after_void.PRINTED_AFTER_VOID,
    )
)


def follow_one(
    s: Session,
    before: CaseState | None,
    after: CaseState,
    e: Event,
    *,
    me: tuple[str, str],
    now: datetime,
) -> None:
    """:func:`follow` of one event."""
    follow(s, {e.case_id: before}, {e.case_id: after}, [e], me=me, now=now)


def _mirror(s: Session, note: Event) -> None:
    p = note.payload
    conflict_id = str(p.get("conflict_id", ""))
    row = s.get(SyncConflictRow, conflict_id)
    if note.type == ev.CONFLICT_RESOLVED:
        if row is not None and row.resolved_at is None:
            row.resolved_at, row.resolution = note.at, str(p.get("note", ""))
        elif row is None and p.get("reason_code") in _EACH_COUNTERS_OWN:
            # a row every counter opened under its own id: the case's row of that code here
            sync_conflicts.settle(
                s, note.case_id, str(p["reason_code"]), str(p.get("note", "")), note.at
            )
        return
    event_id = str(p.get("event_id", ""))
    if row is not None or not conflict_id or not event_id or sync_conflicts.noted(s, event_id):
        return
    code, zh, en = (str(p.get(k, "")) for k in ("reason_code", "reason_zh", "reason_en"))
    sync_conflicts.add(
        s,
        conflict_id=conflict_id,
        event_id=event_id,
        case_id=note.case_id,
        event_type=str(p.get("event_type", "")),
        reason=(code, zh, en),
        at=note.at,
    )
