"""The status query cannot be guessed from many addresses (docs/channels.md): the limit per
client address (20 failed queries a minute) let a host with a few hundred IPv4 addresses try
every last four digits of a national ID in about a minute, and the answer told the case's
service, stage and pickup office. Failed queries of one case number, from any address, are
now 10 a day. Real county server on loopback; the addresses are loopback ones (127.0.0.N),
each a client of its own, as a host's many IPv4 addresses are."""

from __future__ import annotations

import httpx
from channel_helpers import APPLICATION, channel_token
from sync_helpers import CountyServer

from eservice_desktop.domain.case_number import CaseNumber


def _from(county: CountyServer, address: int) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{address}")
    return httpx.Client(base_url=county.url, timeout=10, transport=transport)


def _ask(county: CountyServer, address: int, number: str, last4: str) -> httpx.Response:
    with _from(county, address) as http:
        return http.get("/v1/public/status", params={"case_number": number, "id_last4": last4})


def test_guessing_an_id_s_last_four_from_many_addresses_stops_at_ten(
    sqlite_county: CountyServer,
) -> None:
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with _from(sqlite_county, 1) as http:
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert r.status_code == 201, r.text
    number = str(r.json()["case_number"])
    # the citizen asking her own case again and again never pauses it
    assert {_ask(sqlite_county, 1, number, "6789").status_code for _ in range(12)} == {200}

    guesses = [_ask(sqlite_county, 2 + i, number, f"{i:04d}").status_code for i in range(10)]
    assert guesses == [404] * 10  # each from an address of its own: no address limit met
    # the guessers' addresses are paused, the right four too: no 11th guess from them
    again = _ask(sqlite_county, 2, number, "6789")
    assert again.status_code == 429, again.text
    assert "service" not in again.text and "HR-TRANSCRIPT" not in again.text
    assert "此案號今日錯誤查詢次數過多" in again.json()["message_zh"]
    assert "Too many queries of this case number" in again.json()["message_en"]
    assert int(again.headers["retry-after"]) > 23 * 3600
    with _from(sqlite_county, 3) as http:
        page = http.post("/status", data={"case_number": number, "id_last4": "6789"})
    assert page.status_code == 429 and "王" not in page.text and "Transcript" not in page.text
    assert "此案號今日錯誤查詢次數過多" in page.text and "Taiwan time" in page.text

    # a number no case has pauses alike: the pause tells nothing of whether a case has it
    nobody = str(CaseNumber("H02", "00", 115, 999_999))
    unknown = [_ask(sqlite_county, 50 + i, nobody, f"{i:04d}").status_code for i in range(11)]
    assert unknown == [404] * 11  # the 11th from an address that failed none
    assert _ask(sqlite_county, 50, nobody, "6789").status_code == 429
    # another case is asked as before
    other = str(CaseNumber("H02", "00", 115, 999_998))
    assert _ask(sqlite_county, 70, other, "6789").status_code == 404


def test_a_guesser_cannot_lock_the_citizen_out_of_her_own_case(
    sqlite_county: CountyServer,
) -> None:
    """Ten wrong queries paused the number for everyone for a day: whoever knew a case
    number (or counted them: they are sequential) locked its citizen out of her own status,
    the right four from her own phone answered 此案號今日錯誤查詢次數過多. An address that failed
    no query is still answered, up to ten of them a day; then the number is paused for all."""
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with _from(sqlite_county, 1) as http:
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert r.status_code == 201, r.text
    number = str(r.json()["case_number"])
    # the lock-out: ten wrong fours from one address (within its 20 a minute)
    assert [_ask(sqlite_county, 2, number, f"{i:04d}").status_code for i in range(10)] == [404] * 10

    mine = _ask(sqlite_county, 40, number, "6789")  # the citizen's phone, right four
    assert mine.status_code == 200, mine.text
    assert mine.json()["case_number"] == number
    with _from(sqlite_county, 41) as http:
        page = http.post("/status", data={"case_number": number, "id_last4": "6789"})
    assert page.status_code == 200 and "此案號今日錯誤查詢次數過多" not in page.text
    # found, the try is given back: the citizen asks again as often as she likes
    assert {_ask(sqlite_county, 40, number, "6789").status_code for _ in range(12)} == {200}

    # a guesser with fresh addresses gets ten more tries a day, each address spent by it
    spent = [_ask(sqlite_county, 60 + i, number, f"{i:04d}").status_code for i in range(10)]
    assert spent == [404] * 10
    assert _ask(sqlite_county, 60, number, "6789").status_code == 429
    # then the number is paused for every address, the citizen's too, until tomorrow
    late = _ask(sqlite_county, 42, number, "6789")
    assert late.status_code == 429 and "此案號今日錯誤查詢次數過多" in late.json()["message_zh"]
    assert int(late.headers["retry-after"]) > 23 * 3600


def test_a_citizen_who_mistyped_once_is_told_why_the_pause_holds_her(
    sqlite_county: CountyServer,
) -> None:
    """She mistyped her four once, then guessers paused her number: she was told
    此案號今日錯誤查詢次數過多…請明日再試, read it as her one typo locking her out, and saw
    nothing of why another phone was answered. It says the failures are not hers alone, that
    her network's failed query today is why, and the hour to try again."""
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with _from(sqlite_county, 1) as http:
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert r.status_code == 201, r.text
    number = str(r.json()["case_number"])
    assert _ask(sqlite_county, 40, number, "6788").status_code == 404  # her typo
    guesses = [_ask(sqlite_county, 2, number, f"{i:04d}").status_code for i in range(9)]
    assert guesses == [404] * 9

    mine = _ask(sqlite_county, 40, number, "6789")
    assert mine.status_code == 429, mine.text
    said = mine.json()
    assert "未必是您" in said["message_zh"] and "今日曾有查詢未果" in said["message_zh"]
    assert "後再試" in said["message_zh"] and "明日" not in said["message_zh"]
    assert "not necessarily yours" in said["message_en"] and "Taiwan time" in said["message_en"]
    assert said["code"] == "rate.too_many" and "service" not in said  # the contract, no case
    with _from(sqlite_county, 40) as http:
        page = http.post("/status", data={"case_number": number, "id_last4": "6789"})
    assert page.status_code == 429 and "未必是您" in page.text and "王" not in page.text
    # another phone, which failed nothing, is answered
    assert _ask(sqlite_county, 41, number, "6789").status_code == 200
