"""The status query's limit counts what could be a guess, not every query (docs/channels.md):
the phones behind a mobile carrier's NAT, or an office's counter PCs, reach the county from one
address, and 20 queries a minute among them all were answered 查詢次數過多 while no one had
typed anything wrong. A query that finds its case, or whose input can name no case, is given
back; a wrong ID or an unknown case counts, and 20 of them still stop the address. Real county
server on loopback (every query from 127.0.0.1, one shared address)."""

from __future__ import annotations

import httpx
from channel_helpers import APPLICATION, channel_token
from sync_helpers import CountyServer

from eservice_desktop.domain.case_number import CaseNumber


def test_queries_that_find_their_case_never_use_up_a_shared_address(
    sqlite_county: CountyServer,
) -> None:
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert r.status_code == 201, r.text
        number = str(r.json()["case_number"])
        right = {"case_number": number, "id_last4": "6789"}

        found = [http.post("/status", data=right).status_code for _ in range(15)]
        found += [http.get("/v1/public/status", params=right).status_code for _ in range(15)]
        typo = {**right, "id_last4": "67"}
        typos = [http.post("/status", data=typo).status_code for _ in range(5)]
        assert found == [200] * 30 and typos == [404] * 5

        wrong = {"case_number": number, "id_last4": "6788"}
        guesses = [http.post("/status", data=wrong).status_code for _ in range(10)]
        # another number for the next ten: one number pauses after 10 (per case number)
        elsewhere = {"case_number": str(CaseNumber("H02", "00", 115, 999_999)), "id_last4": "0001"}
        guesses += [http.get("/v1/public/status", params=elsewhere).status_code for _ in range(10)]
        assert guesses == [404] * 20
        page = http.post("/status", data=wrong)
        assert page.status_code == 429 and "錯誤查詢次數過多" in page.text
        assert "Too many queries found nothing" in page.text
        assert http.get("/v1/public/status", params=right).status_code == 429
