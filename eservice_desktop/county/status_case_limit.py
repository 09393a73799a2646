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
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict, deque

log = logging.getLogger("eservice.county.rate")

#: Failed queries of one case number, from any address, per CASE_WINDOW_S.
CASE_RATE = 10
CASE_WINDOW_S = 86_400.0
#: Case numbers remembered at most (the least recently asked are forgotten first).
CASE_KEYS = 100_000


class CaseQueryLimit:
    """Sliding window of failed status queries per case number; thread-safe (the page and the
    JSON route run on several threads). ``hit`` counts a query before it is answered (parallel
    queries never pass the limit), ``refund`` gives it back once it found its case."""

    def __init__(
        self, rate: int = CASE_RATE, window_s: float = CASE_WINDOW_S, max_keys: int = CASE_KEYS
    ) -> None:
        self.rate, self.window, self.max_keys = rate, window_s, max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._said: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, number: str, now: float | None = None) -> int:
        """0 (the query counted) when ``number`` may be asked now, else the whole seconds until
        it may (the Retry-After value)."""
        t = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits.setdefault(number, deque())
            self._hits.move_to_end(number)
            while q and q[0] <= t - self.window:
                q.popleft()
            wait = max(1, math.ceil(q[0] + self.window - t)) if len(q) >= self.rate else 0
            if not wait:
                q.append(t)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            first = bool(wait) and self._said.get(number, -math.inf) <= t - self.window
            if first:
                self._said[number] = t
                self._said.move_to_end(number)
                while len(self._said) > self.max_keys:
                    self._said.popitem(last=False)
        if first:  # county IT sees a guessing run on a case in its log, once a window
            log.warning("status queries of case %s paused after %d failed", number, self.rate)
        return wait

    def refund(self, number: str) -> None:
        with self._lock:
            if q := self._hits.get(number):
                q.pop()


#: The pause, as the page and the JSON refusal word it.
CASE_PAUSED = (
    "此案號今日錯誤查詢次數過多，已暫停查詢；請明日再試，或洽受理機關。",
    "Too many queries of this case number found nothing; it cannot be queried until"
    " tomorrow. Try again then, or ask the office.",
)
