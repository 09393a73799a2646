"""Channels on loopback: a web application reaches its office by sync, the clerk accepts it,
the fee is paid at the kiosk and arrives as an online payment, the case is closed and made
ready, and the citizen's status query shows each stage as it changes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from channel_helpers import APPLICATION, channel_token, working_day_10am
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.county import channels
from eservice_desktop.county.store import CountyCaseRow, CountyEventRow, make_engine
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.services import cases, pickup
from eservice_desktop.services.core import App


def _stages(http: httpx.Client, number: str) -> dict[str, str]:
    r = http.get("/v1/public/status", params={"case_number": number, "id_last4": "6789"})
    assert r.status_code == 200, r.text
    return {s["key"]: s["state"] for s in r.json()["stages"]}


def test_web_case_reaches_office_is_accepted_paid_at_kiosk_and_shown_to_citizen(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    kiosk = {"Authorization": f"Bearer {channel_token(sqlite_county, 'kiosk-ibon', 'kiosk')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        reservation = working_day_10am()
        r = http.post(
            "/v1/channel/applications",
            json=APPLICATION | {"reservation_at": reservation.isoformat()},
            headers=web,
        )
        assert r.status_code == 201, r.text
        made = r.json()
        number = made["case_number"]
        assert number.startswith("H02-00-") and made["office"] == "H02"
        assert made["channel"] == "web" and made["fees_due"] == 15
        assert _stages(http, number) == {
            "received": "current",
            "payment": "current",
            "supplement": "not_needed",
            "closed": "pending",
        }

        # routing: the case reaches H02 by the ordinary pull, waiting for 收件
        sync_now(h02)
        view = cases.show_case(h02, number)
        assert view.channel == "web" and view.awaiting_acceptance
        assert view.reservation_at == reservation.isoformat()
        assert view.received_at == made["submitted_at"]
        online = cases.online_queue(h02)
        assert [row.case_number for row in online] == [number]
        assert online[0].channel == "web" and online[0].reservation_at == reservation
        with pytest.raises(DomainError) as refused:
            cases.close_case(h02, number)
        assert refused.value.code == "case.not_accepted"

        accepted = cases.accept_case(h02, number)
        assert accepted.accepted_at and not accepted.awaiting_acceptance
        # the legal clock runs from the submission (docs/channels.md), not from the acceptance
        assert accepted.received_at == made["submitted_at"]
        assert cases.online_queue(h02) == []
        sync_now(h02)
        assert _stages(http, number)["received"] == "done"

        # paid at the kiosk: an online payment on the case
        r = http.post(
            "/v1/channel/payments",
            json={"case_number": number, "amount": 15, "transaction_id": "IBON-0001"},
            headers=kiosk,
        )
        assert r.status_code == 201, r.text
        assert r.json()["balance"] == 0
        again = http.post(
            "/v1/channel/payments",
            json={"case_number": number, "amount": 15, "transaction_id": "IBON-0001"},
            headers=kiosk,
        )
        assert again.status_code == 422
        assert _stages(http, number)["payment"] == "done"
        sync_now(h02)
        state = cases.load_case(h02, number)
        assert state.balance == 0
        (pay,) = state.payments
        assert (pay.method, pay.amount, pay.reference) == ("online", 15, "IBON-0001")
        assert pay.payment_tool == channels.KIOSK_TOOL

        cases.close_case(h02, number)
        sync_now(h02)
        r = http.get("/v1/public/status", params={"case_number": number, "id_last4": "6789"})
        body = r.json()
        assert body["stages"][3]["state"] == "done"
        assert body["ready_for_pickup"] and body["pickup_office"] == "H02"
        assert body["applicant_id_masked"] != "A123456789" and "王" not in r.text
        assert "0912345678" not in r.text
        wrong = http.get("/v1/public/status", params={"case_number": number, "id_last4": "0000"})
        assert wrong.status_code == 404
        assert body["picked_up_at"] is None

        # collected: when (a citizen whose MMS went to someone else could not tell), not who
        sync_now(h02)
        assert pickup.handover(h02, pickup.stored_token(h02, number) or "").handed_over
        sync_now(h02)
        at = cases.load_case(h02, number).picked_up_at
        assert at is not None
        r = http.get("/v1/public/status", params={"case_number": number, "id_last4": "6789"})
        assert r.json()["picked_up"] and r.json()["picked_up_at"] == at.isoformat()
        page = http.post("/status", data={"case_number": number, "id_last4": "6789"}).text
        local = at.astimezone(TAIPEI)
        assert f"已於 {format_roc(local.date())} {local:%H:%M} 領件" in page
        assert f"picked up on {local:%Y-%m-%d %H:%M}" in page and "王" not in page


def test_channel_api_refuses_bad_input_and_stores_nothing(sqlite_county: CountyServer) -> None:
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    kiosk = {"Authorization": f"Bearer {channel_token(sqlite_county, 'kiosk-ibon', 'kiosk')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        assert http.post("/v1/channel/applications", json=APPLICATION).status_code == 401
        bad_token = {"Authorization": "Bearer esch_nope"}
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=bad_token)
        assert r.status_code == 401 and r.json()["code"] == "request.refused"
        # the zh-TW words say why, as the English ones do
        assert "通路憑證不明" in r.json()["message_zh"] and "unauthenticated" in r.text
        cases_: list[tuple[dict[str, Any], dict[str, str], str]] = [
            (APPLICATION | {"applicant_id": "A123456788"}, web, "applicant_id"),
            (APPLICATION | {"service_code": "NOPE"}, web, "service_code"),
            # a county department's service: no office takes it in
            (APPLICATION | {"service_code": "SW-DISABILITY-PARKING"}, web, "service_code"),
            # not on the kiosk's list (appendix 2)
            (APPLICATION, kiosk, "service_code"),
            (APPLICATION | {"fields": {"transcript_kind": "全戶"}}, web, "registered_address"),
            (APPLICATION | {"office": "L01"}, web, "office"),
            (
                APPLICATION | {"reservation_at": "2020-01-01T10:00:00+08:00"},
                web,
                "reservation_at",
            ),
        ]
        for body, auth, field in cases_:
            r = http.post("/v1/channel/applications", json=body, headers=auth)
            assert r.status_code == 422, (field, r.text)
            fields = [d.get("field") or d.get("loc", [""])[-1] for d in r.json()["detail"]]
            if field != "service_code" or body["service_code"] != "NOPE":
                assert field in fields, (field, r.text)
            assert all(d.get("message_zh", "x") for d in r.json()["detail"])
        big = APPLICATION | {"applicant_name": "王" * 40_000}
        assert http.post("/v1/channel/applications", json=big, headers=web).status_code == 413
        r = http.post(
            "/v1/channel/payments",
            json={"case_number": "H01-00-115-000001-0", "amount": 15, "transaction_id": "T1"},
            headers=kiosk,
        )
        assert r.status_code == 404 and r.json()["code"] == "request.not_found"
        assert "查無此案號" in r.json()["message_zh"] and "no such case" in r.json()["message_en"]
    engine = make_engine(sqlite_county.db_url)
    with Session(engine) as s:
        assert s.scalars(select(CountyEventRow)).all() == []
        assert s.scalars(select(CountyCaseRow)).all() == []
    engine.dispose()


def _numbers(count: int) -> list[str]:
    """Case numbers no case has, each a query of its own."""
    return [str(CaseNumber("H01", "00", 115, 900_000 + i)) for i in range(count)]


def test_status_query_and_channel_api_are_rate_limited(sqlite_county: CountyServer) -> None:
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        answers = [  # numbers of their own: one number pauses after 10 (per case number)
            http.get("/v1/public/status", params={"case_number": n, "id_last4": "6789"})
            for n in _numbers(25)
        ]
        codes = [a.status_code for a in answers]
        # the citizen's page over the limit is still a page, in both languages, not JSON
        page = http.get("/status", params={"case_number": "H01-00-115-000001-0", "id_last4": "1"})
    assert codes[:20] == [404] * 20
    assert "查無此案件，或身分證號末四碼不符" in answers[0].json()["message_zh"]
    assert set(codes[20:]) == {429}
    assert page.status_code == 429 and page.headers["retry-after"] == "60"
    assert page.headers["content-type"].startswith("text/html")
    assert "查詢次數過多" in page.text and "Too many queries" in page.text


def test_numbers_of_the_wrong_type_are_refused_not_coerced(sqlite_county: CountyServer) -> None:
    """A portal sending ``true``, ``"2"`` or ``2.0`` for a number gets a 422: coerced, ``true``
    was a copy and a payment of NT$1, and nothing of it was the citizen's."""
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        ok = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert ok.status_code == 201, ok.text
        number = ok.json()["case_number"]
        before = _county_rows(sqlite_county)
        for copies in (True, "2", 2.0):
            r = http.post(
                "/v1/channel/applications", json=APPLICATION | {"copies": copies}, headers=web
            )
            assert r.status_code == 422, (copies, r.text)
            assert "copies" in r.text
        for amount in (True, "5", 5.0):
            r = http.post(
                "/v1/channel/payments",
                json={"case_number": number, "amount": amount, "transaction_id": "T-odd"},
                headers=web,
            )
            assert r.status_code == 422, (amount, r.text)
            assert "amount" in r.text
        # a tool the treasury's settlement file does not know: stored, it made the office's
        # reconciliation line one that `payment settle-import` refuses
        r = http.post(
            "/v1/channel/payments",
            json={
                "case_number": number,
                "amount": 5,
                "transaction_id": "T-t",
                "payment_tool": "亂寫",
            },
            headers=web,
        )
        assert r.status_code == 422 and "payment_tool" in r.text, r.text
        assert _county_rows(sqlite_county) == before


def _county_rows(county: CountyServer) -> tuple[int, int]:
    engine = make_engine(county.db_url)
    try:
        with Session(engine) as s:
            return (
                len(s.scalars(select(CountyEventRow)).all()),
                len(s.scalars(select(CountyCaseRow)).all()),
            )
    finally:
        engine.dispose()


def test_a_host_with_many_ipv6_addresses_is_one_client(sqlite_county: CountyServer) -> None:
    """A host is given a /64: asking the status from a new address of it each time made every
    query the first of its address, and the four characters could be guessed by trying. The
    addresses of one /64 now count as one client (another /64, and IPv4, are others)."""
    app = sqlite_county._uv.config.app
    numbers = iter(_numbers(27))  # one number pauses after 10 failed (per case number)

    async def ask(client: str) -> int:
        query = {"case_number": next(numbers), "id_last4": "6789"}
        transport = httpx.ASGITransport(app=app, client=(client, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://county") as http:
            return (await http.get("/v1/public/status", params=query)).status_code

    async def run() -> tuple[list[int], int, int]:
        same_host = [await ask(f"2001:db8:1:2::{i:x}") for i in range(1, 26)]
        return same_host, await ask("2001:db8:1:3::1"), await ask("::ffff:192.0.2.7")

    same_host, other_host, ipv4 = asyncio.run(run())
    assert same_host[:20] == [404] * 20
    assert set(same_host[20:]) == {429}
    assert (other_host, ipv4) == (404, 404)


def test_a_payment_names_its_case_as_the_schema_lets_it(sqlite_county: CountyServer) -> None:
    """The payment's schema takes the case number with its dashes or without them, in either
    case (``H0200115000001c``), as the status query does; the county looked the number up as
    sent, so a kiosk sending the barcode's undashed number was told 404 "no such case" for a
    case it holds, and the citizen's fee stayed due."""
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        ok = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert ok.status_code == 201, ok.text
        number, due = ok.json()["case_number"], ok.json()["fees_due"]
        for i, sent in enumerate((number.replace("-", ""), number.lower())):
            r = http.post(
                "/v1/channel/payments",
                json={"case_number": sent, "amount": 1, "transaction_id": f"T-nodash-{i}"},
                headers=web,
            )
            assert r.status_code == 201, (sent, r.text)
            assert r.json()["case_number"] == number
            assert r.json()["balance"] == due - 1 - i
