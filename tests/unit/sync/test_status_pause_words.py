"""What a paused status query tells the citizen (``status_case_limit``): a citizen who had
mistyped her four once that day, then found her case number paused by others' failed queries,
was told 此案號今日錯誤查詢次數過多…請明日再試 as if her one typo had locked her out, and a
Retry-After of the pause's end, where her own address was answered again (graced) as soon as
her typo was a day old."""

from __future__ import annotations

from datetime import UTC, datetime

from eservice_desktop.county.status_case_limit import CaseQueryLimit, Try, paused_words

NUMBER = "H01-01-115-000001-7"
DAY = 86_400.0


def _paused_after_her_typo(limit: CaseQueryLimit, typed: str = NUMBER) -> None:
    """Her phone (``mine``) mistypes at 0 (her four for ``NUMBER``, or another number); an
    hour later guessers' addresses, each failing once, pause ``NUMBER``."""
    typo = limit.ask(typed, "mine", now=0.0)
    limit.settle(typed, "mine", typo, found=False, now=0.0)
    for i in range(limit.rate - (typed == NUMBER)):
        asked = limit.ask(NUMBER, f"guesser {i}", now=3600.0 + i)
        assert asked.wait == 0
        limit.settle(NUMBER, f"guesser {i}", asked, found=False, now=3600.0 + i)
    assert limit.ask(NUMBER, "", now=3650.0).wait  # paused for an address given no grace


def test_her_own_typo_is_why_she_is_not_let_through() -> None:
    limit = CaseQueryLimit()
    _paused_after_her_typo(limit)
    mine = limit.ask(NUMBER, "mine", now=3700.0)
    assert mine.missed and not mine.grace and mine.wait == int(DAY - 3700)
    fresh = limit.ask(NUMBER, "another phone", now=3700.0)  # an address that failed nothing
    assert (fresh.wait, fresh.grace) == (0, True)
    guesser = limit.ask(NUMBER, "guesser 0", now=3700.0)  # failed in the pause itself
    assert guesser.wait and guesser.missed  # no difference the guesser can read


def test_she_is_told_when_her_typo_is_a_day_old_when_that_is_before_the_pause_ends() -> None:
    """Her typo was on another number (her other case): the pause of this one ends a day
    after the guesses; her address is graced again a day after her typo."""
    limit = CaseQueryLimit()
    _paused_after_her_typo(limit, typed="H01-01-115-000002-5")
    mine = limit.ask(NUMBER, "mine", now=3700.0)
    assert mine.missed and mine.wait == int(DAY - 3700)  # not 3600 + DAY - 3700
    assert limit.ask(NUMBER, "mine", now=DAY + 1).grace  # and then she is answered


def test_the_words_say_what_is_the_matter_and_the_hour() -> None:
    now = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)  # 19:00 in Taipei
    zh, en = paused_words(Try(3 * 3600, missed=True), now)
    assert "未必是您" in zh and "您目前使用的網路今日曾有查詢未果" in zh
    assert "請於 民國115年12月5日 22:00 後再試" in zh and "明日" not in zh
    assert "not necessarily yours" in en and "2026-12-05 22:00 (Taiwan time)" in en
    zh, en = paused_words(Try(20 * 3600), now)  # an address that failed nothing: grace spent
    assert "請於 民國115年12月6日 15:00 後再試" in zh and "未必是您" not in zh
    assert "until 2026-12-06 15:00 (Taiwan time)" in en


def test_with_the_grace_spent_the_pause_is_said_as_before() -> None:
    limit = CaseQueryLimit(grace=0)
    _paused_after_her_typo(limit)
    mine = limit.ask(NUMBER, "mine", now=3700.0)
    assert not mine.missed and mine.wait == int(DAY - 3700)
