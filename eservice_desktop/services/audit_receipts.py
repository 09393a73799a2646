"""``audit verify``'s second check: the ``receipts`` table against the money events.

The hash chain proves the events untouched, but the daily closing, receipt look-ups and
reprints read the ``receipts`` projection: an amount changed there directly (``UPDATE receipts
SET amount = …``) went unnoticed and the closing printed it. The table is rebuilt in memory
from the money events the audit has already read (``projections.ReceiptBook``, the very code
the ingest keeps it with, from no rows) and compared with what is stored, in one read of the
table: no query per receipt, whatever the size of the office.

Only columns the events fix and retention never rewrites are compared (free texts such as the
void reason or a card reference may be pseudonymised in the events, not in the table); what
is reported names receipt numbers, columns and amounts, never a person.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def _rebuilt(money: Sequence[Event]) -> dict[str, Any]:
    """The receipts the money events project from none, in their order, by number."""
    book = ReceiptBook(None, money)
    book.take(money)
    return book.by_number


def _stored(s: Session) -> dict[str, tuple[Any, ...]]:
    """The table's rows as SQLite holds them, the :data:`COMPARED` columns in order (no type
    conversion: a value edited into text, or into a date that is none, is read as it is and
    found different, never raised on)."""
    columns = [type_coerce(getattr(ReceiptRow, c), Text) for c in ("number", *COMPARED)]
    return {str(r[0]): tuple(r[1:]) for r in s.execute(select(*columns))}


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


def check(s: Session, money: Sequence[Event]) -> ReceiptsCheck:
    """The ``receipts`` table of ``s`` against the receipts ``money`` (every money event of
    the database, in stream order) projects."""
    expected = _rebuilt(money)
    stored = _stored(s)
    found: list[dict[str, Any]] = []
    for number in sorted(set(expected) | set(stored)):
        want, have = expected.get(number), stored.get(number)
        if want is None:
            found.append({"number": number, "what": UNEXPLAINED, "fields": []})
        elif have is None:
            found.append({"number": number, "what": MISSING, "fields": []})
        elif tuple(_raw(getattr(want, c)) for c in COMPARED) == have:
            continue
        elif fields := [
            c for c, v in zip(COMPARED, have, strict=True) if not _same(getattr(want, c), v)
        ]:
            entry: dict[str, Any] = {"number": number, "what": EDITED, "fields": fields}
            if "amount" in fields:
                stored_amount = have[COMPARED.index("amount")]
                entry |= {"amount_events": want.amount, "amount_stored": stored_amount}
            found.append(entry)
    return ReceiptsCheck(len(expected), len(found), found[:SHOWN])
