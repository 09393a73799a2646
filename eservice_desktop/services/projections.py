"""Projections beside the ``cases`` row, kept by :mod:`services.ingest` for every event.

Each is a function of the event alone (plus the rows it already wrote), so a database rebuilt
from the event stream (``sync recover``, :func:`services.payments.rebuild_receipts`) holds
the very same rows, and replaying an event is harmless.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import UTC
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import CaseState, apply
from eservice_desktop.domain.events import ENVELOPE, Event
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.storage import case_stats, repo
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.models import CaseRow, CounterRow, EventRow
from eservice_desktop.storage.models_payments import ReceiptRow
from eservice_desktop.storage.models_pickup import PickupConsumedRow
from eservice_desktop.storage.models_reports import CaseLookupRow

log = logging.getLogger("eservice.ingest")


_EVENTS = cast(Table, EventRow.__table__)


def project_payments(session: Session, events: Sequence[Event], key_id: str = "") -> None:
    """Keeps ``receipts`` in step with payment/receipt events (local or synced), in order:
    ``services.ingest`` calls it with every money event of a batch, so receipts issued on other
    devices (pulled from the county) appear in look-ups and in the office's closing; replaying
    is harmless. A payment without a receipt number is not a receipt and is left out; the same
    payment id under a second number (an online payment recorded by two devices) is logged and
    left out too — the case projection shows the double payment, for the clerk to refund —
    and so is a number whose place in its series a receipt here already holds (``_series``).

    Set-based: the receipts the events name are loaded in one query and changed in memory;
    the new ones (with whatever later events of the batch did to them) are written with one
    multi-row insert, the changed ones with one flush."""
    if not events:
        return
    book = ReceiptBook(session, events)
    book.take(events, key_id)
    if book.new:
        repo.insert_rows(session, _RECEIPTS, [vars(r) for r in book.new])
    session.flush()


_RECEIPTS = cast(Table, ReceiptRow.__table__)


class ReceiptBook:
    """The receipts a batch of money events names, by number and by payment id; without a
    session, none yet (``audit_receipts`` rebuilds the whole table in memory from the stream)."""

    def __init__(self, session: Session | None, events: Sequence[Event]) -> None:
        rows = [] if session is None else _named(session, events)
        self.by_number: dict[str, Any] = {r.number: r for r in rows}
        self.by_payment: dict[str, Any] = {}
        #: Receipts of this batch's payments, not written yet: plain rows (no ORM identity
        #: map or attribute events for thousands of objects in a bulk batch).
        self.new: list[SimpleNamespace] = []
        for r in rows:
            self.by_payment.setdefault(r.payment_id, r)
        self.taken = set() if session is None else _series_taken(session, events)

    def take(self, events: Sequence[Event], key_id: str = "") -> None:
        """The money events, in stream order: a payment records its receipt, every other
        event changes one."""
        for event in events:
            if event.type == ev.PAYMENT_RECORDED:
                self.record(event, key_id)
            else:
                self.change(event)

    def record(self, event: Event, key_id: str) -> None:
        p = event.payload
        number = p.get("receipt_number")
        if not number or str(number) in self.by_number:
            return
        if str(p["payment_id"]) in self.by_payment:
            log.warning("payment recorded twice under two receipt numbers: %s", number)
            return
        series = _series(event, str(number))
        if series in self.taken:  # another number of the same place in a series ("-01"/"-R1")
            log.warning("receipt %s left out: its place in the series is taken", event.event_id)
            return
        self.taken.add(series)
        row = SimpleNamespace(**_receipt_values(event, str(number), key_id, series))
        self.new.append(row)
        self.by_number[row.number] = row
        self.by_payment.setdefault(row.payment_id, row)

    def change(self, event: Event) -> None:
        """A money event on its own case's receipt, never another's, whatever it names."""
        p = event.payload
        number = p.get("receipt_number")
        row = None
        if number:
            row = self.by_number.get(str(number))
        elif p.get("payment_id"):
            row = self.by_payment.get(str(p["payment_id"]))
        if row is None or row.case_id != event.case_id:  # never another case's receipt
            return
        if event.type == ev.PAYMENT_REFUNDED:
            row.refunded += int(p["amount"])
        elif event.type in (ev.PAYMENT_VOIDED, ev.RECEIPT_VOIDED):
            if row.status != "void":
                row.status = "void"
                row.voided_at = event.at.astimezone(UTC)
                row.void_reason = str(p.get("reason", ""))
        elif event.type in (ev.RECEIPT_ISSUED, ev.RECEIPT_REPRINTED):
            row.print_count += 1
        elif event.type == ev.PAYMENT_SETTLED:
            row.deposit_date = str(p.get("deposit_date", row.deposit_date))
            row.settlement_number = str(p.get("settlement_number", row.settlement_number))
            row.deposited = bool(p.get("deposited", row.deposited))


def _named(session: Session, events: Sequence[Event]) -> list[ReceiptRow]:
    numbers = {str(n) for e in events if (n := e.payload.get("receipt_number"))}
    payment_ids = {str(i) for e in events if (i := e.payload.get("payment_id"))}
    # the values as one parameter each (storage.batch_sql): a bulk batch names ~20,000
    of_these = among(ReceiptRow.number, numbers) | among(ReceiptRow.payment_id, payment_ids)
    return list(session.scalars(select(ReceiptRow).where(of_these)))


Series = tuple[str, str, int, int]  # a receipt's place: office, device, ROC year, number
_DIGITS = re.compile(r"[0-9]{1,9}")


def _series(event: Event, number: str) -> Series:
    """Where ``number`` (``H01-02-115-R000003``) stands in its device's series; a number of
    another form (a pulled event's, any text) stands at 0 of the event's device and year:
    parsed as it came, one raised (``int("abc")``) out of the pull and stopped its page."""
    parts = number.split("-")
    seq = parts[-1].removeprefix("R")
    if len(parts) == 4 and _DIGITS.fullmatch(parts[2]) and _DIGITS.fullmatch(seq):
        return parts[0], parts[1], int(parts[2]), int(seq)
    return event.office, event.device, to_roc(event.at.astimezone(UTC).date())[0], 0


def _series_taken(session: Session, events: Sequence[Event]) -> set[Series]:
    """The places the batch's new receipts would take that a receipt here holds already."""
    wanted: dict[tuple[str, str, int], set[int]] = {}
    for e in events:
        if e.type == ev.PAYMENT_RECORDED and (n := e.payload.get("receipt_number")):
            office, device, year, seq = _series(e, str(n))
            wanted.setdefault((office, device, year), set()).add(seq)
    taken: set[Series] = set()
    for (office, device, year), seqs in wanted.items():
        at = (ReceiptRow.office == office) & (ReceiptRow.device == device)
        at &= (ReceiptRow.roc_year == year) & ReceiptRow.seq.in_(sorted(seqs))
        taken.update(
            (office, device, year, seq) for seq in session.scalars(select(ReceiptRow.seq).where(at))
        )
    return taken


def _receipt_values(event: Event, number: str, key_id: str, series: Series) -> dict[str, Any]:
    """The ``receipts`` row of a recorded payment, every column given."""
    p = event.payload
    at = event.at.astimezone(UTC)
    return dict(
        number=number,
        office=series[0],
        device=series[1],
        roc_year=series[2],
        seq=series[3],
        case_id=event.case_id,
        case_number=str(p.get("case_number", "")),
        payment_id=str(p["payment_id"]),
        method=str(p["method"]),
        amount=int(p["amount"]),
        tendered=None if p.get("tendered") is None else int(p["tendered"]),
        change=int(p.get("change") or 0),  # a value written as null is as absent (int(None))
        reference=str(p.get("reference") or ""),
        payment_tool=str(p.get("payment_tool") or ""),
        authorised_at=str(p.get("authorised_at") or ""),
        deposit_date=str(p.get("deposit_date") or ""),
        settlement_number=str(p.get("settlement_number") or ""),
        deposited=bool(p.get("deposited", False)),
        issued_at=at,
        issued_day=at.astimezone(TAIPEI).date(),
        clerk=event.clerk,
        status="valid",
        void_reason="",
        voided_at=None,
        refunded=0,
        print_count=0,
        verification=str(p.get("verification", "")),
        key_id=str(p.get("key_id", key_id)),
    )


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
_NUMBERED = frozenset((ev.RECEIVED, ev.PAYMENT_RECORDED))


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
