"""A channel's application as the county stores it (docs/channels.md): the values the checks
passed, nothing else."""

from __future__ import annotations

import functools
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county import channel_status, channels
from eservice_desktop.county import service as county_service
from eservice_desktop.county.channel_api import render_page
from eservice_desktop.county.channel_checks import Refused
from eservice_desktop.county.store import CountyEventRow, DeviceRow, lock_feed, utcnow
from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor

CountyStore = tuple[sessionmaker[Session], DeviceRow]


def _channel(name: str, kind: str) -> channels.ChannelRow:
    """A channel as the API hands it to the use cases (authenticated already)."""
    return channels.ChannelRow(name=name, kind=kind, credential_hash="0" * 64, created_at=utcnow())


def test_field_values_are_stored_as_checked_without_surrounding_spaces(
    county_store: CountyStore,
) -> None:
    sessions, _dev = county_store
    now = utcnow()
    app = channels.Application(
        service_code="HR-HOUSEHOLD-BOOK",
        applicant_id="A123456789",
        applicant_name="王小明",
        fields={"registered_address": " 桃園市桃園區中正路1號\n", "reason": "補發 "},
    )
    with sessions() as s, s.begin():
        answer = channels.submit(s, _channel("web", "web"), app, now)
    with sessions() as s:
        payload = s.scalar(
            select(CountyEventRow.payload).where(
                CountyEventRow.case_id == answer["case_id"], CountyEventRow.type == ev.RECEIVED
            )
        )
    assert payload["fields"] == {"registered_address": "桃園市桃園區中正路1號", "reason": "補發"}


def _submit(sessions: sessionmaker[Session]) -> str:
    app = channels.Application(
        service_code="HR-HOUSEHOLD-BOOK",
        applicant_id="A123456789",
        applicant_name="王小明",
        fields={"registered_address": "桃園市桃園區中正路1號", "reason": "補發"},
    )
    with sessions() as s, s.begin():
        number: str = channels.submit(s, _channel("web", "web"), app, utcnow())["case_number"]
    return number


def _wait_for_a_lock_waiter(sessions: sessionmaker[Session]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with sessions() as s:
            waiting = s.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )
        if waiting:
            return
        time.sleep(0.02)  # polling for the other transaction's wait, with a deadline
    raise AssertionError("the second payment never waited for the first")


def test_a_kiosk_payment_sent_twice_at_once_is_recorded_once(
    county_db: str, county_store: CountyStore
) -> None:
    """A kiosk retrying a payment while its first request is still being written: on
    PostgreSQL the retry read the case before the first was committed and was recorded too
    (SQLite serialises its writers from the start: BEGIN IMMEDIATE)."""
    if not county_db.startswith("postgresql"):
        pytest.skip("PostgreSQL's concurrent writers only")
    sessions, _dev = county_store
    number = _submit(sessions)
    kiosk = _channel("ibon", "kiosk")
    pay = functools.partial(
        channels.pay,
        channel=kiosk,
        case_number=number,
        amount=10,
        transaction_id="IBON-RETRY-1",
        payment_tool="",
    )
    outcome: dict[str, Any] = {}

    def retry() -> None:
        try:
            with sessions() as s, s.begin():
                outcome["answer"] = pay(s, now=utcnow())
        except Refused as e:
            outcome["refused"] = e.errors

    with sessions() as first, first.begin():
        lock_feed(first)  # the first request is being written
        second = threading.Thread(target=retry)
        second.start()
        _wait_for_a_lock_waiter(sessions)
        pay(first, now=utcnow())
    second.join(30)
    assert "answer" not in outcome, outcome
    assert outcome["refused"]["transaction_id"].code == "payment.duplicate"


def test_the_status_of_a_rejected_case_asks_for_no_fee(county_store: CountyStore) -> None:
    """A web case rejected before its fee was paid: nothing is due (no channel takes a payment
    on it), so the status query says so instead of 繳費 in progress and NT$30 still due."""
    sessions, dev = county_store
    number = _submit(sessions)
    with sessions() as s, s.begin():  # the office rejects it (H01's counter 01)
        found = channel_status.case_by_number(s, number)
        assert found is not None
        reject = Actor("H01", "01", "clerk01").event(
            found[0].case_id, ev.REJECTED, utcnow(), {"reason": "重複申請"}
        )
        [result] = county_service.push(
            s, s.merge(dev), [WireEvent(**reject.to_dict())], utcnow()
        ).results
        assert result.status == "accepted", result
    with sessions() as s:
        status = channel_status.status_of(s, number, "6789")
    assert status is not None and status["status"] == "rejected"
    assert status["balance"] == 0
    assert {x["key"]: x["state"] for x in status["stages"]}["payment"] == "not_needed"


def test_a_retried_payment_of_the_whole_fee_is_answered_as_recorded(
    county_store: CountyStore,
) -> None:
    """A kiosk retrying a payment of the whole fee (its answer was lost) hears that the
    transaction is recorded, not that the amount is over the balance (0 once it was paid)."""
    sessions, _dev = county_store
    number = _submit(sessions)
    pay = functools.partial(
        channels.pay,
        channel=_channel("ibon", "kiosk"),
        case_number=number,
        amount=30,
        transaction_id="IBON-RETRY-2",
        payment_tool="",
    )
    with sessions() as s, s.begin():
        assert pay(s, now=utcnow())["balance"] == 0
    with pytest.raises(Refused) as refused, sessions() as s, s.begin():
        pay(s, now=utcnow())
    assert list(refused.value.errors) == ["transaction_id"]
    assert refused.value.errors["transaction_id"].code == "payment.duplicate"
    # retried with another amount: not "recorded", which a kiosk takes for its payment booked
    with pytest.raises(Refused) as refused, sessions() as s, s.begin():
        pay(s, now=utcnow(), amount=20)
    error = refused.value.errors["amount"]
    assert error.code == "payment.duplicate_amount"
    assert error.message_zh == "此筆交易已入帳 30 元，與這次的 20 元不符；未登錄"


def test_a_transaction_id_paid_on_one_case_is_refused_on_another(
    county_store: CountyStore,
) -> None:
    """One kiosk transaction paid two cases' fees: the duplicate check looked at the case
    paid only. Refused with payment.duplicate, nothing written; the first case keeps its
    payment and the second its balance."""
    sessions, _dev = county_store
    first, second = _submit(sessions), _submit(sessions)
    pay = functools.partial(
        channels.pay,
        channel=_channel("ibon", "kiosk"),
        amount=30,
        transaction_id="IBON-SHARED-1",
        payment_tool="",
    )
    with sessions() as s, s.begin():
        assert pay(s, case_number=first, now=utcnow())["balance"] == 0
    with pytest.raises(Refused) as refused, sessions() as s, s.begin():
        pay(s, case_number=second, now=utcnow())
    error = refused.value.errors["transaction_id"]
    assert error.code == "payment.duplicate" and "另一案件" in error.message_zh
    assert "another case" in error.message_en
    with sessions() as s:
        assert channel_status.status_of(s, second, "6789")["balance"] == 30  # type: ignore[index]
        paid = s.scalars(
            select(CountyEventRow.case_id).where(CountyEventRow.type == ev.PAYMENT_RECORDED)
        ).all()
    assert len(paid) == 1


def test_the_status_query_shows_no_more_of_the_id_than_the_asker_typed(
    county_store: CountyStore,
) -> None:
    """The case number and the last four characters of the ID open the status: the first six
    shown beside them (A12345****) made the whole ID A123456789."""
    sessions, _dev = county_store
    number = _submit(sessions)
    with sessions() as s:
        status = channel_status.status_of(s, number, "6789")
    assert status is not None and status["applicant_id_masked"] == "******6789"
    assert "A12345" not in str(status)
    # zh-TW with English: the service in both, as the notices name it
    assert status["service"] == "請領戶口名簿"
    assert status["service_en"] == "Household certificate book"
    page = render_page(number, status)
    assert "請領戶口名簿 <span lang='en'>Household certificate book</span>" in page


def test_a_refused_field_is_named_as_the_form_names_it(county_store: CountyStore) -> None:
    """An address too long or with a bidi override: the citizen read "registered_address: 過長"
    (the field's key) where the counter says 戶籍地址."""
    sessions, _dev = county_store
    cases = {"路" * 121: "value.too_long", "桃園\u202e市": "value.character"}
    for address, code in cases.items():
        app = channels.Application(
            service_code="HR-HOUSEHOLD-BOOK",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields={"registered_address": address, "reason": "補發"},
        )
        with pytest.raises(Refused) as refused, sessions() as s, s.begin():
            channels.submit(s, _channel("web", "web"), app, utcnow())
        error = refused.value.errors["registered_address"]
        assert error.code == code
        assert error.message_zh.startswith("戶籍地址：")
        assert error.message_en.startswith("Household registration address: ")
