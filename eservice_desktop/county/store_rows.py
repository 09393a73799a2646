"""How the county's set-based reads and bulk writes reach each database: a push's look-ups of a
thousand ids, and its rows written in one statement per table (``COPY`` on PostgreSQL, the
driver's ``executemany`` on SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    Integer,
    SmallInteger,
    String,
    Table,
    any_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from eservice_desktop.county.store import CountyBase
from eservice_desktop.storage import batch_sql, repo


class JsonText(str):
    """A JSON document already written as its text (a pushed payload as its hash was taken
    over, ``domain.chain.link_encoded``; an event document spliced from it): a JSON column of
    :func:`insert_tuples` stores the text as it is instead of encoding the document again.
    Only there: Core would encode it as a JSON string."""

    __slots__ = ()


def insert_rows(session: Session, entity: type[CountyBase], rows: list[dict[str, Any]]) -> None:
    """One multi-row insert of ``rows`` into ``entity``'s table, not through the ORM (its bulk
    insert does per-row bookkeeping that rows nobody loads back do not need): the rows as
    tuples through :func:`insert_tuples`. Rows that leave out a column with a Python-side
    default, or whose keys differ, go through Core, which fills defaults in."""
    if not rows:
        return
    table = cast(Table, entity.__table__)
    keys = rows[0].keys()
    if any(c.default is not None and c.name not in keys for c in table.columns):
        session.execute(insert(table), rows)
        return
    if not all(r.keys() == keys for r in rows):
        repo.insert_rows(session, table, rows)  # through Core
        return
    names = list(keys)
    take = itemgetter(*names) if len(names) > 1 else (lambda r: (r[names[0]],))
    insert_tuples(session, entity, names, list(map(take, rows)))


def insert_tuples(
    session: Session, entity: type[CountyBase], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """One multi-row insert of ``rows`` (values in the order of ``names``): on SQLite one driver
    ``executemany`` of the values Core would bind (Core compiling and converting each row's dict
    cost as much as the insert), on PostgreSQL one ``COPY`` (:func:`_copy_rows`), elsewhere a
    Core insert. Values are converted a column at a time, only in the columns whose type
    converts (a push writes 45,000 rows per 10,000 events, most of their values text)."""
    if not rows:
        return
    table = cast(Table, entity.__table__)
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name not in ("sqlite", "postgresql"):
        plain = [tuple(_decoded(v) for v in r) for r in rows]
        conn.execute(insert(table), [dict(zip(names, r, strict=True)) for r in plain])
        return
    rows = _bound(table, names, dialect, rows)
    if dialect.name == "postgresql":
        _copy_rows(conn, table, names, rows)
    else:
        repo.insert_tuples(session, table, names, rows)


def update_tuples(
    session: Session, entity: type[CountyBase], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Rows of ``entity`` updated by their primary key ``names[0]`` (values in the order of
    ``names``): on SQLite and PostgreSQL one driver ``executemany`` of one ``UPDATE … WHERE``,
    the values converted as for :func:`insert_tuples`; elsewhere Core's. (The ORM's bulk
    update by primary key built and bound each row through its unit of work: a push onto
    existing cases spent more in updating their rows than in inserting its events.) Like any
    Core update, it leaves objects the session already holds as they were: the push reads the
    rows it updates as columns, and nothing reads them through the ORM after it."""
    if not rows:
        return
    table = cast(Table, entity.__table__)
    conn = session.connection()
    dialect = conn.dialect
    key, *columns = names
    if dialect.name not in ("sqlite", "postgresql"):
        stmt = update(table).where(table.c[key] == bindparam("key_"))
        stmt = stmt.values({n: bindparam(n) for n in columns})
        conn.execute(stmt, [{"key_": r[0], **dict(zip(columns, r[1:], strict=True))} for r in rows])
        return
    mark = "?" if dialect.name == "sqlite" else "%s"
    quote = dialect.identifier_preparer.quote
    assignments = ", ".join(f"{quote(n)} = {mark}" for n in columns)
    sql = f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote(key)} = {mark}"
    conn.exec_driver_sql(sql, [(*r[1:], r[0]) for r in _bound(table, names, dialect, rows)])


def _bound(
    table: Table, names: Sequence[str], dialect: Any, rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """The rows with each value as Core would bind it for the driver (:func:`_conversions`),
    converted a column at a time, only in the columns whose type converts."""
    steps = _conversions(table, tuple(names), dialect)
    if not steps:
        return rows
    columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
    for i, convert in steps:
        columns[i] = _converted(convert, columns[i])
    return list(zip(*columns, strict=True))


@lru_cache(maxsize=64)
def _conversions(
    table: Table, names: tuple[str, ...], dialect: Any
) -> list[tuple[int, Callable[[Any], Any]]]:
    """Each converting column's place among ``names`` and what Core does to its values before
    the driver gets them (the type's bind processor; a JSON column's :class:`JsonText` kept;
    on SQLite a date or time written by the C ``isoformat``, :func:`_sqlite_time`)."""
    steps: list[tuple[int, Callable[[Any], Any]]] = []
    for i, name in enumerate(names):
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            continue
        if isinstance(column.type, JSON):
            steps.append((i, _json_kept(process, dialect.name == "postgresql")))
        elif dialect.name == "sqlite" and isinstance(column.type, Date | DateTime):
            steps.append((i, _sqlite_time(process, isinstance(column.type, DateTime))))
        else:
            steps.append((i, process))
    return steps


def _json_kept(process: Callable[[Any], Any], wrapped: bool) -> Callable[[Any], Any]:
    """The JSON column's processor, a :class:`JsonText` kept as it is: on PostgreSQL in the
    driver's JSON wrapper, as the processor hands out every other document (so a binary
    ``COPY`` writes it as JSON), with its text as its own encoding."""
    if not wrapped:
        return lambda value: value if type(value) is JsonText else process(value)
    from psycopg.types.json import Json

    def converted(value: Any) -> Any:
        return Json(value, str) if type(value) is JsonText else process(value)

    return converted


#: Values the SQLite date and time processors are checked against (their text must equal
#: the C ``isoformat``'s for each, else the processor is kept).
_TIME_SAMPLES = (
    datetime(2026, 3, 10, 1, 2, 3, tzinfo=UTC),
    datetime(2026, 3, 10, 9, 2, 3, 45, tzinfo=timezone(timedelta(hours=8))),
    datetime(99, 12, 31, 23, 59, 59, 999999),
)


def _sqlite_time(process: Callable[[Any], Any], with_time: bool) -> Callable[[Any], Any]:
    """SQLite's ``DateTime``/``Date`` bind processor for plain ``datetime``/``date`` values as
    the C ``isoformat`` writes the same text (``2026-03-10 01:02:03.000000``, the wall time
    without its zone, and ``2026-03-10``) at half the cost: every event's time and every
    case's days pass here. Anything else (a subclass, a ``date`` in a time column, None)
    goes through ``process``; so does every value when a sample's text differs (a storage
    format of the dialect's own)."""
    if with_time:

        def converted(value: Any) -> Any:
            if type(value) is datetime:
                return value.isoformat(" ", "microseconds")[:26]
            return process(value)

        same = all(converted(v) == process(v) for v in _TIME_SAMPLES)
    else:

        def converted(value: Any) -> Any:
            return value.isoformat() if type(value) is date else process(value)

        same = all(converted(v.date()) == process(v.date()) for v in _TIME_SAMPLES)
    return converted if same else process


def _decoded(value: Any) -> Any:
    return json.loads(value) if type(value) is JsonText else value


def _converted(convert: Callable[[Any], Any], values: Iterable[Any]) -> list[Any]:
    """``convert`` (a column's bind processor) of each value, handing back its last result
    when given the very object it converted last: a push's rows share one ``now`` (received,
    created, updated at) and a case's feed rows one event document, and converting each again
    (a datetime to text, a document to JSON) was a tenth of writing the rows. Only within one
    insert, whose rows are made and no longer changed."""
    out: list[Any] = []
    add = out.append
    last: Any = _NOTHING
    done: Any = None
    for value in values:
        if value is not last:
            last, done = value, convert(value)
        add(done)
    return out


_NOTHING = object()


def _copy_rows(
    conn: Connection, table: Table, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """The rows (converted as Core would bind them: JSON documents with the engine's
    serialiser) through psycopg's ``COPY … FROM STDIN``, written by the driver's C row writer,
    without Core building and psycopg rewriting an ``INSERT`` of a thousand value lists (the
    push's rows cost twice as much on PostgreSQL as on SQLite). Server-side defaults (``seq``)
    fill the columns left out, as in an ``INSERT``.

    In the binary format when every column's type has one here (:func:`_binary_types`): the
    driver then writes each time as its 8 bytes instead of text the server parses again (a
    push's event and feed rows cost about half the driver's CPU). A JSON document's binary
    form is its text (the server checks it as JSON either way)."""
    quote = conn.dialect.identifier_preparer.quote
    types = _binary_types(table, tuple(names), conn.dialect)
    sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    if types is not None:
        sql += " (FORMAT BINARY)"
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(sql) as copy:
        if types is not None:
            copy.set_types(types)
        for r in rows:
            copy.write_row(r)


#: The PostgreSQL type whose binary format psycopg writes for a column's values as Core binds
#: them, by the column type as PostgreSQL stores it, the most specific first; None: no binary
#: form here (a ``SmallInteger`` is an ``int2``, a ``JSONB`` has a binary form of its own, an
#: ``Enum`` is a type of the database's; ``Text`` is a ``String``, ``BigInteger`` an ``Integer``).
_BINARY: tuple[tuple[type[Any], str | None], ...] = (
    (postgresql.JSONB, None),
    (JSON, "json"),
    (Enum, None),
    (String, "text"),
    (SmallInteger, "int2"),
    (BigInteger, "int8"),
    (Integer, "int4"),
    (Boolean, "bool"),
    (DateTime, "timestamp"),
    (Date, "date"),
)


@lru_cache(maxsize=64)
def _binary_types(table: Table, names: tuple[str, ...], dialect: Any) -> list[str] | None:
    """The types of a binary ``COPY`` of ``names``; None when one has none here (text
    ``COPY`` then). Each column's type is taken as ``dialect`` implements it, so a variant
    for PostgreSQL counts, not the generic type."""
    types: list[str] = []
    for name in names:
        kind = table.c[name].type.dialect_impl(dialect)
        found = next((pg for t, pg in _BINARY if isinstance(kind, t)), None)
        if found is None:
            return None
        if found == "timestamp" and cast(DateTime, kind).timezone:
            found = "timestamptz"
        types.append(found)
    return types


def among(s: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values`` for a push's set-based look-ups, with one parameter whatever the
    number of values, text values as one JSON array: on PostgreSQL ``IN`` the rows its
    elements make (``SELECT value FROM json_array_elements_text(…)``), which the planner joins:
    by the index on ``column`` on a large table, by hashing the thousand values on a small one.
    (``= ANY`` of an array made from them was searched through the index only once the table
    was analysed; a county whose tables grew since, as every new one, was scanned with each
    row compared to each of the thousand values: 20 to 45 ms a look-up at 5,000 rows.) psycopg
    rewrites every placeholder of a statement in Python, and dumping a thousand ids as an
    array parameter tests each with a regular expression: each of a push's look-ups cost more
    in that than in its query. On SQLite ``IN (SELECT value FROM json_each(?))`` (SQLAlchemy
    expands an IN list into a placeholder and a converted parameter per value, each time; the
    index on ``column`` is searched once per value all the same). Other values: an array on
    PostgreSQL, an IN list elsewhere."""
    wanted = list(values)
    dialect = s.get_bind().dialect.name
    texts = all(type(x) is str for x in wanted)
    if texts and dialect == "sqlite":
        return batch_sql.among(column, wanted)  # the office's batch look-up
    if texts and dialect == "postgresql":
        array = bindparam(None, json.dumps(wanted, ensure_ascii=False), type_=String())
        elements = func.json_array_elements_text(sql_cast(array, JSON)).table_valued("value")
        return cast("ColumnElement[bool]", column.in_(select(elements.c.value)))
    if dialect == "postgresql":
        return cast(
            "ColumnElement[bool]",
            column == any_(bindparam(None, wanted, type_=ARRAY(column.type))),
        )
    return cast("ColumnElement[bool]", column.in_(wanted))
