"""How the county's set-based reads and bulk writes reach each database: a push's look-ups of a
thousand ids, and its rows written in one statement per table (``COPY`` on PostgreSQL, the
driver's ``executemany`` on SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, cast

from sqlalchemy import String, Table, any_, bindparam, func, insert, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

from eservice_desktop.county.store import CountyBase
from eservice_desktop.storage import repo


def insert_rows(session: Session, entity: type[CountyBase], rows: list[dict[str, Any]]) -> None:
    """One multi-row insert of ``rows`` into ``entity``'s table, not through the ORM (its bulk
    insert does per-row bookkeeping that rows nobody loads back do not need): on SQLite one
    driver ``executemany`` of the values Core would bind (``storage.repo.insert_rows``: Core
    compiling and converting each row's dict cost as much as the insert), on PostgreSQL one
    ``COPY`` (:func:`_copy_rows`). Rows that leave out a column with a Python-side default, or
    whose keys differ, go through Core, which fills defaults in."""
    if not rows:
        return
    table = cast(Table, entity.__table__)
    keys = rows[0].keys()
    if any(c.default is not None and c.name not in keys for c in table.columns):
        session.execute(insert(table), rows)
        return
    conn = session.connection()
    if not all(r.keys() == keys for r in rows):
        repo.insert_rows(session, table, rows)  # through Core
        return
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, list(keys), rows)
        return
    names = list(keys)
    steps = [(n, _once_per_run(repo.driver_value(table.c[n], conn.dialect))) for n in names]
    repo.insert_tuples(session, table, names, [tuple([p(r[n]) for n, p in steps]) for r in rows])


def _once_per_run(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` (a column type's bind processor), which hands back its last result when
    given the very object it converted last: a push's rows share one ``now`` (received,
    created, updated at) and a case's feed rows one event document, and converting each again
    (a datetime to text, a document to JSON) was a tenth of writing the rows. Only within one
    insert, whose rows are made and no longer changed."""
    last: list[Any] = [_NOTHING, None]

    def converted(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return converted


_NOTHING = object()


def _copy_rows(
    conn: Connection, table: Table, names: list[str], rows: list[dict[str, Any]]
) -> None:
    """The rows through psycopg's ``COPY … FROM STDIN``: the values Core would bind (each
    column type's bind processor: JSON documents with the engine's serialiser), written by
    the driver's C row writer, without Core building and psycopg rewriting an ``INSERT`` of a
    thousand value lists (the push's rows cost twice as much on PostgreSQL as on SQLite).
    Server-side defaults (``seq``) fill the columns left out, as in an ``INSERT``."""
    dialect = conn.dialect
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    steps = [
        (n, None if p is None else _once_per_run(p)) for n, p in zip(names, processors, strict=True)
    ]
    quote = dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for r in rows:
            copy.write_row([r[n] if p is None else p(r[n]) for n, p in steps])


def among(s: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values`` for a push's set-based look-ups, with one parameter whatever the
    number of values: on PostgreSQL as ``= ANY`` of an array (psycopg rewrites every
    placeholder of a statement in Python, and a thousand-id IN list made each of a push's
    look-ups cost more than its query); on SQLite, text values as ``IN (SELECT value FROM
    json_each(?))`` of one JSON array (SQLAlchemy expands an IN list into a placeholder and
    a converted parameter per value, each time: a push's eight look-ups cost more in that
    than in SQLite; the index on ``column`` is searched once per value all the same)."""
    wanted = list(values)
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        return cast(
            "ColumnElement[bool]",
            column == any_(bindparam(None, wanted, type_=ARRAY(column.type))),
        )
    if dialect == "sqlite" and all(type(x) is str for x in wanted):
        array = bindparam(None, json.dumps(wanted, ensure_ascii=False), type_=String())
        each: Select[Any] = select(literal_column("value")).select_from(func.json_each(array))
        return cast("ColumnElement[bool]", column.in_(each))
    return cast("ColumnElement[bool]", column.in_(wanted))
