"""The county's bulk row writer (county/store_rows.py: COPY on PostgreSQL, the driver's
executemany on SQLite) stores exactly what SQLAlchemy Core's insert of the same rows stores:
the push writes its 45,000 rows per 10,000 events through it, every reader reads them back
through Core and the ORM."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.orm import Session
from sync_helpers import _fresh_pg_db

from eservice_desktop.county.push_rows import EVENT_COLUMNS, FEED_COLUMNS, event_document
from eservice_desktop.county.store import (
    CountyCaseFactRow,
    CountyEventRow,
    FeedRow,
    RouteRow,
    create_schema,
    make_engine,
)
from eservice_desktop.county.store_rows import (
    JsonText,
    among,
    insert_rows,
    insert_tuples,
    update_tuples,
)
from eservice_desktop.domain import chain
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Event

AT = datetime(2026, 3, 10, 1, 2, 3, 456789, tzinfo=UTC)


def _events() -> list[dict[str, Any]]:
    rows = [
        {
            "event_id": f"ev-000000{i}",
            "case_id": f"case-{i}",
            "type": "case.received",
            "office": "H01",
            "device": "01",
            "clerk": "王小明",
            "at": AT + timedelta(seconds=i),
            "received_at": AT,
            # text a COPY line must escape (tab, newline, backslash), nesting, numbers
            "payload": {"reason": "缺少\t委託書\n第二行 \\ 反斜線", "items": [1, 2.5, None, True]},
        }
        for i in range(3)
    ]
    # times SQLite's text writes otherwise: in another zone (its wall time), without
    # microseconds, a year before 1000
    rows[1]["at"] = datetime(2026, 3, 10, 9, 2, 3, 5, tzinfo=timezone(timedelta(hours=8)))
    rows[2]["at"] = datetime(2026, 3, 10, 1, 2, 3, tzinfo=UTC)
    rows[2]["received_at"] = datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)
    return rows


def _feed() -> list[dict[str, Any]]:
    return [
        {
            "office": "H01",
            "kind": "event",
            "case_id": f"case-{i}",
            "source": None if i else "H01-01",
            "data": {"event_id": f"ev-000000{i}", "text": "a\\nb\tc"},
            "created_at": AT,
        }
        for i in range(3)
    ]


def _shared_feed() -> list[dict[str, Any]]:
    """Rows sharing one document and one time object, as a push's feed rows of one event for
    several offices do (each converted once), then an equal document that is another object
    and a different one."""
    shared = {"event_id": "ev-0000001", "text": "第一"}
    rows = [
        {"office": office, "kind": "event", "case_id": "case-1", "source": "H01-01"}
        | {"data": shared, "created_at": AT}
        for office in ("H01", "H02", "H03")
    ]
    rows.append({**rows[0], "data": dict(shared), "created_at": AT + timedelta(0)})
    rows.append({**rows[0], "data": {"event_id": "ev-0000002"}, "created_at": AT + timedelta(1)})
    return rows


def _facts() -> list[dict[str, Any]]:
    base = {
        "office": "H01",
        "service_code": "HR-TRANSCRIPT",
        "channel": "counter",
        "received_day": date(2026, 3, 10),
        "status": "received",
        "holder": "王小明",
        "held_since": AT,
    }
    return [
        base
        | {
            "case_id": "case-1",
            "case_number": "N1",
            "consent": True,
            "due_date": None,
            "closed_on_time": None,
        },
        base
        | {
            "case_id": "case-2",
            "case_number": "N2",
            "consent": False,
            "due_date": date(2026, 3, 12),
            "closed_on_time": False,
        },
    ]


def _stored(engine: Engine, table: Table) -> list[tuple[Any, ...]]:
    """The rows as the driver returns them (SQLite: the stored text of dates and JSON), the
    generated ``seq`` left out."""
    names = [c.name for c in table.columns if c.name != "seq"]
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"SELECT {', '.join(names)} FROM {table.name}").all()
    return sorted((tuple(r) for r in rows), key=repr)


def test_bulk_rows_store_what_a_core_insert_stores(county_db: str) -> None:
    engine = make_engine(county_db)
    create_schema(engine)
    cases = [
        (CountyEventRow, _events()),
        (FeedRow, _feed()),
        (
            RouteRow,
            [{"case_id": "case-1", "office": "H01"}, {"case_id": "case-1", "office": "H02"}],
        ),
        (CountyCaseFactRow, _facts()),
        (FeedRow, _shared_feed()),
    ]
    try:
        for entity, rows in cases:
            table = cast(Table, entity.__table__)
            with Session(engine) as s, s.begin():
                s.execute(delete(table))  # a table may come twice
                s.execute(insert(table), rows)
            by_core = _stored(engine, table)
            with Session(engine) as s, s.begin():
                s.execute(delete(table))
            with Session(engine) as s, s.begin():
                insert_rows(s, entity, rows)
            by_bulk = _stored(engine, table)
            assert len(by_core) == len(rows), table.name
            assert by_bulk == by_core, table.name
    finally:
        engine.dispose()


def test_bulk_updates_store_what_an_orm_update_stores(county_db: str) -> None:
    """A push's updates of the case rows it holds already (``update_tuples``: one driver
    executemany) leave the rows as the ORM's bulk update by primary key leaves them; rows
    not named are left alone."""
    engine = make_engine(county_db)
    create_schema(engine)
    table = cast(Table, CountyCaseFactRow.__table__)
    names = [c.name for c in table.columns]
    later = AT + timedelta(days=3, microseconds=7)
    changes = [
        {**_facts()[0], "status": "closed", "due_date": date(2026, 3, 13), "held_since": later},
        {**_facts()[1], "consent": True, "closed_on_time": None, "holder": "李 \t 四"},
    ]
    stored = []
    try:
        for by_orm in (True, False):
            with Session(engine) as s, s.begin():
                s.execute(delete(table))
                s.execute(insert(table), [*_facts(), {**_facts()[0], "case_id": "case-3"}])
            with Session(engine) as s, s.begin():
                if by_orm:
                    s.execute(update(CountyCaseFactRow), changes)
                else:
                    rows = [tuple(c[n] for n in names) for c in changes]
                    update_tuples(s, CountyCaseFactRow, names, rows)
            stored.append(_stored(engine, table))
        assert stored[0] == stored[1]
        assert stored[0] != _stored_after_insert(engine, table)
    finally:
        engine.dispose()


def _stored_after_insert(engine: Engine, table: Table) -> list[tuple[Any, ...]]:
    with Session(engine) as s, s.begin():
        s.execute(delete(table))
        s.execute(insert(table), [*_facts(), {**_facts()[0], "case_id": "case-3"}])
    return _stored(engine, table)


def test_among_finds_what_an_in_list_finds(county_db: str) -> None:
    """A push's look-ups (``among``: one JSON array on SQLite, one array on PostgreSQL) find
    exactly the rows a plain ``IN`` list finds: text a JSON or SQL string must escape,
    non-ASCII, duplicates, ids not stored, and no ids at all."""
    engine = make_engine(county_db)
    create_schema(engine)
    rows = [
        {"case_id": case_id, "office": "H01"}
        for case_id in ("case-1", 'a"b', "a'b", "a\\b", "案-1", "[1]", "NULL", "")
    ]
    wanted_sets = [
        ["case-1", 'a"b', "a'b", "a\\b", "案-1", "[1]", "NULL", ""],
        ["case-1", "case-1", "missing", "案-1"],
        ["missing"],
        [],
    ]
    try:
        with Session(engine) as s, s.begin():
            insert_rows(s, RouteRow, rows)
        with Session(engine) as s:
            for wanted in wanted_sets:
                found = s.scalars(
                    select(RouteRow.case_id).where(among(s, RouteRow.case_id, wanted))
                ).all()
                listed = s.scalars(
                    select(RouteRow.case_id).where(RouteRow.case_id.in_(wanted))
                ).all()
                assert sorted(found) == sorted(listed) == sorted(set(wanted) - {"missing"})
    finally:
        engine.dispose()


def _linked_event() -> Event:
    """A chained event whose payload holds what JSON must escape and what it keeps as is."""
    e = Event(
        event_id="ev-00000001",
        case_id="case-1",
        type=ev.SUPPLEMENT_REQUESTED,
        office="H01",
        device="01",
        clerk='王"小明\\',
        at=AT,
        payload={
            "reason": '缺少\t委託書\n"第二行" \\ 𠀀',
            "items": [1, 2.5, None, True, {"k": []}],
        },
    )
    return chain.link(e, chain.GENESIS)


def test_a_linked_event_is_stored_as_its_encoded_text(county_db: str) -> None:
    """A pushed event's payload is stored as the JSON text its hash was taken over, and its
    feed document is the chain's canonical text with the hash: both read back (through Core and
    the ORM, as every reader does) equal to the payload and to ``Event.to_dict``, on either
    database; without a canonical text the document is ``Event.to_dict`` itself."""
    e = _linked_event()
    encoded = chain.payload_json(e.payload)
    digest, same_encoded, text = chain.digest_text(e, e.prev or "")
    assert (digest, same_encoded) == (e.hash, encoded) and text is not None
    sorted_document = event_document(e, text)  # keys sorted, the hash last: the same value
    assert isinstance(sorted_document, JsonText)
    assert json.loads(sorted_document) == e.to_dict()
    document = event_document(e, None)
    assert document == e.to_dict()
    engine = make_engine(county_db)
    create_schema(engine)
    try:
        with Session(engine) as s, s.begin():
            row = (e.event_id, e.case_id, e.type, e.office, e.device, e.clerk, e.at, AT)
            insert_tuples(s, CountyEventRow, EVENT_COLUMNS, [(*row, JsonText(encoded))])
            feed = ("H01", "event", e.case_id, "H01-01", document, AT)
            sorted_feed = (*feed[:4], sorted_document, AT)
            insert_tuples(
                s, FeedRow, FEED_COLUMNS, [feed, (*feed[:4], e.to_dict(), AT), sorted_feed]
            )
        with Session(engine) as s:
            stored = s.scalars(select(CountyEventRow)).one()
            assert stored.payload == e.payload
            assert [r.data for r in s.scalars(select(FeedRow))] == [e.to_dict()] * 3
    finally:
        engine.dispose()


def test_the_push_rows_are_copied_in_the_binary_format_with_their_stored_types() -> None:
    """Every county table is copied in the binary format on PostgreSQL, and a column type is
    written as PostgreSQL stores it: a variant for PostgreSQL counts, a small integer is an
    ``int2``; a type whose binary form differs (``JSONB``, an enum, a decimal) sends the
    table to the text format."""
    from sqlalchemy import BigInteger, Column, DateTime, Enum, Integer, MetaData, SmallInteger
    from sqlalchemy.dialects import postgresql

    from eservice_desktop.county import store_rows

    pg = postgresql.dialect()  # type: ignore[no-untyped-call]
    for entity in (CountyEventRow, FeedRow, CountyCaseFactRow, RouteRow):
        table = cast(Table, entity.__table__)
        names = tuple(c.name for c in table.columns)
        assert store_rows._binary_types(table, names, pg) is not None, table.name
    probe = Table(
        "probe",
        MetaData(),
        Column("small", SmallInteger),
        Column("wide", Integer().with_variant(BigInteger(), "postgresql")),
        Column("aware", DateTime(timezone=True)),
        Column("jsonb", postgresql.JSONB),
        Column("enum", Enum("a", "b", name="ab")),
    )
    types = [store_rows._binary_types(probe, (c,), pg) for c in ("small", "wide", "aware")]
    assert types == [["int2"], ["int8"], ["timestamptz"]]
    assert store_rows._binary_types(probe, ("small", "jsonb"), pg) is None
    assert store_rows._binary_types(probe, ("enum",), pg) is None


@pytest.mark.postgres
def test_a_column_without_a_binary_form_is_copied_as_text(pg_url: str) -> None:
    """A table with a column type the binary ``COPY`` has no form for here (a decimal) is
    copied in the text format, and stores what was given (the county's own tables all have
    binary forms: checked above)."""
    from decimal import Decimal

    from sqlalchemy import Column, MetaData, Numeric, String, Text

    from eservice_desktop.county import store_rows

    table = Table(
        "copy_probe",
        MetaData(),
        Column("k", String(8), primary_key=True),
        Column("amount", Numeric(10, 2)),
        Column("note", Text),
    )
    engine = make_engine(_fresh_pg_db(pg_url))
    assert store_rows._binary_types(table, ("k", "amount", "note"), engine.dialect) is None
    assert store_rows._binary_types(table, ("k", "note"), engine.dialect) == ["text", "text"]
    rows = [("a", Decimal("12.50"), "tab\there\nnewline \\ 反斜線"), ("b", None, None)]
    try:
        table.create(engine)
        with engine.begin() as conn:
            store_rows._copy_rows(conn, table, ["k", "amount", "note"], rows)
        with engine.connect() as conn:
            stored = conn.execute(select(table).order_by(table.c.k)).all()
        assert [tuple(r) for r in stored] == rows
    finally:
        engine.dispose()
