"""The ``receipts`` projection of a batch's money events (services/projections.py, which
re-exports its names): one row per payment, kept in step by every money event, whichever
device took the money."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import UTC
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Event
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import to_roc
from eservice_desktop.storage import repo
from eservice_desktop.storage.batch_sql import among
from eservice_desktop.storage.fast_values import converted
from eservice_desktop.storage.models_payments import ReceiptRow

log = logging.getLogger("eservice.ingest")


def project_payments(session: Session, events: Sequence[Event], key_id: str = "") -> None:
    """Keeps ``receipts`` in step with payment/receipt events (local or synced), in order:
    ``services.ingest`` calls it with every money event of a batch, so receipts issued on other
    devices (pulled from the county) appear in look-ups and in the office's closing; replaying
    is harmless. A payment without a receipt number is not a receipt and is left out; the same
    payment id under a second number (an online payment recorded by two devices) is logged and
    left out too — the case projection shows the double payment, for the clerk to refund —
    and so is a number whose place in its series a receipt here already holds (``_series``).
    An online payment's receipt issued by a counter (``case.online_receipt_issued``) makes its
    row as a payment with its number would; a second counter's, issued offline at the same
    time, is logged and left out the same way.

    Set-based: the receipts the events name are loaded in one query and changed in memory;
    the new ones (with whatever later events of the batch did to them) are written with one
    multi-row insert, the changed ones with one flush."""
    if not events:
        return
    book = ReceiptBook(session, events)
    book.take(events, key_id)
    if book.new:
        _insert_receipts(session, book.new)
    session.flush()


_RECEIPTS = cast(Table, ReceiptRow.__table__)


def _insert_receipts(session: Session, new: list[SimpleNamespace]) -> None:
    """The batch's new receipts in one multi-row insert, each row's values in the order
    :func:`_receipt_values` gives them and converted by ``storage.fast_values`` (the C forms
    of the time, date and JSON texts, checked against the columns' own converters), as the
    ``cases`` rows of a batch are: the generic conversion of 28 columns per row, by the
    columns' Python bind processors, was half of a seed batch's receipts insert. Every row
    has the same columns in the same order: :func:`_receipt_values` gives each of them."""
    names = list(vars(new[0]))
    dialect = session.connection().dialect
    rows = [list(vars(r).values()) for r in new]
    repo.insert_tuples(session, _RECEIPTS, names, converted(_RECEIPTS, dialect, names, rows))


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
        #: the places in their series that receipts here hold, and each recorded payment's
        #: place (:func:`_series`, worked out once for the look-up and the new row)
        self.taken, self.places = (set(), {}) if session is None else _series_taken(session, events)

    def take(self, events: Sequence[Event], key_id: str = "") -> None:
        """The money events, in stream order: a payment records its receipt, every other
        event changes one."""
        for event in events:
            if event.type in _RECORDS:
                self.record(event, key_id)
            else:
                self.change(event)

    def record(self, event: Event, key_id: str) -> None:
        p = event.payload
        number = p.get("receipt_number")
        if not number or str(number) in self.by_number:
            return
        if (held := self.by_payment.get(str(p["payment_id"]))) is not None:
            if event.type == ev.ONLINE_RECEIPT_ISSUED and _earlier_paper(held, event, str(number)):
                self._renumber(held, event, str(number), key_id)
                return
            log.warning("payment recorded twice under two receipt numbers: %s", number)
            return
        series = self.places.get(event.event_id) or _series(event, str(number))
        if series in self.taken:  # another number of the same place in a series ("-01"/"-R1")
            log.warning("receipt %s left out: its place in the series is taken", event.event_id)
            return
        self.taken.add(series)
        row = SimpleNamespace(**_receipt_values(event, str(number), key_id, series))
        self.new.append(row)
        self.by_number[row.number] = row
        self.by_payment.setdefault(row.payment_id, row)

    def _renumber(self, row: Any, event: Event, number: str, key_id: str) -> None:
        """``row`` becomes the receipt ``event`` issued: the paper of the online payment every
        counter keeps (``domain.online_receipt_rule.fold_online_receipt``); the other is a
        spare paper, in no row, as a second receipt of one payment always was."""
        values = _receipt_values(event, number, key_id, _series(event, number))
        del self.by_number[row.number]
        for name in _PAPER:
            setattr(row, name, values[name])
        self.by_number[number] = row

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
        elif event.type == ev.PAYMENT_METHOD_CORRECTED:  # the money's drawer line, not the paper
            card = p.get("to_method") == "card"
            row.method = str(p.get("to_method", row.method))
            row.reference = str(p.get("reference") or "") if card else ""
            row.tendered, row.change = None, 0
        elif event.type == ev.PAYMENT_SETTLED:
            row.deposit_date = str(p.get("deposit_date", row.deposit_date))
            row.settlement_number = str(p.get("settlement_number", row.settlement_number))
            row.deposited = bool(p.get("deposited", row.deposited))


#: A receipt row's columns that are its paper's, not its payment's (:meth:`ReceiptBook._renumber`).
_PAPER = (
    "number", "office", "device", "roc_year", "seq", "issued_at", "issued_day", "clerk",
    "print_count", "verification", "key_id",
)  # fmt: skip


def _earlier_paper(row: Any, event: Event, number: str) -> bool:
    """Whether ``event``'s receipt for an online payment was issued before the one ``row``
    holds (then: the smaller number), as the case's fold decides; a counter's receipt of a
    payment taken at the counter is never replaced."""
    return row.method == "online" and (event.at, number) < (repo.aware(row.issued_at), row.number)


#: The events that make a receipt row: a payment with its number, an online payment's receipt.
_RECORDS = frozenset((ev.PAYMENT_RECORDED, ev.ONLINE_RECEIPT_ISSUED))


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


def _series_taken(
    session: Session, events: Sequence[Event]
) -> tuple[set[Series], dict[str, Series]]:
    """The places the batch's new receipts would take that a receipt here holds already, and
    each recorded payment's place by event id. The numbers of a place's series travel as one
    parameter (``batch_sql.among``): a seed batch names 18,000, each a parameter of the
    statement compiled for that one batch before."""
    wanted: dict[tuple[str, str, int], set[int]] = {}
    places: dict[str, Series] = {}
    for e in events:
        if e.type in _RECORDS and (n := e.payload.get("receipt_number")):
            office, device, year, seq = places[e.event_id] = _series(e, str(n))
            wanted.setdefault((office, device, year), set()).add(seq)
    taken: set[Series] = set()
    for (office, device, year), seqs in wanted.items():
        at = (ReceiptRow.office == office) & (ReceiptRow.device == device)
        at &= (ReceiptRow.roc_year == year) & among(ReceiptRow.seq, sorted(seqs))
        taken.update(
            (office, device, year, seq) for seq in session.scalars(select(ReceiptRow.seq).where(at))
        )
    return taken, places


def _receipt_values(event: Event, number: str, key_id: str, series: Series) -> dict[str, Any]:
    """The ``receipts`` row of a recorded payment (or of an online payment's receipt, whose
    event has no ``method``: it is online), every column given."""
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
        method=str(p.get("method") or "online"),
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
