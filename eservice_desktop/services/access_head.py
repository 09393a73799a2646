"""The access log's last link, kept beside it as the events' is (``event_chain_heads``):
``sync_state`` ``access_log_head``, written with every record (services/access.py ``append``)
and set by migration 0022 for the records made before.

The log was checked from its first record to its last only: its last records deleted from the
database file left a shorter log that verified, and the next record chained onto what was left
(a clerk's views of a citizen's case deleted, then any sign-in, and ``audit verify`` found the
log intact; the closing's print deleted, and the next closing no longer said that an earlier one
had been handed in). Now a record links from the head, so a gap stays a gap, and the log must
end where the head says (:func:`tail_break`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from eservice_desktop.domain import chain
from eservice_desktop.storage.models_audit import AccessLogRow
from eservice_desktop.storage.models_sync import SyncStateRow

#: ``sync_state`` name of the head: ``{"hash", "access_id", "office", "device", "case_id",
#: "case_number"}`` of the newest record (migration 0022 writes the same).
HEAD_STATE: Final = "access_log_head"
_KEPT: Final = ("hash", "access_id", "office", "device", "case_id", "case_number")


def read(s: Session) -> dict[str, Any] | None:
    """The head; None when there is none (an empty log, or a head deleted)."""
    row = s.get(SyncStateRow, HEAD_STATE)
    if row is None:
        return None
    try:
        head = json.loads(row.value)
    except ValueError:
        head = None
    # a head edited so that it no longer reads names no record: no record matches it
    return head if isinstance(head, dict) else {"hash": "", "access_id": ""}


def write(s: Session, record: dict[str, Any], at: datetime) -> None:
    """Moves the head onto ``record`` (a new record's JSON), in the caller's transaction."""
    value = json.dumps({k: record[k] for k in _KEPT}, ensure_ascii=False)
    row = s.get(SyncStateRow, HEAD_STATE)
    if row is None:
        s.add(SyncStateRow(name=HEAD_STATE, value=value, updated_at=at))
    else:
        row.value, row.updated_at = value, at


def tail_break(s: Session, last: AccessLogRow | None) -> dict[str, Any] | None:
    """The log must end where its head says: its last records deleted leave the head on the
    newest of them (named, with its case), and a head deleted leaves records without one
    (the last of them named). ``audit verify``'s break, or None."""
    head = read(s)
    if head is None and last is None:
        return None
    if head is not None and last is not None and last.hash == head.get("hash"):
        return None
    named: dict[str, Any] = head or {}
    if head is None and last is not None:
        named = {k: getattr(last, k) for k in _KEPT}
    access_id = str(named.get("access_id", ""))
    return {
        "table": "access_log",
        "office": str(named.get("office", "")),
        "device": str(named.get("device", "")),
        "case_id": str(named.get("case_id", "")),
        "case_number": str(named.get("case_number", "")),
        "access_id": access_id,
        "event_id": access_id,
        "what": chain.DELETED,
        "tail": True,
    }
