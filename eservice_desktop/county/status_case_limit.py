"""The citizen's status query's limit per case number: failed queries of one case, from any
address, are few a day.

The query needs a case number and the last four characters of the applicant's ID: 10,000
values for a national ID's digits. The limit per client address (20 failed queries a minute,
``channel_api``) let one address try them all in under nine hours, and a host with a few
hundred IPv4 addresses in about a minute (measured on loopback: 4,000 tries from 200
addresses in 33 s found the ID's last four); the answer then told the service, the stage,
the pickup office and any reason of a rejection or supplement. Counted per case number, every
address together gets ``CASE_RATE`` wrong tries a day: a case's four characters take years to
try, and the citizen's own typo costs one of them.

Every well-formed number is counted, found or not (a query that finds its case gives its try
back), so a paused number answers the same whether a case has it or not: the pause tells
nothing of any case. The numbers counted are bounded (``CASE_KEYS``, the least recently asked
forgotten first): memory cannot be filled by asking numbers no case has.

A paused number still answers a few addresses that have failed no query at all that day
(``GRACE_RATE`` a day per number, ``grace``): the pause alone let anyone who knew a case
number, or counted them (they are sequential, their check digit public), spend its 10 tries and
lock the citizen out of her own status for the day, or lock a whole office's cases from one
address (2 a minute under its own limit). The citizen asking from her phone has failed nothing;
a guesser's address, once it failed, is a guesser's. Locking a case now takes ``GRACE_RATE``
addresses that have failed nothing, each spent for a day by its one failure; guessing gets
``CASE_RATE + GRACE_RATE`` tries a day (the 10,000 four digits in over a year).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc

log = logging.getLogger("eservice.county.rate")

#: Failed queries of one case number, from any address, per CASE_WINDOW_S.
CASE_RATE = 10
CASE_WINDOW_S = 86_400.0
#: Case numbers remembered at most (the least recently asked are forgotten first).
CASE_KEYS = 100_000
#: Queries of a paused case number, each from an address that failed none, per CASE_WINDOW_S.
GRACE_RATE = 10


@dataclass(frozen=True)
class Try:
    """A status query counted (``wait`` 0) or refused (the Retry-After seconds); ``grace``: a
    paused number's query from an address that had failed none; ``missed``: refused a paused
    number's grace because this address failed a query within the window (its own typo)."""

    wait: int
    grace: bool = False
    missed: bool = False


class CaseQueryLimit:
    """Sliding window of failed status queries per case number; thread-safe (the page and the
    JSON route run on several threads). ``ask`` counts a query before it is answered (parallel
    queries never pass the limit), ``settle`` gives it back once it found its case, or marks
    the address of one that found none."""

    def __init__(
        self,
        rate: int = CASE_RATE,
        window_s: float = CASE_WINDOW_S,
        max_keys: int = CASE_KEYS,
        grace: int = GRACE_RATE,
    ) -> None:
        self.rate, self.window, self.max_keys, self.grace = rate, window_s, max_keys, grace
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._grace: OrderedDict[str, deque[float]] = OrderedDict()
        self._missed: OrderedDict[str, float] = OrderedDict()  # address -> its last failure
        self._said: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, number: str, now: float | None = None) -> int:
        """0 (the query counted) when ``number`` may be asked now, else the whole seconds until
        it may (the Retry-After value); no address, so no grace."""
        return self.ask(number, "", now).wait

    def ask(self, number: str, client: str, now: float | None = None) -> Try:
        """The query of ``number`` from ``client`` (``edge.client_key``) counted, or refused:
        a paused number is still asked by an address that failed no query in the window, up
        to ``grace`` of them."""
        t = time.monotonic() if now is None else now
        with self._lock:
            q = self._window(self._hits, number, t)
            wait = max(1, math.ceil(q[0] + self.window - t)) if len(q) >= self.rate else 0
            if not wait:
                q.append(t)
                return Try(0)
            missed = False
            if client:
                g = self._window(self._grace, number, t)
                last_miss = self._missed.get(client, -math.inf)
                if last_miss <= t - self.window:
                    if len(g) < self.grace:
                        g.append(t)
                        return Try(0, grace=True)
                    wait = min(wait, max(1, math.ceil(g[0] + self.window - t)))
                elif len(g) < self.grace:  # graced once its own failure is a day old
                    missed = True
                    wait = min(wait, max(1, math.ceil(last_miss + self.window - t)))
            first = self._said.get(number, -math.inf) <= t - self.window
            if first:
                self._said[number] = t
                self._keep(self._said, number)
        if first:  # county IT sees a guessing run on a case in its log, once a window
            log.warning("status queries of case %s paused after %d failed", number, self.rate)
        return Try(wait, missed=missed)

    def settle(
        self, number: str, client: str, asked: Try, found: bool, now: float | None = None
    ) -> None:
        """A counted query answered: a try that found its case is given back, an address whose
        query found none has no grace within the window."""
        t = time.monotonic() if now is None else now
        with self._lock:
            if found and (q := (self._grace if asked.grace else self._hits).get(number)):
                q.pop()
            elif not found and client:
                self._missed[client] = t
                self._keep(self._missed, client)

    def _window(self, hits: OrderedDict[str, deque[float]], key: str, t: float) -> deque[float]:
        q = hits.setdefault(key, deque())
        hits.move_to_end(key)
        while q and q[0] <= t - self.window:
            q.popleft()
        while len(hits) > self.max_keys:
            hits.popitem(last=False)
        return q

    def _keep(self, seen: OrderedDict[str, float], key: str) -> None:
        seen.move_to_end(key)
        while len(seen) > self.max_keys:
            seen.popitem(last=False)


#: The pause, as the page and the JSON refusal word it (without its time: ``paused_words``).
CASE_PAUSED = (
    "此案號今日錯誤查詢次數過多，已暫停查詢；請明日再試，或洽受理機關。",
    "Too many queries of this case number found nothing; it cannot be queried until"
    " tomorrow. Try again then, or ask the office.",
)


def paused_words(asked: Try, now: datetime) -> tuple[str, str]:
    """The pause as the page and the JSON refusal word it, with the time it may be asked
    again (``now`` the wall clock, ``asked.wait`` ahead, Taipei). Its failed queries are
    seldom the asker's: a citizen who had mistyped her four once that day, then found the
    number paused by others' guesses, was told 此案號今日錯誤查詢次數過多…請明日再試, read it
    as her one typo locking her out, and was not told why the pause let others through (an
    address that failed nothing) and not her; it says so now, and the hour her typo is a day
    old (``Try.missed``). Nothing is said of the case: a number no case has pauses alike."""
    at = (now + timedelta(seconds=asked.wait)).astimezone(TAIPEI)
    zh_at = f"{format_roc(at.date())} {at:%H:%M}"
    en_at = f"{at:%Y-%m-%d %H:%M} (Taiwan time)"
    if not asked.missed:
        return (
            f"此案號今日錯誤查詢次數過多，已暫停查詢；請於 {zh_at} 後再試，或洽受理機關。",
            "Too many queries of this case number found nothing; it cannot be queried until"
            f" {en_at}. Try again then, or ask the office.",
        )
    return (
        "此案號今日錯誤查詢次數過多（未必是您所查），為保護申請人資料已暫停查詢；"
        "暫停期間只受理今日未曾查詢錯誤的連線，而您目前使用的網路今日曾有查詢未果。"
        f"請於 {zh_at} 後再試，或洽受理機關。",
        "Too many queries of this case number found nothing today (not necessarily"
        " yours), so it is paused to protect the applicant; while paused only"
        " connections with no failed query today are answered, and a query from the network"
        f" you use now found nothing today. Try again after {en_at}, or ask the office.",
    )
