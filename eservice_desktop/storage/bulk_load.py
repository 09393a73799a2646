"""Loading many cases into an empty office database: what SQLite maintains row by row is set
aside for the load and built set-based at its end, in the same transaction.

A demo seed or a benchmark fixture writes hundreds of thousands of cases into a database that
has none. Row by row, each case row updates eight secondary indexes of ``cases`` and fires the
``case_stats`` trigger (two upserts), and each event row updates the two secondary indexes of
``events`` at a random place (case ids are random). Over 200,000 cases that costs more than
the rows themselves. :func:`deferred` drops those indexes and triggers when the load begins
and, when it ends, creates the very same indexes again from their stored SQL (one sort each),
counts ``case_stats`` and ``case_stats_month`` with one GROUP BY each, exactly what the
triggers would have added up from empty tables, and creates the triggers again. All of it runs
inside the caller's one transaction: a failed load rolls back to the empty database with its
schema whole, and no other connection ever sees the schema without them.

Only for an empty database (:func:`is_empty`): the counts are recomputed from every case row,
which equals the triggers' sum only when the tables started empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

#: The tables whose secondary indexes and triggers a load sets aside.
TABLES = ("events", "cases")
#: Indexes the load itself reads (new search keys are checked against
#: ``ix_cases_search_key``), and unique ones, whose check must stay per row: kept.
KEPT = frozenset({"ix_cases_search_key"})

_KEY = "office, {day}, service_code, channel, status, consent, on_time"
#: ``case_stats`` of every case row, as the triggers of migration 0011 count them.
FILL_DAYS = (
    f"INSERT INTO case_stats ({_KEY.format(day='received_day')}, n) "
    "SELECT office, received_day, service_code, channel, status, consent, "
    "coalesce(closed_on_time, -1), count(*) FROM cases GROUP BY 1, 2, 3, 4, 5, 6, 7"
)
#: ``case_stats_month`` from ``case_stats`` (the month of ``received_day``, as the triggers).
FILL_MONTHS = (
    f"INSERT INTO case_stats_month ({_KEY.format(day='month')}, n) "
    "SELECT office, substr(received_day, 1, 7), service_code, channel, status, consent, "
    "on_time, sum(n) FROM case_stats GROUP BY 1, 2, 3, 4, 5, 6, 7"
)
_EMPTY = ("events", "cases", "case_stats", "case_stats_month")


def is_empty(conn: Connection) -> bool:
    """True when no event, case or count is stored yet (a new office database)."""
    return not any(
        conn.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {table})").scalar() for table in _EMPTY
    )


@contextmanager
def deferred(conn: Connection) -> Iterator[None]:
    """Runs the body (the load) without the per-row indexes and triggers of :data:`TABLES`,
    then builds them again (see the module docstring). ``conn`` must be in the transaction
    of the whole load; nothing is rebuilt when the body raises (the caller rolls back)."""
    if not conn.in_transaction():
        raise RuntimeError("a deferred load runs inside one transaction")
    if not is_empty(conn):
        raise RuntimeError("a deferred load is for an empty database")
    marks = ", ".join("?" * len(TABLES))
    saved = [
        (kind, name, sql)
        for kind, name, sql in conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY type, name",
            TABLES,
        )
        if name not in KEPT and not (kind == "index" and " UNIQUE " in sql.upper())
    ]
    for kind, name, _sql in saved:
        conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    yield
    for kind, _name, sql in saved:
        if kind == "index":
            conn.exec_driver_sql(sql)
    conn.exec_driver_sql(FILL_DAYS)
    conn.exec_driver_sql(FILL_MONTHS)
    for kind, _name, sql in saved:
        if kind == "trigger":
            conn.exec_driver_sql(sql)
