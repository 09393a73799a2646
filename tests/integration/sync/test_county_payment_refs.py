"""What the county reads under the feed lock is looked up by key: a kiosk's or web portal's
payment's transaction id (``county_payment_refs``, county migration 0004: the duplicate check
read the payload of every county event, seconds per payment on a county of a million events),
an application's next case number (it read the whole case number index) and the notices of a
case an office asked to resend (every notice, county migration 0005)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session, sessionmaker
from sync_helpers import _fresh_pg_db

from eservice_desktop.county import channels, migrate, notice_outcomes
from eservice_desktop.county.channel_checks import Refused
from eservice_desktop.county.push_rows import paid_elsewhere, ref_hash
from eservice_desktop.county.store import CountyPaymentRefRow, DeviceRow, make_engine, utcnow
from eservice_desktop.domain import events as ev

CountyStore = tuple[sessionmaker[Session], DeviceRow]


def _submit(sessions: sessionmaker[Session]) -> str:
    app = channels.Application(
        service_code="HR-HOUSEHOLD-BOOK",
        applicant_id="A123456789",
        applicant_name="王小明",
        fields={"registered_address": "桃園市桃園區中正路1號", "reason": "補發"},
    )
    web = channels.ChannelRow(name="web", kind="web", credential_hash="0" * 64, created_at=utcnow())
    with sessions() as s, s.begin():
        number: str = channels.submit(s, web, app, utcnow())["case_number"]
    return number


def _statements(engine: Engine, run: Any) -> list[tuple[str, Any]]:
    """The statements ``run()`` sends (SQL and parameters)."""
    statements: list[tuple[str, Any]] = []

    def seen(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        statements.append((sql, params))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return statements


def _plans(engine: Engine, statements: list[tuple[str, Any]]) -> list[str]:
    """The query plan of each SELECT (PostgreSQL with sequential scans priced out, so a plan
    that still reads a whole table has no index it could use)."""
    plans = []
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if not sqlite:
            conn.exec_driver_sql("SET enable_seqscan = off")
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(explain + sql, params).all()
            plans.append("\n".join(str(r[-1] if sqlite else r[0]) for r in rows))
    return plans


def test_the_duplicate_check_of_a_payment_reads_the_transaction_ids_by_their_index(
    county_store: CountyStore,
) -> None:
    sessions, _dev = county_store
    first, second = _submit(sessions), _submit(sessions)
    kiosk = channels.ChannelRow(
        name="ibon", kind="kiosk", credential_hash="0" * 64, created_at=utcnow()
    )
    pay = functools.partial(
        channels.pay, channel=kiosk, amount=30, transaction_id="IBON-IDX-1", payment_tool=""
    )
    with sessions() as s, s.begin():
        pay(s, case_number=first, now=utcnow())
    engine = sessions.kw["bind"]

    def pay_second() -> None:
        with pytest.raises(Refused) as refused, sessions() as s, s.begin():
            pay(s, case_number=second, now=utcnow())
        assert refused.value.errors["transaction_id"].code == "payment.duplicate"

    statements = _statements(engine, pay_second)
    plans = _plans(engine, statements)
    sqlite = engine.dialect.name == "sqlite"
    whole_events = "SCAN county_events" if sqlite else "Seq Scan on county_events"
    assert not [p for p in plans if whole_events in p]
    by_key = (
        "SEARCH county_payment_refs USING COVERING INDEX sqlite_autoindex_county_payment_refs_1"
        if sqlite
        else "Index Only Scan using pk_county_payment_refs on county_payment_refs"
    )
    assert [p for p in plans if by_key in p], plans


def test_an_applications_case_number_is_found_by_the_case_number_index(
    county_store: CountyStore,
) -> None:
    sessions, _dev = county_store
    first = _submit(sessions)
    engine = sessions.kw["bind"]
    numbers: list[str] = []
    statements = _statements(engine, lambda: numbers.append(_submit(sessions)))
    assert int(numbers[0].split("-")[3]) == int(first.split("-")[3]) + 1
    numbering = [(q, p) for q, p in statements if "max(county_cases.case_number)" in q]
    plans = _plans(engine, numbering)
    assert len(plans) == 1
    sqlite = engine.dialect.name == "sqlite"
    bounded = (
        "USING COVERING INDEX ix_county_cases_case_number (case_number>? AND case_number<?)"
        if sqlite
        else "Index Cond: ((case_number >= '"
    )
    assert bounded in plans[0], plans


def test_a_resend_request_reads_the_cases_notices_by_their_index(
    county_store: CountyStore,
) -> None:
    sessions, _dev = county_store
    engine = sessions.kw["bind"]

    def resend() -> None:
        with sessions() as s, s.begin():
            assert notice_outcomes.resend(s, "no-such-case", "ready", utcnow()) == 0

    plans = _plans(engine, _statements(engine, resend))
    sqlite = engine.dialect.name == "sqlite"
    by_case = (
        "SEARCH county_notifications USING INDEX ix_county_notifications_case (case_id=? AND"
        if sqlite
        else "Index Scan using ix_county_notifications_case on county_notifications"
    )
    assert [p for p in plans if by_case in p], plans


def _as_sent(transaction_id: str) -> str:
    """A key as revisions before 0009 wrote it: the SHA-256 of the text as sent."""
    return hashlib.sha256(transaction_id.encode("utf-8")).hexdigest()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def county_at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A county database as revision 0003 left it (no ``county_payment_refs`` yet)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    else:
        url = _fresh_pg_db(request.getfixturevalue("pg_url"))
    engine = make_engine(url)
    migrate.upgrade(engine, "0003")
    yield engine
    engine.dispose()


def test_upgrade_fills_the_transaction_ids_of_the_payments_already_recorded(
    county_at_0003: Engine,
) -> None:
    engine = county_at_0003
    insert = text(
        "INSERT INTO county_events (event_id, case_id, type, office, device, clerk, at,"
        " received_at, payload) VALUES (:id, :case, :type, 'H01', '01', 'clerk', :at, :at, :p)"
    )
    now = utcnow()
    paid = '{"payment_id": "p-1", "method": "online", "amount": 30, "reference": " IBON-7 "}'
    cash = '{"payment_id": "p-2", "method": "cash", "amount": 20, "reference": null}'
    events = [
        (ev.RECEIVED, '{"reference": "IBON-NOT-A-PAYMENT"}'),
        (ev.PAYMENT_RECORDED, paid),
        (ev.PAYMENT_RECORDED, cash),
    ]
    with engine.begin() as conn:
        for n, (kind, payload) in enumerate(events):
            conn.execute(
                insert, {"id": f"e-{n}", "case": "c-1", "type": kind, "at": now, "p": payload}
            )

    migrate.upgrade(engine)

    with Session(engine) as s:
        rows = set(s.execute(select(CountyPaymentRefRow.ref_hash, CountyPaymentRefRow.event_id)))
        assert rows == {
            (_as_sent(" IBON-7 "), "e-1"),  # revision 0004's keys, as sent and trimmed
            (_as_sent("IBON-7"), "e-1"),
            (_as_sent("p-1"), "e-1"),
            (_as_sent("p-2"), "e-2"),
            (ref_hash("p-1"), "e-1"),  # and 0009's, in capitals
            (ref_hash("p-2"), "e-2"),
        }
        assert paid_elsewhere(s, "IBON-7")
        assert not paid_elsewhere(s, "IBON-NOT-A-PAYMENT")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def county_at_0006(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A county database as revision 0006 left it (transaction ids keyed as sent)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    else:
        url = _fresh_pg_db(request.getfixturevalue("pg_url"))
    engine = make_engine(url)
    migrate.upgrade(engine, "0006")
    yield engine
    engine.dispose()


def test_upgrade_keys_the_transaction_ids_already_recorded_letter_case_aside(
    county_at_0006: Engine,
) -> None:
    """A kiosk payment recorded as ``ibon-7`` before the upgrade: ``IBON-7`` sent after it is
    the same transaction (it was recorded again), and the keys written before stay."""
    engine = county_at_0006
    now = utcnow()
    paid = '{"payment_id": "p-1", "method": "online", "amount": 30, "reference": "ibon-7"}'
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO county_events (event_id, case_id, type, office, device, clerk, at,"
                " received_at, payload) VALUES ('e-1', 'c-1', :type, 'H01', '01', 'clerk', :at,"
                " :at, :p)"
            ),
            {"type": ev.PAYMENT_RECORDED, "at": now, "p": paid},
        )
        conn.execute(
            text("INSERT INTO county_payment_refs (ref_hash, event_id) VALUES (:h, 'e-1')"),
            [{"h": _as_sent(t)} for t in ("ibon-7", "p-1")],
        )

    migrate.upgrade(engine)

    with Session(engine) as s:
        assert paid_elsewhere(s, "IBON-7")
        assert paid_elsewhere(s, "Ibon-7") and paid_elsewhere(s, "P-1")
        assert s.scalar(select(func.count()).select_from(CountyPaymentRefRow)) == 4
