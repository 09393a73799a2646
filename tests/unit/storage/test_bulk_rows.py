"""The bulk inserts (storage/bulk_rows.py) store on SQLite exactly what a Core insert of the same
rows stores: rows taken with one ``itemgetter``, converted only where a column converts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import MetaData, Table, create_engine, insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from eservice_desktop.storage.bulk_rows import _converted, insert_tuples
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


def _stored(rows: list[dict[str, Any]], names: list[str], bulk: bool) -> list[tuple[Any, ...]]:
    """What SQLite holds after ``rows`` went in through a Core insert, or through
    :func:`insert_tuples` of :func:`_converted`'s tuples: the raw column values read back."""
    table = Table("t", MetaData(), *(cast(Table, EventRow.__table__).c[n]._copy() for n in names))
    engine = create_engine("sqlite://")
    table.create(engine)
    with Session(engine) as s, s.begin():
        if bulk:
            insert_tuples(s, table, names, _converted(rows, names, table, s.connection().dialect))
        else:
            s.execute(insert(table), rows)
        cols = ", ".join(names)
        return [tuple(r) for r in s.connection().exec_driver_sql(f"SELECT {cols} FROM t")]


def test_rows_are_stored_as_a_core_insert_stores_them() -> None:
    names = ["event_id", "at", "payload", "acked_at", "prev"]
    rows = [
        {
            "event_id": f"e{i}",
            "at": t,
            "payload": {"n": i, "t": "桃園"},
            "acked_at": None if i % 2 else t,
            "prev": None,
        }
        for i, t in enumerate(x for x in TIMES if isinstance(x, datetime))
    ]
    core = _stored(rows, names, bulk=False)
    assert _stored(rows, names, bulk=True) == core
    assert {r[1] for r in core} >= {"2026-03-10 01:02:03.456789", "2026-03-10 01:02:03.000000"}
    table = cast(Table, EventRow.__table__)
    assert _converted(rows, ["event_id"], table, DIALECT) == [(r["event_id"],) for r in rows]
