"""The citizen's status query of a case collected by mail (docs/channels.md): the page named
the handling office as the "pickup office" of documents sent by post, so a citizen went to the
office for documents already in the post."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import httpx
from channel_helpers import APPLICATION, channel_token
from sync_helpers import County, CountyServer, event

MAILED = APPLICATION | {
    "service_code": "HR-TRANSCRIPT-PERSONAL",
    "pickup_method": "mail",
    "fields": {"record_detail": "省略記事", "mail_address": "桃園市中壢區中央西路二段1號"},
}


def _pickup_line(http: httpx.Client, number: str) -> str:
    page = http.get("/status", params={"case_number": number, "id_last4": "6789"})
    assert page.status_code == 200, page.text
    found = re.search(r"<p id='pickup_line'>(.*?)</p>", page.text)
    assert found, page.text
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def _status(http: httpx.Client, number: str) -> dict[str, object]:
    r = http.get("/v1/public/status", params={"case_number": number, "id_last4": "6789"})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_a_case_collected_by_mail_is_shown_as_mailed_not_as_waiting_at_an_office(
    sqlite_county: CountyServer,
) -> None:
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    kiosk = {"Authorization": f"Bearer {channel_token(sqlite_county, 'kiosk-ibon', 'kiosk')}"}
    county = County(sqlite_county)
    county.enrol("H02")
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        r = http.post("/v1/channel/applications", json=MAILED, headers=web)
        assert r.status_code == 201, r.text
        case_id, number = r.json()["case_id"], r.json()["case_number"]

        line = _pickup_line(http, number)
        assert "郵寄 By mail" in line and "戶政事務所" not in line, line
        assert "Pickup office" not in line and "sent by post" not in line
        status = _status(http, number)
        assert status["pickup_method"] == "mail" and status["mailed"] is False

        paid = http.post(
            "/v1/channel/payments",
            json={"case_number": number, "amount": 15, "transaction_id": "IBON-0001"},
            headers=kiosk,
        )
        assert paid.status_code == 201, paid.text
        now = datetime.now(UTC).isoformat()
        for type_ in ("case.accepted", "case.closed"):
            e = event("H02", type_, {}, case_id) | {"at": now}
            assert county.push("H02", e).json()["results"][0]["status"] == "accepted"

        line = _pickup_line(http, number)
        assert "郵寄 By mail" in line and "已結案寄出 sent by post" in line, line
        assert "ready for pickup" not in line and "戶政事務所" not in line
        status = _status(http, number)
        assert status["mailed"] is True and status["ready_for_pickup"] is False
