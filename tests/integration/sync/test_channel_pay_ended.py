"""A kiosk or web payment on a case the office rejected or the citizen cancelled
(docs/channels.md): the county took it (the rule that takes a counter's offline payment on an
ended case let the channel's through too), so a kiosk collected a fee no case was due any more
and the offices had a refund to make."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from channel_helpers import APPLICATION, channel_token
from sync_helpers import County, CountyServer, event

from eservice_desktop.county.store import CountyEventRow


@pytest.mark.parametrize(
    ("ending", "payload", "zh"),
    [
        ("case.rejected", {"reason": "資料不符"}, "本案已駁回"),
        ("case.cancelled", {"reason": "民眾撤件"}, "本案已撤件"),
    ],
)
def test_a_channel_cannot_pay_a_fee_on_a_case_that_has_ended(
    sqlite_county: CountyServer, ending: str, payload: dict[str, str], zh: str
) -> None:
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    kiosk = {"Authorization": f"Bearer {channel_token(sqlite_county, 'kiosk-ibon', 'kiosk')}"}
    county = County(sqlite_county)
    county.enrol("H02")
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        made = http.post("/v1/channel/applications", json=APPLICATION, headers=web).json()
        now = datetime.now(UTC).isoformat()
        for type_, p in (("case.accepted", {}), (ending, payload)):
            e = event("H02", type_, p, made["case_id"]) | {"at": now}
            assert county.push("H02", e).json()["results"][0]["status"] == "accepted"
        stored = sqlite_county.count(CountyEventRow)

        paid = http.post(
            "/v1/channel/payments",
            json={"case_number": made["case_number"], "amount": 15, "transaction_id": "IBON-7"},
            headers=kiosk,
        )
        assert paid.status_code == 422, paid.text
        [refusal] = paid.json()["detail"]
        assert refusal["field"] == "case_number" and refusal["code"] == "case.not_open"
        assert refusal["message_zh"].startswith(zh) and refusal["message_en"]
        assert sqlite_county.count(CountyEventRow) == stored  # nothing written

        status = http.get(
            "/v1/public/status",
            params={"case_number": made["case_number"], "id_last4": "6789"},
        ).json()
        assert status["balance"] == 0
        assert {s["key"]: s["state"] for s in status["stages"]}["payment"] == "not_needed"
