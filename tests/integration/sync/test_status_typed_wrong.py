"""The citizen's status page says what is wrong with what was typed (docs/channels.md): a case
number without its last digit, or with one digit mistyped, and ID characters that are not four
letters or digits were all answered 查無此案件 (no such case), and the citizen, sure of the
number on the receipt, thought the case lost. Real county server on loopback, a web
application's case, the page read back."""

from __future__ import annotations

import dataclasses
import html
import re

import httpx
from channel_helpers import APPLICATION, channel_token
from sync_helpers import CountyServer

from eservice_desktop.domain.case_number import parse_case_number


def _message(http: httpx.Client, number: str, last4: str) -> tuple[int, str]:
    page = http.post("/status", data={"case_number": number, "id_last4": last4})
    found = re.search(r"<p class='msg' id='message'>(.*?)</p>", page.text)
    text = html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""
    return page.status_code, text


def _mistyped(number: str) -> str:
    """The number with its last digit wrong (the check digit no longer matches)."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_the_page_says_which_part_was_typed_wrong(sqlite_county: CountyServer) -> None:
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert r.status_code == 201, r.text
        number = str(r.json()["case_number"])

        assert _message(http, number, "6789") == (200, "")
        code, text = _message(http, number[:-2], "6789")  # the last digit left out
        assert code == 404 and "案號格式不符" in text and "incomplete" in text, text
        assert "查無此案件" not in text
        code, text = _message(http, _mistyped(number), "6789")
        assert code == 404 and "檢查碼不符" in text and "typo" in text, text
        assert "查無此案件" not in text
        code, text = _message(http, number, "789")
        assert code == 404 and "末四碼請輸入 4 個" in text and "last four" in text, text
        code, text = _message(http, number[:-2], "67")
        assert "案號格式不符" in text and "末四碼請輸入 4 個" in text, text
        # a number of the right form that is no case, or the wrong four: the one answer
        # that tells neither apart
        code, text = _message(http, number, "6788")
        assert (code, text) == (
            404,
            "查無此案件，或身分證號末四碼不符。 No such case, or the ID does not match.",
        )
        other = str(dataclasses.replace(parse_case_number(number), sequence=999_999))
        assert _message(http, other, "6789")[1].startswith("查無此案件")
