"""The quick converters of the bulk writes (storage/fast_values.py) give exactly the values
the column types' own processors give, on every converting column of ``events`` and
``cases``, and the batch tuples equal the generic conversion's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import JSON, Date, DateTime, Table
from sqlalchemy.dialects import postgresql, sqlite

from eservice_desktop.storage import fast_values
from eservice_desktop.storage.bulk_rows import _converted
from eservice_desktop.storage.models import CaseRow, EventRow

DIALECT = sqlite.dialect()
TAIPEI = timezone(timedelta(hours=8))
TIMES: list[Any] = [
    datetime(2026, 3, 10, 1, 2, 3, 456789, tzinfo=UTC),
    datetime(2026, 3, 10, 1, 2, 3, tzinfo=UTC),
    datetime(2026, 3, 10, 9, 2, 3, 5, tzinfo=TAIPEI),
    datetime(2026, 3, 10, 1, 2, 3, 7),
    datetime(1, 1, 1),
    datetime(999, 12, 31, 23, 59, 59, 999999),
    date(2026, 3, 10),
    None,
]
DAYS: list[Any] = [date(2026, 3, 10), date(1, 1, 1), date(999, 12, 31), None]
JSONS: list[Any] = [
    {"n": 1, "t": "桃園", "x": [None, True, 2.5, '\u2028"\\'], "y": {}},
    [],
    "text",
    None,
]
#: The quick forms fast_values hands out instead of a column type's processor.
QUICK = (fast_values._time, fast_values._day, fast_values._json)
TABLES = [cast(Table, EventRow.__table__), cast(Table, CaseRow.__table__)]


def _core(column: Any) -> Any:
    impl = column.type.dialect_impl(DIALECT)
    return impl.bind_processor(DIALECT) or (lambda x: x)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_each_column_converts_as_its_type_does(table: Table) -> None:
    quick_ones = 0
    for column in table.c:
        convert = fast_values.converter(column, DIALECT) or (lambda x: x)
        kind = column.type
        samples = (
            TIMES if isinstance(kind, DateTime)
            else DAYS if isinstance(kind, Date)
            else JSONS if isinstance(kind, JSON)
            else [True, False, None]
        )  # fmt: skip
        for value in samples:
            assert convert(value) == _core(column)(value), (column.name, value)
        quick_ones += convert in QUICK
    # every time, day and JSON column of each table takes a quick form
    assert quick_ones == sum(isinstance(c.type, DateTime | Date | JSON) for c in table.c)


def test_elsewhere_the_values_go_as_they_are() -> None:
    pg = postgresql.dialect()
    for column in TABLES[1].c:
        convert = fast_values.converter(column, pg)
        assert convert is None or convert("v") == "v"


def test_batch_tuples_equal_the_generic_conversion() -> None:
    table = TABLES[1]
    names = ["case_id", "received_at", "received_day", "state", "consent", "closed_on_time"]
    rows = [
        {
            "case_id": f"c{i}",
            "received_at": t or datetime(2026, 1, 1),
            "received_day": d,
            "state": j,
            "consent": i % 2 == 0,
            "closed_on_time": None if i % 3 else True,
        }
        for i, (t, d, j) in enumerate(zip(TIMES, DAYS * 2, JSONS * 2, strict=True))
    ]
    want = _converted(rows, names, table, DIALECT)
    in_order = [[r[n] for n in names] for r in rows]
    assert fast_values.converted(table, DIALECT, names, in_order) == want


def test_the_quick_json_is_what_dumps_gives() -> None:
    values: list[Any] = [
        *JSONS,
        {"f": [0.1, -0.0, 1e300, float("inf"), float("-inf"), 10**40], 1: "k", None: 2},
        {"s": "\x00\x1f\x7f\ud800 é 王 😀", "t": True, "f": False, "n": None},
        [[[]], {}, [{}], ""],
        "王",
        12,
        2.5,
    ]
    for value in values:
        assert fast_values._json(value) == json.dumps(value), value
    nan = fast_values._json([float("nan")])
    assert nan == json.dumps([float("nan")]) == "[NaN]"
    with pytest.raises(TypeError):  # what dumps refuses, the quick form refuses too
        fast_values._json({"d": date(2026, 1, 1)})
    with pytest.raises(TypeError):
        json.dumps({"d": date(2026, 1, 1)})
