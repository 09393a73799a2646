"""The citizen's status query says why a case was rejected, and what to supply while a
supplement is awaited (seed table 7: 「申辦項目被駁回但看不到原因，仍需打電話詢問」; the answer:
「透過線上申辦系統註明駁回原因後退件」). Real county server on loopback, the office's events
pushed by sync, the JSON and the page read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
from channel_helpers import APPLICATION, channel_token
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import cases
from eservice_desktop.services.core import App

QUERY = {"id_last4": "6789"}


def _status(http: httpx.Client, number: str) -> tuple[dict[str, object], str]:
    body = http.get("/v1/public/status", params={"case_number": number, **QUERY}).json()
    page = http.post("/status", data={"case_number": number, **QUERY}).text
    return body, page


def test_the_status_says_what_to_supply_and_why_a_case_was_rejected(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert r.status_code == 201, r.text
        number = str(r.json()["case_number"])
        sync_now(h02)
        cases.accept_case(h02, number)
        body, page = _status(http, number)
        assert body["rejection_reason"] == body["supplement_reason"] == ""
        assert "id='rejection'" not in page and "id='supplement'" not in page

        assert body["supplement_by"] == "" and body["supplement_items"] == []
        day = h02.now().astimezone(TAIPEI).date() + timedelta(days=7)
        day = h02.calendar.working_day_on_or_after(day)
        cases.request_supplement(h02, number, "請補附委託書<正本>", supply_by=day)
        sync_now(h02)
        body, page = _status(http, number)
        assert body["supplement_reason"] == "請補附委託書<正本>"
        assert "應補正事項 <span lang='en'>To be supplied</span>：請補附委託書&lt;正本&gt;" in page
        assert body["supplement_by"] == day.isoformat()  # the day the notice says, pushed
        roc = f"{day.year - 1911}/{day.month:02d}/{day.day:02d}"
        assert f"補件期限 <span lang='en'>Supply by</span>：{roc}" in page

        cases.record_supplement(h02, number)
        cases.reject_case(h02, number, "申請人非利害關係人")
        sync_now(h02)
        body, page = _status(http, number)
        assert body["status"] == "rejected" and body["supplement_reason"] == ""
        assert body["supplement_by"] == "" and "id='supplement_by'" not in page
        assert body["rejection_reason"] == "申請人非利害關係人"
        assert "駁回理由 <span lang='en'>Reason for rejection</span>：申請人非利害關係人" in page
        assert "id='supplement'" not in page and "王" not in page
