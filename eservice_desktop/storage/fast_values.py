"""Driver values of the office's bulk writes, made by C methods where the column type's own
converter takes Python formatting per value.

A pulled page writes thousands of ``events`` and ``cases`` rows as driver tuples
(``storage.bulk_rows.insert_tuples``), each value converted as a Core insert would convert it
(``driver_value``: the type's bind processor). On SQLite those processors format a date with
a ``%`` dict and wrap ``json.dumps`` in checks: a third of a row's Python cost. The same text
comes from ``date.isoformat`` and ``json.dumps``'s own C encoder (:func:`_json`, called
without ``dumps``'s Python around it: half the cost of a payload's text). :func:`converter`
hands out the quick form only after it gave exactly what the column's processor gives for
probe values (else the processor itself), so what is stored cannot differ.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Table

from eservice_desktop.storage.bulk_rows import driver_value

_PROBE_DAYS = (date(2026, 3, 10), date(999, 1, 2), None)
_PROBE_TIMES = (
    datetime(2026, 3, 10, 1, 2, 3, tzinfo=UTC),
    datetime(999, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=8))),
    datetime(2026, 3, 10, 1, 2, 3, 7),
    date(2026, 3, 10),
    None,
)
_PROBE_JSON: tuple[Any, ...] = (
    {"a": 1, "b": [1, 2.5, None, True], "名": "王小明", "c": {"d": ""}},
    [],
    {"e": "\u2028\n\"'\\"},
    None,
)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):  # a bare date, as the type's processor takes it
        return "%04d-%02d-%02d 00:00:00.000000" % (value.year, value.month, value.day)  # noqa: UP031
    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (  # noqa: UP031 (the quickest form)
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def _c_json() -> Callable[[Any], str]:
    """``json.dumps`` with its defaults, as the C encoder it ends in (``json.encoder``'s
    ``iterencode`` one-shot path, with the same arguments); ``json.dumps`` itself when this
    Python has no C encoder. Without the circular-reference markers: a value that refers to
    itself (never a parsed or folded payload) fails with RecursionError instead."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    base = json.JSONEncoder()
    encode = make(
        None,
        base.default,
        json.encoder.encode_basestring_ascii,
        None,
        base.key_separator,
        base.item_separator,
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    return dumps


_json = _c_json()


def converter(column: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """What :func:`storage.bulk_rows.driver_value` gives for ``column`` (None: the value as it
    is), quicker for a date, time or JSON column on SQLite when the quick form gives the same
    values."""
    if column.type.dialect_impl(dialect).bind_processor(dialect) is None:
        return None
    slow = driver_value(column, dialect)
    if dialect.name != "sqlite":
        return slow
    kind = column.type
    quick: Callable[[Any], Any]
    probes: tuple[Any, ...]
    if isinstance(kind, DateTime):
        quick, probes = _time, _PROBE_TIMES
    elif isinstance(kind, Date):
        quick, probes = _day, _PROBE_DAYS
    elif isinstance(kind, JSON) and not kind.none_as_null:
        quick, probes = _json, _PROBE_JSON  # None too: 'null'
    else:
        return slow
    return quick if all(quick(p) == slow(p) for p in probes) else slow


def converted(
    table: Table, dialect: Any, names: Sequence[str], rows: list[list[Any]]
) -> list[tuple[Any, ...]]:
    """``rows`` (lists of values in the order of ``names``, converted in place) as driver
    tuples, each value converted by :func:`converter`: rows that the caller builds in column
    order, without a dict per row."""
    steps = [
        (i, f) for i, n in enumerate(names) if (f := converter(table.c[n], dialect)) is not None
    ]
    if not steps:
        return [tuple(r) for r in rows]
    for r in rows:
        for i, f in steps:
            r[i] = f(r[i])
    return [tuple(r) for r in rows]
