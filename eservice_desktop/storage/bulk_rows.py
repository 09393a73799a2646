"""Multi-row inserts of plain values: one driver ``executemany`` on SQLite, each value
converted as a Core insert would convert it; a Core insert elsewhere. The bulk paths (the
office's ingest, the county's push rows) write through these; importable from
``storage.repo`` too."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

__all__ = ["as_tuples", "driver_value", "insert_rows", "insert_tuples"]


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """A multi-row insert of ``rows`` (dicts with the same keys) into ``table`` through
    :func:`insert_tuples` (rows with other keys: one Core insert)."""
    if not rows:
        return
    names = list(rows[0])
    if any(r.keys() != rows[0].keys() for r in rows):
        session.connection().execute(insert(table), rows)
        return
    dialect = session.connection().dialect
    insert_tuples(session, table, names, _converted(rows, names, table, dialect))


def _converted(
    rows: list[dict[str, Any]], names: list[str], table: Table, dialect: Any
) -> list[tuple[Any, ...]]:
    """``rows`` as tuples in the order of ``names``, each value as :func:`driver_value` wants
    it (a bulk batch writes ~40 columns of 20,000 rows)."""
    steps = [
        (i, p)
        for i, n in enumerate(names)
        if (p := driver_value(table.c[n], dialect)) is not _same_value
    ]
    return as_tuples(rows, names, steps)


def as_tuples(
    rows: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    steps: Sequence[tuple[int, Callable[[Any], Any]]],
) -> list[tuple[Any, ...]]:
    """``rows`` (dicts with the keys ``names``) as tuples in the order of ``names``, the value
    at each index of ``steps`` passed through its function: the values taken with one C
    ``itemgetter`` per row, and only the converting columns visited one by one."""
    take = itemgetter(*names) if len(names) > 1 else (lambda r: (r[names[0]],))
    if not steps:
        return [tuple(take(r)) for r in rows]
    out: list[tuple[Any, ...]] = []
    for r in rows:
        values = list(take(r))
        for i, p in steps:
            values[i] = p(values[i])
        out.append(tuple(values))
    return out


def insert_tuples(
    session: Session, table: Table, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """A multi-row insert of ``rows`` (values in the order of ``names``, each converted by
    :func:`driver_value`): on SQLite one driver ``executemany``, which stores exactly what a
    Core insert stores without Core compiling and converting every row's dict (a third of a
    bulk batch's insert); elsewhere the Core insert of the same rows."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(names, r, strict=True)) for r in rows])
        return
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' * len(names))})"
    )
    conn.exec_driver_sql(sql, rows)


def driver_value(column: Any, dialect: Any) -> Callable[[Any], Any]:
    """How :func:`insert_tuples` wants a value of ``column``: on SQLite what a Core insert does
    to it before the driver gets it (the column type's bind processor); elsewhere the value
    itself (Core converts it there)."""
    if dialect.name != "sqlite":
        return _same_value
    return column.type.dialect_impl(dialect).bind_processor(dialect) or _same_value


def _same_value(value: Any) -> Any:
    return value
