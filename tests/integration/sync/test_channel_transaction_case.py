"""A kiosk's or web portal's transaction id (交易電子案號) is one transaction in any letter
case, at the county as at the office (services/online_transactions.py): the county keyed it
as sent, so ``ibon-7`` after ``IBON-7`` was recorded again, on the same case (the case
over-paid, the office listing a refund of money the citizen never paid twice) or on another
(one kiosk transaction paying two cases' fees)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from channel_helpers import APPLICATION, channel_token
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.county.store import CountyEventRow
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.conflicts import open_conflicts

PAY = "/v1/channel/payments"


def _pay(http: httpx.Client, kiosk: dict[str, str], number: str, txn: str) -> httpx.Response:
    return http.post(
        PAY, json={"case_number": number, "amount": 5, "transaction_id": txn}, headers=kiosk
    )


def _refusal(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 422, answer.text
    [refusal] = answer.json()["detail"]
    return dict(refusal)


def test_a_transaction_id_sent_again_in_another_letter_case_is_the_same_transaction(
    county: CountyServer, office: Callable[..., App]
) -> None:
    h02 = office("H02", "01", county.url)
    enrol(h02, county)
    web = {"Authorization": f"Bearer {channel_token(county, 'web-portal', 'web')}"}
    kiosk = {"Authorization": f"Bearer {channel_token(county, 'kiosk-ibon', 'kiosk')}"}
    with httpx.Client(base_url=county.url, timeout=30) as http:
        first = http.post("/v1/channel/applications", json=APPLICATION, headers=web).json()
        other = APPLICATION | {"applicant_id": "B123456780", "applicant_name": "林美玲"}
        second = http.post("/v1/channel/applications", json=other, headers=web).json()
        assert _pay(http, kiosk, first["case_number"], "IBON-7").status_code == 201
        stored = county.count(CountyEventRow)

        again = _refusal(_pay(http, kiosk, first["case_number"], "ibon-7"))
        assert (again["code"], again["field"]) == ("payment.duplicate", "transaction_id")
        elsewhere = _refusal(_pay(http, kiosk, second["case_number"], "Ibon-7"))
        assert elsewhere["code"] == "payment.duplicate" and "另一案件" in elsewhere["message_zh"]
        other_amount = http.post(
            PAY,
            json={"case_number": first["case_number"], "amount": 3, "transaction_id": "ibon-7"},
            headers=kiosk,
        )
        assert _refusal(other_amount)["code"] == "payment.duplicate_amount"
        assert county.count(CountyEventRow) == stored  # nothing written

    sync_now(h02)
    for made, paid in ((first, 5), (second, 0)):
        state = cases.load_case(h02, made["case_number"])
        assert (state.paid, state.balance) == (paid, 15 - paid)
    assert open_conflicts(h02) == []  # no over-payment to refund
