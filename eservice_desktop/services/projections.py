"""Projections beside the ``cases`` row, kept by :mod:`services.ingest` for every event.

Each is a function of the event alone (plus the rows it already wrote), so a database rebuilt
from the event stream (``sync recover``, :func:`services.payments.rebuild_receipts`) holds
the very same rows, and replaying an event is harmless.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import CaseState, apply
from eservice_desktop.domain.events import ENVELOPE, Event
from eservice_desktop.services.projections_receipts import ReceiptBook, project_payments
from eservice_desktop.storage import case_stats, repo
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import CaseRow, CounterRow, EventRow
from eservice_desktop.storage.models_pickup import PickupConsumedRow
from eservice_desktop.storage.models_reports import CaseLookupRow

log = logging.getLogger("eservice.ingest")

#: ``ReceiptBook`` and ``project_payments`` live in services/projections_receipts.py.
__all__ = [
    "ReceiptBook",
    "indexed_rows",
    "load_states",
    "project_lookup",
    "project_payments",
    "project_pickup",
    "project_side",
    "raise_counters",
    "token_digest",
    "update_cases",
]


_EVENTS = cast(Table, EventRow.__table__)


def project_lookup(session: Session, event: Event) -> None:
    """``case_lookups``: one row per ``case.lookup_done`` (the savings report counts them)."""
    if session.get(CaseLookupRow, event.event_id) is None:
        session.add(
            CaseLookupRow(
                event_id=event.event_id,
                case_id=event.case_id,
                kind=str(event.payload["kind"]),
                result_id=str(event.payload["result_id"]),
                sha256=str(event.payload["sha256"]),
                at=event.at,
            )
        )


def token_digest(token: str) -> str:
    """What ``pickup_consumed`` keeps of a pickup code (never the code itself)."""
    return hashlib.sha256(pt.token_bytes(token)).hexdigest()


def project_pickup(
    session: Session, event: Event, *, first: bool = False, ready_token: str | None = None
) -> None:
    """Keeps ``pickup_consumed`` in step with a handover, on whichever desk it happened.

    The code's digest travels in the event (``token_sha256``); an event without it falls back
    to the code of the case's latest ready-for-pickup event (``ready_token`` when at hand, else
    read from ``events``), an ID-card handover of a case without a code to the case's own key
    (``id_card_digest``); any other handover whose code is unknown consumes nothing.

    ``first`` (a handover at this desk): a code already consumed raises IntegrityError (the
    unique digest and case), the race ``handover`` reports. Otherwise (events from elsewhere,
    replays) the row already there is kept: a code handed over on two desks while they were
    apart shows as two pickup events in the case's history, it must not stop a sync page."""
    p = event.payload
    digest = str(p.get("token_sha256") or "")
    if not digest:
        token = ready_token
        if token is None:
            for payload in session.scalars(
                select(EventRow.payload)
                .where(EventRow.case_id == event.case_id, EventRow.type == ev.READY_FOR_PICKUP)
                .order_by(EventRow.seq)
            ):
                token = payload.get("token") or ""
        if not token and p.get("via") != pt.VIA_ID_CARD:
            return
        digest = token_digest(str(token)) if token else pt.id_card_digest(event.case_id)
    if not first and session.scalar(
        select(PickupConsumedRow.event_id).where(
            (PickupConsumedRow.token_digest == digest)
            | (PickupConsumedRow.case_id == event.case_id)
        )
    ):
        if session.get(PickupConsumedRow, digest) is None:
            log.warning("case handed over twice on different desks (event %s)", event.event_id)
        return
    session.add(
        PickupConsumedRow(
            token_digest=digest,
            case_id=event.case_id,
            event_id=event.event_id,
            office=event.office,
            device=event.device,
            clerk=event.clerk,
            via=str(p.get("via", "")),
            consumed_at=event.at.astimezone(UTC),
        )
    )
    session.flush()


def raise_counters(session: Session, highest: dict[str, int]) -> None:
    """Moves number counters up to the highest number events of this device already carry
    (a no-op for numbers the counter itself issued)."""
    rows = {
        r.name: r
        for r in session.scalars(select(CounterRow).where(CounterRow.name.in_(list(highest))))
    }
    for name, value in highest.items():
        row = rows.get(name)
        if row is None:
            session.add(CounterRow(name=name, value=value))
        elif row.value < value:
            row.value = value


def indexed_rows(session: Session, case_ids: list[str]) -> dict[str, Any]:
    """What the update of each case's row needs of it (its search key, the values its search
    entry indexed and its report count's key), as plain rows: no ORM object per case."""
    if not case_ids:
        return {}
    c = cast(Table, CaseRow.__table__).c
    query = select(
        c.case_id,
        c.search_key,
        *(
            c[n]
            for n in dict.fromkeys(
                ("case_number", "applicant_id", "applicant_name", *case_stats.KEY_COLUMNS)
            )
        ),
    )
    return {r.case_id: r for r in session.execute(query.where(among(c.case_id, case_ids)))}


def update_cases(session: Session, changed: list[dict[str, Any]]) -> None:
    """The rows of cases that have one, one ``executemany`` per set of columns (a row that
    gets its first search key has one more). A ``CaseRow`` the caller holds in the session is
    expired, so it reads the new values."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for values in changed:
        groups.setdefault(frozenset(values), []).append(values)
    cases = cast(Table, CaseRow.__table__)
    where = cases.c.case_id == bindparam("b_case_id")
    for rows in groups.values():
        session.execute(update(cases).where(where), rows)
    for values in changed:
        held = session.identity_map.get(session.identity_key(CaseRow, values["b_case_id"]))
        if held is not None:
            session.expire(held)


def project_side(
    session: Session, applied: Sequence[Event], me: tuple[str, str], *, first: bool = False
) -> None:
    """The projections beside ``cases`` of events :mod:`services.ingest` appended: receipts,
    handovers, look-ups and the counters of this device (``me``: office, device)."""
    counters: dict[str, int] = {}
    ready_tokens: dict[str, str] = {}  # the batch's own ready-for-pickup codes, by case
    project_payments(session, [e for e in applied if e.type in ev.MONEY_TYPES])
    for e in applied:
        if e.type == ev.LOOKUP_DONE:
            project_lookup(session, e)
        elif e.type == ev.READY_FOR_PICKUP:
            ready_tokens[e.case_id] = str(e.payload.get("token") or "")
        elif e.type == ev.PICKED_UP:
            project_pickup(session, e, first=first, ready_token=ready_tokens.get(e.case_id))
        if e.type in _NUMBERED and (e.office, e.device) == me:
            name, seq = _counter_of(e)
            if name and seq > counters.get(name, 0):
                counters[name] = seq
    if counters:
        raise_counters(session, counters)


#: The event types that use a number of their device's series (case, receipt).
_NUMBERED = frozenset((ev.RECEIVED, ev.PAYMENT_RECORDED, ev.ONLINE_RECEIPT_ISSUED))


def _counter_of(e: Event) -> tuple[str, int]:
    """The number series an event of this device used, and its number in it (the numbers
    were validated when they were issued: here they are only split)."""
    key = "case_number" if e.type == ev.RECEIVED else "receipt_number"
    parts = str(e.payload.get(key) or "").split("-")
    try:
        if e.type == ev.RECEIVED and len(parts) == 5:
            return f"case:{parts[0]}:{parts[1]}:{int(parts[2])}", int(parts[3])
        if len(parts) == 4 and parts[3].startswith("R"):
            return f"receipt:{parts[0]}:{parts[1]}:{int(parts[2])}", int(parts[3][1:])
    except ValueError:
        pass
    if parts != [""]:
        log.warning("event %s carries a number outside the known series", e.event_id)
    return "", 0


def load_states(
    session: Session, case_ids: set[str]
) -> tuple[dict[str, CaseState | None], set[str]]:
    """The current state of each case a batch of :mod:`services.ingest` touches, from one
    query over their streams, and the cases that already have a projection row."""
    states: dict[str, CaseState | None] = dict.fromkeys(case_ids)
    if not case_ids:
        return states, set()
    present = set(session.scalars(select(CaseRow.case_id).where(among(CaseRow.case_id, case_ids))))
    if not present:
        return states, present  # only new cases (intake, demo seeding): no stream to read
    # columns, not ORM objects: the rows are only folded
    rows = session.execute(
        select(*(_EVENTS.c[n] for n in _STREAM_COLUMNS))
        .where(among(_EVENTS.c.case_id, present))
        .order_by(_EVENTS.c.seq)
    )
    refused = repo.refused_of(session, present)  # undone: folded nowhere (domain project)
    for e in map(repo.row_to_event, rows):
        if e.event_id not in refused:
            states[e.case_id] = apply(states[e.case_id], e)
    return states, present


#: The ``events`` columns a stream is folded from, in the order of :class:`Event`'s fields.
_STREAM_COLUMNS = (*ENVELOPE, "payload", "prev", "hash")
