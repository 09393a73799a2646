"""The spare papers of a day's closing: an online payment's receipt issued at two counters while
both were offline leaves one of the two papers in no row (``receipt_issued_twice``: the earlier
stands, the other is void and taken back from the citizen). Its number is used, its paper
printed, and the closing's receipt ranges read it as a number skipped (缺號 R000002): an auditor
asked where a receipt had gone that the conflicts list names as one to take back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.office_zone import day_bounds
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow
from eservice_desktop.storage.models_sync import SyncConflictRow


def day_spares(s: Session, office: str, dev: str | None, day: date) -> list[str]:
    """The receipt numbers this counter (``dev``; None: the office) issued on ``day`` (Taipei)
    as an online payment's receipt that another counter's earlier paper took the place of."""
    start, end = day_bounds(day)
    stmt = select(EventRow.payload).where(
        EventRow.type == ev.ONLINE_RECEIPT_ISSUED,
        EventRow.event_id.not_in(select(SyncConflictRow.event_id)),  # refused: on no closing
        EventRow.office == office,
        EventRow.at >= start,
        EventRow.at < end,
    )
    if dev is not None:
        stmt = stmt.where(EventRow.device == dev)
    issued = {str(p.get("receipt_number", "")) for p in s.scalars(stmt)} - {""}
    if not issued:
        return []
    kept = set(s.scalars(select(ReceiptRow.number).where(among(ReceiptRow.number, issued))))
    return sorted(issued - kept)
