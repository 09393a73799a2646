"""The counts the supervisor reports add up, moved by the writers of ``cases`` themselves.

``case_stats`` counts the case rows per office, day of receipt, service, channel, status,
consent, on-time verdict and document kinds looked up, ``case_stats_month`` the same per month
(storage/models_reports.py).
Until revision 0017 two SQLite triggers moved them, two upserts per inserted or updated case
row: on a fresh office that doubled the cost of inserting a pulled page's cases, and a trigger
costs most of that even when its ``WHEN`` lets it do nothing. The two writers of ``cases``
(``services.ingest``'s batch and ``storage.repo.upsert_projection``) know the row's key before
and after, so they hand the moves to :func:`write`: one upsert per key that changed, a few
dozen rows for a page of thousands of cases. The delete trigger stays (nothing deletes cases
but tests and repairs, and whatever does is still counted). :func:`recount` gives the same
counts from the rows; the tests compare the two after every kind of write.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

#: The ``cases`` columns of a count's key, in case_stats' key order (``closed_on_time`` is its
#: ``on_time``, -1 for none).
KEY_COLUMNS = (
    "office",
    "received_day",
    "service_code",
    "channel",
    "status",
    "consent",
    "closed_on_time",
    "lookup_kinds",
)

#: A count's key as stored: the day as text, consent 0/1, the verdict 1, 0 or -1, the kinds
#: looked up as :func:`lookups_text` spells them.
Key = tuple[str, str, str, str, str, int, int, str]

#: The ``lookups`` of a case that looked nothing up.
NO_LOOKUPS = "[]"

_DAY_KEY = "office, received_day, service_code, channel, status, consent, on_time, lookups"
_MONTH_KEY = "office, month, service_code, channel, status, consent, on_time, lookups"
_UPSERT_DAY = (
    f"INSERT INTO case_stats ({_DAY_KEY}, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    f"ON CONFLICT ({_DAY_KEY}) DO UPDATE SET n = n + excluded.n"
)
_UPSERT_MONTH = (
    f"INSERT INTO case_stats_month ({_MONTH_KEY}, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    f"ON CONFLICT ({_MONTH_KEY}) DO UPDATE SET n = n + excluded.n"
)
RECOUNT = (
    "DELETE FROM case_stats",
    "DELETE FROM case_stats_month",
    f"INSERT INTO case_stats ({_DAY_KEY}, n) SELECT office, received_day, service_code, "
    "channel, status, consent, coalesce(closed_on_time, -1), lookup_kinds, count(*) FROM cases "
    "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
    f"INSERT INTO case_stats_month ({_MONTH_KEY}, n) SELECT office, substr(received_day, 1, 7), "
    "service_code, channel, status, consent, on_time, lookups, sum(n) FROM case_stats "
    "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
)


def lookups_text(kinds: Collection[str]) -> str:
    """The kinds a case looked up as one key value: a JSON list, sorted (a kind is text of
    another office's event, so no separator character is safe)."""
    if not kinds:
        return NO_LOOKUPS
    return json.dumps(sorted(kinds), ensure_ascii=False, separators=(",", ":"))


def lookup_kinds(lookups: str) -> list[str]:
    """The kinds of a ``lookups`` key value (:func:`lookups_text`)."""
    kinds = json.loads(lookups)
    return [str(k) for k in kinds]


def key_of(values: Mapping[str, Any]) -> Key:
    """The key of a case row from its values as a writer holds them
    (``repo.projection_values``: a date, bools) or as they are selected back."""
    day: date = values["received_day"]
    on_time = values["closed_on_time"]
    return (
        values["office"],
        day.isoformat(),
        values["service_code"],
        values["channel"],
        values["status"],
        1 if values["consent"] else 0,
        -1 if on_time is None else int(on_time),
        values["lookup_kinds"],
    )


def moved(moves: Counter[Key], before: Key | None, after: Key) -> None:
    """Counts a row written with key ``after`` that had key ``before`` (None: a new row)."""
    if before == after:
        return
    if before is not None:
        moves[before] -= 1
    moves[after] += 1


def write(session: Session, moves: Counter[Key]) -> None:
    """Adds ``moves`` (key -> change of its count) to both tables, in the caller's
    transaction: one ``executemany`` each (a count that falls to 0 stays as a 0 row, as the
    triggers left it; the reports add the rows up)."""
    days = [(*k, n) for k, n in moves.items() if n]
    if not days:
        return
    months: Counter[Key] = Counter()
    for k, n in moves.items():
        months[(k[0], k[1][:7], *k[2:])] += n
    conn = session.connection()
    conn.exec_driver_sql(_UPSERT_DAY, days)
    if month_rows := [(*k, n) for k, n in months.items() if n]:  # moves within a month cancel
        conn.exec_driver_sql(_UPSERT_MONTH, month_rows)


def recount(conn: Connection) -> None:
    """Both tables counted again from ``cases``: what the counts of a database whose rows were
    written around the writers should be (the tests compare them; the reports benchmark runs
    :data:`RECOUNT` over its raw connection after writing its year)."""
    for sql in RECOUNT:
        conn.execute(text(sql))
