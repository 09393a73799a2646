"""``audit verify``'s second check: the ``receipts`` table against the money events.

The hash chain proves the events untouched, but the daily closing, receipt look-ups and
reprints read the ``receipts`` projection: an amount changed there directly (``UPDATE receipts
SET amount = …``) went unnoticed and the closing printed it. The table is rebuilt in memory
from the money events as the audit reads them (``projections.ReceiptBook``, the very code
the ingest keeps it with, from no rows) and compared with what is stored, in one read of the
table: no query per receipt, whatever the size of the office.

Only columns the events fix and retention never rewrites are compared (free texts such as the
void reason or a card reference may be pseudonymised in the events, not in the table); what
is reported names receipt numbers, columns and amounts, never a person.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from eservice_desktop.domain.events import Event
from eservice_desktop.services.projections import ReceiptBook
from eservice_desktop.storage.models_payments import ReceiptRow

#: The columns compared: money, place in the series, case, time, state.
COMPARED = (
    "office",
    "device",
    "roc_year",
    "seq",
    "case_id",
    "case_number",
    "payment_id",
    "method",
    "amount",
    "tendered",
    "change",
    "issued_at",
    "issued_day",
    "clerk",
    "status",
    "voided_at",
    "refunded",
    "print_count",
    "deposited",
    "deposit_date",
    "settlement_number",
)
#: At most this many disagreeing receipts are named (their total is counted).
SHOWN = 50

EDITED, MISSING, UNEXPLAINED = "edited", "missing", "unexplained"


@dataclass
class ReceiptsCheck:
    """How many receipts the events give, and those the table does not hold as given."""

    checked: int
    differ: int
    #: ``{"number", "what": edited|missing|unexplained, "fields": [...]}`` (and the two
    #: amounts when the amount differs), at most :data:`SHOWN`, by number.
    receipts: list[dict[str, Any]]


class Rebuild:
    """The receipts the money events project from none (``projections.ReceiptBook``, the code
    the ingest keeps the table with), fed one event at a time in stream order: the audit reads
    the events a few thousand at a time, and holds the receipts, not the events."""

    def __init__(self) -> None:
        self.book = ReceiptBook(None, ())

    def take(self, event: Event) -> None:
        self.book.take((event,))

    @property
    def by_number(self) -> dict[str, Any]:
        return self.book.by_number


def _stored(s: Session) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """The table's rows as SQLite holds them, the :data:`COMPARED` columns in order (no type
    conversion: a value edited into text, or into a date that is none, is read as it is and
    found different, never raised on), read a few thousand at a time."""
    columns = [type_coerce(getattr(ReceiptRow, c), Text) for c in ("number", *COMPARED)]
    rows = s.execute(select(*columns).execution_options(yield_per=2000))
    return ((str(r[0]), tuple(r[1:])) for r in rows)


def _raw(value: Any) -> Any:
    """A rebuilt value as SQLite stores it (SQLAlchemy's text of a time, 0/1 of a flag): one
    tuple comparison tells an untouched row, the column-by-column reading only an edited one."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _same(expected: Any, stored: Any) -> bool:
    if isinstance(expected, bool):
        return type(stored) is int and stored in (0, 1) and bool(stored) == expected
    if isinstance(expected, date):  # a datetime too
        want = expected.astimezone(UTC) if isinstance(expected, datetime) else expected
        return bool(_when(stored, type(expected)) == want)
    if isinstance(expected, int):
        return type(stored) is int and stored == expected
    return bool(stored == expected)


def _when(stored: Any, kind: type) -> Any:
    """A stored time or day as a value (UTC-aware), or the text itself when it is neither."""
    try:
        if kind is datetime:
            at = datetime.fromisoformat(str(stored))
            return at if at.tzinfo else at.replace(tzinfo=UTC)
        return date.fromisoformat(str(stored))
    except ValueError:
        return stored


def check(s: Session, money: Rebuild) -> ReceiptsCheck:
    """The ``receipts`` table of ``s`` against the receipts ``money`` (fed every money event of
    the database, in stream order) projects; the table is read as it is compared, not held."""
    expected = money.by_number
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, have in _stored(s):
        seen.add(number)
        want = expected.get(number)
        if want is None:
            found.append({"number": number, "what": UNEXPLAINED, "fields": []})
        elif (entry := _differs(number, want, have)) is not None:
            found.append(entry)
    found += [{"number": n, "what": MISSING, "fields": []} for n in expected if n not in seen]
    found.sort(key=lambda f: str(f["number"]))
    return ReceiptsCheck(len(expected), len(found), found[:SHOWN])


def _differs(number: str, want: Any, have: tuple[Any, ...]) -> dict[str, Any] | None:
    """How a stored row differs from the rebuilt one, or None when it does not."""
    if tuple(_raw(getattr(want, c)) for c in COMPARED) == have:
        return None
    fields = [c for c, v in zip(COMPARED, have, strict=True) if not _same(getattr(want, c), v)]
    if not fields:
        return None
    entry: dict[str, Any] = {"number": number, "what": EDITED, "fields": fields}
    if "amount" in fields:
        entry |= {"amount_events": want.amount, "amount_stored": have[COMPARED.index("amount")]}
    return entry
