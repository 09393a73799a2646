"""The status page names the service as the notices do (docs/channels.md): the catalogue's
name carries the seed's channel mark, 請領戶籍謄本(預約) / "… (online reservation)", and the page
told a citizen who had applied at the counter that the case was an online reservation, while
the SMS about the same case said 「請領戶籍謄本」. Real county server on loopback, a counter's
case pushed by sync, the JSON and the page read back."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services.core import App


def test_a_counter_case_is_not_called_an_online_reservation(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01)  # 請領戶籍謄本 at the counter
    sync_now(h01)
    query = {"case_number": number, "id_last4": "6789"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        body = http.get("/v1/public/status", params=query).json()
        page = http.post("/status", data=query).text
    assert body["channel"] == "counter"
    assert (body["service"], body["service_en"]) == (
        "請領戶籍謄本",
        "Household registration transcript",
    )
    assert "請領戶籍謄本 <span lang='en'>Household registration transcript</span>" in page
    assert "預約" not in page and "reservation" not in page
