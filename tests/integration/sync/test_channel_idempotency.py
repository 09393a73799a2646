"""A channel's application sent twice (docs/channels.md, "Retries"): with an
``Idempotency-Key`` the retry gets the first answer and no second case, on both county
databases, over raw HTTP on loopback; the keys are scoped, checked and forgotten in time."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from channel_helpers import APPLICATION, channel_token
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from sync_helpers import CountyServer

from eservice_desktop.county import channel_requests, channels
from eservice_desktop.county.channel_requests import ChannelRequestRow, Replayed
from eservice_desktop.county.store import CountyCaseRow, DeviceRow, lock_feed, make_engine, utcnow

ROUTE = "/v1/channel/applications"


def _key() -> str:
    return str(uuid.uuid4())


def _cases(county: CountyServer) -> int:
    return county.count(CountyCaseRow)


def test_a_retried_application_gets_the_first_answer_and_no_second_case(
    county: CountyServer,
) -> None:
    web = {"Authorization": f"Bearer {channel_token(county, 'web-portal', 'web')}"}
    key = _key()
    with httpx.Client(base_url=county.url, timeout=30) as http:
        first = http.post(ROUTE, json=APPLICATION, headers=web | {"Idempotency-Key": key})
        assert first.status_code == 201, first.text
        # the browser sent it again (the same body, its keys in another order: the same
        # application); the quoted form of the draft standard is the same key
        again = http.post(
            ROUTE,
            json=dict(reversed(APPLICATION.items())),
            headers=web | {"Idempotency-Key": f'"{key}"'},
        )
        assert again.status_code == 201, again.text
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert _cases(county) == 1

        # the same key with another application of the same citizen: refused, nothing stored
        other = APPLICATION | {"fields": APPLICATION["fields"] | {"transcript_kind": "個人"}}
        refused = http.post(ROUTE, json=other, headers=web | {"Idempotency-Key": key})
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "idempotency.key_reused"
        assert "已用於另一份申請" in refused.json()["message_zh"]
        assert "used for another application" in refused.json()["message_en"]
        assert _cases(county) == 1

        # without a key, as before: each request is an application of its own
        assert http.post(ROUTE, json=APPLICATION, headers=web).status_code == 201
        assert _cases(county) == 2


def test_keys_are_scoped_to_the_applicant_and_the_channel(county: CountyServer) -> None:
    """Another citizen sending the same key (chosen by them, or copied) gets neither the first
    citizen's answer nor a refusal that would block them: their own case. So does another
    channel sending the same key and body."""
    web = {"Authorization": f"Bearer {channel_token(county, 'web-portal', 'web')}"}
    web2 = {"Authorization": f"Bearer {channel_token(county, 'web-portal-2', 'web')}"}
    key = {"Idempotency-Key": _key()}
    with httpx.Client(base_url=county.url, timeout=30) as http:
        mine = http.post(ROUTE, json=APPLICATION, headers=web | key)
        theirs = APPLICATION | {"applicant_id": "B123456780", "applicant_name": "林美玲"}
        other_citizen = http.post(ROUTE, json=theirs, headers=web | key)
        other_channel = http.post(ROUTE, json=APPLICATION, headers=web2 | key)
    assert [r.status_code for r in (mine, other_citizen, other_channel)] == [201] * 3
    numbers = {r.json()["case_number"] for r in (mine, other_citizen, other_channel)}
    assert len(numbers) == 3
    assert "idempotent-replayed" not in other_citizen.headers
    assert _cases(county) == 3


def test_a_malformed_key_is_refused_and_nothing_is_stored(county: CountyServer) -> None:
    web = {"Authorization": f"Bearer {channel_token(county, 'web-portal', 'web')}"}
    with httpx.Client(base_url=county.url, timeout=30) as http:
        for bad in ("short", "x" * 129, "has space in it", "", "王小明的申請編號一二三"):
            r = http.post(
                ROUTE, json=APPLICATION, headers=[*web.items(), ("Idempotency-Key", bad.encode())]
            )
            assert r.status_code == 422, (bad, r.text)
            [detail] = r.json()["detail"]
            assert detail["field"] == "Idempotency-Key" and detail["code"] == "idempotency.key"
            assert detail["message_zh"] and detail["message_en"]
        twice = [("Idempotency-Key", _key()), ("Idempotency-Key", _key())]
        r = http.post(ROUTE, json=APPLICATION, headers=[*web.items(), *twice])
        assert r.status_code == 422 and "once" in r.text
    assert _cases(county) == 0
    assert county.count(ChannelRequestRow) == 0


def test_a_refused_application_is_not_remembered(county: CountyServer) -> None:
    """A 422 stores nothing: the citizen corrects the form and sends it under the same key."""
    web = {"Authorization": f"Bearer {channel_token(county, 'web-portal', 'web')}"}
    key = {"Idempotency-Key": _key()}
    with httpx.Client(base_url=county.url, timeout=30) as http:
        wrong = http.post(ROUTE, json=APPLICATION | {"office": "L01"}, headers=web | key)
        assert wrong.status_code == 422, wrong.text
        right = http.post(ROUTE, json=APPLICATION, headers=web | key)
        assert right.status_code == 201, right.text


CountyStore = tuple[sessionmaker[Session], DeviceRow]


def _web() -> channels.ChannelRow:
    return channels.ChannelRow(
        name="web-portal", kind="web", credential_hash="0" * 64, created_at=utcnow()
    )


def _application() -> channels.Application:
    return channels.Application(
        service_code=APPLICATION["service_code"],
        applicant_id=APPLICATION["applicant_id"],
        applicant_name=APPLICATION["applicant_name"],
        office=APPLICATION["office"],
        fields=dict(APPLICATION["fields"]),
    )


def _request_key(header: str) -> channel_requests.RequestKey:
    return channel_requests.request_key("web-portal", header, "A123456789", APPLICATION)


def test_a_key_is_forgotten_after_a_day(county_store: CountyStore) -> None:
    sessions, _dev = county_store
    key = _request_key("key-of-yesterday")
    then = utcnow() - channel_requests.KEEP - timedelta(seconds=1)
    with sessions() as s, s.begin():
        first = channels.submit(s, _web(), _application(), then, key)
    with pytest.raises(Replayed), sessions() as s, s.begin():
        channels.submit(s, _web(), _application(), then + timedelta(hours=23), key)
    with sessions() as s, s.begin():  # a day later the key is new again; the old row is gone
        second = channels.submit(s, _web(), _application(), utcnow(), key)
    assert second["case_number"] != first["case_number"]
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(ChannelRequestRow)) == 1


def _wait_for_a_lock_waiter(sessions: sessionmaker[Session]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with sessions() as s:
            if s.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            ):
                return
        time.sleep(0.02)  # polling for the other transaction's wait, with a deadline
    raise AssertionError("the retry never waited for the first request")


def test_a_retry_sent_while_the_first_is_written_gets_its_answer(
    county_db: str, county_store: CountyStore
) -> None:
    """A double click: the second request arrives while the first is being written. On
    PostgreSQL it found no key yet and made a second case; it now waits for the first and
    answers its case (SQLite's writers wait from the start: BEGIN IMMEDIATE)."""
    if not county_db.startswith("postgresql"):
        pytest.skip("PostgreSQL's concurrent writers only")
    sessions, _dev = county_store
    key = _request_key("double-click-0001")
    outcome: dict[str, Any] = {}

    def retry() -> None:
        try:
            with sessions() as s, s.begin():
                outcome["answer"] = channels.submit(s, _web(), _application(), utcnow(), key)
        except Replayed as r:
            outcome["replayed"] = r.answer

    with sessions() as first, first.begin():
        lock_feed(first)  # the first request is being written
        second = threading.Thread(target=retry)
        second.start()
        _wait_for_a_lock_waiter(sessions)
        answer = channels.submit(first, _web(), _application(), utcnow(), key)
    second.join(30)
    assert "answer" not in outcome, outcome
    assert outcome["replayed"] == answer
    engine = make_engine(county_db)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(CountyCaseRow)) == 1
    engine.dispose()
