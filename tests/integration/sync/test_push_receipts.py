"""The receipts a push answers with are signed on the county's signer thread while the push
writes its rows: the answer is the one signing each receipt in turn gives, byte for byte, and a
signature that fails fails the push and its transaction, as when the push signed inline."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import factories
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from sync_helpers import CountyStore

from eservice_desktop.county import receipts
from eservice_desktop.county import service as county_service
from eservice_desktop.county.push_answer import PushAnswer
from eservice_desktop.county.store import (
    CountyCaseRow,
    CountyEventRow,
    DeviceRow,
    utcnow,
)
from eservice_desktop.county_link.protocol import (
    CountyReceipt,
    PushResponse,
    WireEvent,
    receipt_bytes,
)
from eservice_desktop.domain import chain
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.events import Actor
from eservice_desktop.domain.uuid7 import new_id

County = tuple[sessionmaker[Session], DeviceRow]


@pytest.fixture
def county(county_store: CountyStore) -> CountyStore:
    """The county's database with device H01-01 enrolled (conftest's ``county_store``)."""
    return county_store


def _received(actor: Actor, number: int, at: datetime) -> ev.Event:
    payload = factories.received_payload(str(CaseNumber("H01", "01", 115, number)), name="王")
    return actor.event(new_id(), ev.RECEIVED, at, payload)


def _chained(cases: int, prev: str = chain.GENESIS) -> tuple[list[WireEvent], str]:
    """Two events a case (received, supplement requested), linked in the device's chain."""
    actor = Actor("H01", "01", "clerk")
    t0 = datetime.now(UTC) - timedelta(hours=2)
    out = []
    for i in range(cases):
        first = _received(actor, i + 1, t0 + timedelta(seconds=i))
        more = {"reason": "缺少委託書", "items": []}
        second = actor.event(
            first.case_id, ev.SUPPLEMENT_REQUESTED, first.at + timedelta(minutes=5), more
        )
        for e in (first, second):
            linked = chain.link(e, prev)
            assert linked.hash is not None
            prev = linked.hash
            out.append(WireEvent.model_validate(linked.to_dict()))
    return out, prev


def _serial(s: Session, answer: PushAnswer) -> list[CountyReceipt]:
    """The answer's receipts as signing each one in turn on this thread makes them."""
    key_id, key = county_service.signing_key(s, "receipt")
    return [
        r.model_copy(
            update={
                "key_id": key_id,
                "signature": base64.b64encode(key.sign(r.signed_bytes())).decode(),
            }
        )
        for r in answer.receipts
    ]


def test_the_receipts_are_the_ones_signing_in_turn_makes(county: County) -> None:
    sessions, dev = county
    events, _ = _chained(150)
    now = utcnow()
    with sessions() as s, s.begin():
        answer = county_service.push(s, s.merge(dev), events, now)
    case_ids = sorted({w.case_id for w in events})
    assert [r.case_id for r in answer.receipts] == case_ids
    assert {r.events_accepted for r in answer.receipts} == {2}
    assert all(r.county_time == now for r in answer.receipts)
    with sessions() as s:
        serial = _serial(s, answer)
        public = county_service.signing_key(s, "receipt")[1].public_key()
    for r in answer.receipts:
        public.verify(base64.b64decode(r.signature), receipt_bytes(*_fields(r)))
    rebuilt = PushResponse.model_construct(
        results=answer.results, receipts=serial, server_time=answer.server_time
    )
    assert answer.to_json() == rebuilt.model_dump_json()


def _fields(r: CountyReceipt) -> tuple[str, str, str, int, datetime]:
    return (r.case_id, r.case_number, r.office, r.events_accepted, r.county_time)


def test_a_second_push_signs_the_counts_of_cases_held_already(county: County) -> None:
    sessions, dev = county
    events, _ = _chained(40)
    with sessions() as s, s.begin():
        county_service.push(s, s.merge(dev), events[:40], utcnow())
    with sessions() as s, s.begin():
        answer = county_service.push(s, s.merge(dev), events, utcnow())
    # the first 20 cases were held with both events; the others arrive now
    assert {r.events_accepted for r in answer.receipts} == {2}
    assert len(answer.receipts) == 40
    with sessions() as s:
        assert [r.signature for r in _serial(s, answer)] == [r.signature for r in answer.receipts]


@pytest.mark.parametrize("where", ["signer thread", "request thread"])
def test_a_failed_signature_fails_the_push_and_its_transaction(
    county: County, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Whichever thread signs the failing receipt: the one named fails its first signature,
    and the other waits for that failure before it signs anything (so both take one)."""
    sessions, dev = county
    events, _ = _chained(30)
    failed = threading.Event()

    real_key = receipts.signing_key

    def failing(s: Session, purpose: str) -> tuple[str, Any]:
        key_id, key = real_key(s, purpose)

        def sign_or_fail(message: bytes) -> bytes:
            on_signer = threading.current_thread().name.startswith("county-receipts")
            if on_signer == (where == "signer thread"):
                failed.set()
                raise RuntimeError("the signer failed")
            assert failed.wait(timeout=20)
            return key.sign(message)

        return key_id, SimpleNamespace(sign=sign_or_fail)

    monkeypatch.setattr(receipts, "signing_key", failing)
    with pytest.raises(RuntimeError, match="the signer failed"), sessions() as s, s.begin():
        county_service.push(s, s.merge(dev), events, utcnow())
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(CountyEventRow)) == 0
        assert s.scalar(select(func.count()).select_from(CountyCaseRow)) == 0
    monkeypatch.undo()
    # the signer thread is still there for the next push, which takes the whole batch
    with sessions() as s, s.begin():
        answer = county_service.push(s, s.merge(dev), events, utcnow())
    assert {r.status for r in answer.results} == {"accepted"}
    assert len(answer.receipts) == 30


def test_a_push_of_nothing_new_for_a_case_signs_nothing(county: County) -> None:
    sessions, dev = county
    with sessions() as s, s.begin():
        answer = county_service.push(s, s.merge(dev), [], utcnow())
    assert answer.receipts == []
