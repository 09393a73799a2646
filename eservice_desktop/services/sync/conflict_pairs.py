"""A void is one act of two events, the payment's and the receipt's
(:func:`services.payments_corrections.void_receipt`): a county that refuses the void refuses
both, and each refusal is a row of its own (``storage.sync_conflicts``: one per event). The
conflicts list showed the one void twice, ``sync status`` counted two conflicts, and the
supervisor resolved it twice (the first resolution left the case flagged at the pickup desk).
The list shows the payment's row for both, and resolving either resolves the pair."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncConflictRow

_VOIDS = (ev.PAYMENT_VOIDED, ev.RECEIPT_VOIDED)


def receipt_rows(s: Session, rows: Sequence[SyncConflictRow]) -> dict[str, str]:
    """Each open row of a refused receipt void whose payment's void is open too (the same case
    and receipt), mapped to the payment's row: the rows the list does not show apart."""
    voids = [r for r in rows if r.event_type in _VOIDS and r.resolved_at is None]
    if len({r.event_type for r in voids}) < 2:
        return {}
    receipt = _act_receipts(s, {r.case_id for r in voids})
    payments = {
        (r.case_id, receipt[r.conflict_id]): r.conflict_id
        for r in voids
        if r.event_type == ev.PAYMENT_VOIDED and receipt.get(r.conflict_id)
    }
    out: dict[str, str] = {}
    for r in voids:
        key = (r.case_id, receipt.get(r.conflict_id, ""))
        if r.event_type == ev.RECEIPT_VOIDED and key in payments:
            out[r.conflict_id] = payments[key]
    return out


def _act_receipts(s: Session, case_ids: Iterable[str]) -> dict[str, str]:
    """The receipt each conflict's note names (``act_receipt``, said by the counter that made
    the act: a counter that only mirrors the row holds the note, not the act)."""
    notes = s.scalars(
        select(EventRow.payload).where(
            among(EventRow.case_id, list(case_ids)), EventRow.type == ev.CONFLICT_RECORDED
        )
    )
    return {str(p.get("conflict_id", "")): str(p.get("act_receipt", "") or "") for p in notes}


def open_void_rows(s: Session) -> list[SyncConflictRow]:
    """Every open row of a refused void (few: the only rows :func:`receipt_rows` pairs)."""
    return list(
        s.scalars(
            select(SyncConflictRow).where(
                SyncConflictRow.resolved_at.is_(None), SyncConflictRow.event_type.in_(_VOIDS)
            )
        )
    )


def paired_with(s: Session, row: SyncConflictRow) -> list[SyncConflictRow]:
    """The other open rows of ``row``'s void (none for any other row), resolved with it."""
    if row.event_type not in _VOIDS:
        return []
    same_case = [r for r in open_void_rows(s) if r.case_id == row.case_id]
    pairs = receipt_rows(s, same_case)
    payment = pairs.get(row.conflict_id, row.conflict_id)
    ids = {a for a, b in pairs.items() if b == payment} | {payment}
    return [r for r in same_case if r.conflict_id in ids - {row.conflict_id}]
