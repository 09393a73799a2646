"""The citizen's whole loop on loopback, each stage checked where the citizen sees it:
a web application reaches the office by sync and is accepted (收件), the fee is paid at the
kiosk, the clerk closes the case, the county makes it ready and sends the MMS; the MMS picture
written by the ``file:`` gateway decodes (zxing-cpp) to the code the pickup desk verifies and
hands over exactly once, and the citizen's status page follows every step."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import zxingcpp
from channel_helpers import (
    APPLICATION,
    channel_token,
    outbox_lines,
    publish_transcript_as_mms,
    working_day_10am,
)
from PIL import Image
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.services import cases, pickup
from eservice_desktop.services.core import App

ID_LAST4 = "6789"


def _page(http: httpx.Client, number: str, id_last4: str = ID_LAST4) -> dict[str, Any]:
    """What the citizen's status page (the HTML, not only its JSON) shows for the case."""
    r = http.get("/status", params={"case_number": number, "id_last4": id_last4})
    assert r.status_code == 200, r.text
    text = r.text
    stages = dict(re.findall(r"data-stage='(\w+)' data-state='(\w+)'", text))
    pickup_line = re.search(r"<p id='pickup_line'>(.*?)</p>", text)
    assert pickup_line, text
    line = html.unescape(re.sub(r"<[^>]+>", "", pickup_line.group(1)))
    assert "王小明" not in text and "0912345678" not in text and "A123456789" not in text
    return {"stages": stages, "pickup": line}


def _apply_online(http: httpx.Client, web: dict[str, str]) -> str:
    r = http.post(
        "/v1/channel/applications",
        json=APPLICATION | {"reservation_at": working_day_10am().isoformat()},
        headers=web,
    )
    assert r.status_code == 201, r.text
    number: str = r.json()["case_number"]
    return number


def _accept_at_office(h02: App, number: str) -> None:
    sync_now(h02)  # routed to H02 by the ordinary pull
    assert [row.case_number for row in cases.online_queue(h02)] == [number]
    cases.accept_case(h02, number)
    sync_now(h02)


def _pay_at_kiosk(http: httpx.Client, kiosk: dict[str, str], number: str) -> None:
    r = http.post(
        "/v1/channel/payments",
        json={"case_number": number, "amount": 15, "transaction_id": "IBON-LOOP-1"},
        headers=kiosk,
    )
    assert r.status_code == 201 and r.json()["balance"] == 0, r.text


def _mms_code(county: CountyServer, number: str) -> tuple[str, str]:
    """The token in the MMS picture (decoded with zxing-cpp) and the short code in its text."""
    lines = [x for x in outbox_lines(county, 2) if number in x["body"]]
    (mms,) = [x for x in lines if x["channel"] == "mms"]
    picture = county.workdir / mms["attachment"]
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(picture))]
    assert len(decoded) == 1, decoded
    short = re.search(r"口述領件碼 (\d{4}-[0-9A-Z]{4})", mms["body"])
    assert short, mms["body"]
    assert "應繳規費" not in mms["body"]  # paid at the kiosk: no "fee due" in the notice
    return decoded[0], short.group(1)


def test_web_application_to_mms_handover_with_the_status_page_at_each_stage(
    office: Callable[..., App], sqlite_county: CountyServer, tmp_path: Path
) -> None:
    publish_transcript_as_mms(sqlite_county, tmp_path)
    h02 = office("H02", "01", sqlite_county.url)
    enrol(h02, sqlite_county)
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web', 'web')}"}
    kiosk = {"Authorization": f"Bearer {channel_token(sqlite_county, 'ibon', 'kiosk')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        number = _apply_online(http, web)
        first = _page(http, number)
        # typed on a phone with the IME in full-width mode, or with spaces and another dash
        wide = number.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
        assert _page(http, wide, "６７８９") == first
        assert _page(http, " ".join(number.split("-")).replace(" ", "–", 1)) == first
        assert first["stages"] == {
            "received": "current",
            "payment": "current",
            "supplement": "not_needed",
            "closed": "pending",
        }
        assert "桃園市中壢戶政事務所" in first["pickup"] and "ready" not in first["pickup"]

        _accept_at_office(h02, number)
        assert _page(http, number)["stages"]["received"] == "done"

        _pay_at_kiosk(http, kiosk, number)
        assert _page(http, number)["stages"]["payment"] == "done"
        sync_now(h02)
        assert cases.load_case(h02, number).balance == 0

        cases.close_case(h02, number)
        sync_now(h02)  # the county makes it ready at H02 and sends the MMS
        ready = _page(http, number)
        assert ready["stages"]["closed"] == "done" and "ready for pickup" in ready["pickup"]

        token, short = _mms_code(sqlite_county, number)
        assert short == pt.short_code(token)
        sync_now(h02)  # the county's pickup key and the ready record reach the desk
        checked = pickup.verify(h02, token)
        assert checked.ok and checked.case_number == number, checked.message_en
        handed = pickup.handover(h02, token)
        assert handed.ok, handed.message_en
        again = pickup.handover(h02, token)
        assert not again.ok and again.reason == "already_picked_up", again
        assert not pickup.verify(h02, short).ok  # the spoken code is spent with the token

        sync_now(h02)
        assert "picked up" in _page(http, number)["pickup"]
