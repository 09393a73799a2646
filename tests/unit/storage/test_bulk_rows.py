"""The bulk inserts' values (storage/bulk_rows.py) are the very values a Core insert hands the
SQLite driver: rows taken with one ``itemgetter``, converted only where a column converts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import sqlite

from eservice_desktop.storage.bulk_rows import _converted
from eservice_desktop.storage.models import EventRow

DIALECT = sqlite.dialect()
TAIPEI = timezone(timedelta(hours=8))
TIMES: list[Any] = [
    datetime(2026, 3, 10, 1, 2, 3, 456789, tzinfo=UTC),
    datetime(2026, 3, 10, 1, 2, 3, tzinfo=UTC),  # no microseconds: still written
    datetime(2026, 3, 10, 9, 2, 3, 5, tzinfo=TAIPEI),
    datetime(2026, 3, 10, 1, 2, 3, 7),  # naive
    datetime(1, 1, 1),
    datetime(999, 12, 31, 23, 59, 59, 999999),
    date(2026, 3, 10),
    None,
]


def _core(column: Any) -> Any:
    impl = column.type.dialect_impl(DIALECT)
    return impl.bind_processor(DIALECT) or (lambda x: x)


def test_rows_are_converted_as_core_converts_them() -> None:
    table = cast(Table, EventRow.__table__)
    names = ["event_id", "at", "payload", "acked_at", "prev"]
    rows = [
        {
            "event_id": f"e{i}",
            "at": t,
            "payload": {"n": i, "t": "桃園"},
            "acked_at": None,
            "prev": None,
        }
        for i, t in enumerate(x for x in TIMES if isinstance(x, datetime))
    ]
    want = [tuple(_core(table.c[n])(r[n]) for n in names) for r in rows]
    assert _converted(rows, names, table, DIALECT) == want
    assert _converted(rows, ["event_id"], table, DIALECT) == [(r["event_id"],) for r in rows]
