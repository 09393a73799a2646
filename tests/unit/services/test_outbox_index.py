"""The sync outbox is read through ix_events_outbox_counter (migration 0019): ``sync status``
(and the window's sync status, after every round) counted the waiting events by reading the
whole events table, 37 s at 6.6 million events, when SQLite's statistics said every event
waits. Each statement the outbox queries really run is explained by SQLite, under the
statistics of such a database and under none, and must be one range of that index: the counts
from the index alone, a push's batch in ``seq`` order without sorting."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text

from eservice_desktop.services import sync
from eservice_desktop.services.core import App
from eservice_desktop.services.doctor.office import BACKLOG_SQL
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.services.sync import state
from eservice_desktop.storage import db

FIELDS = {
    "registered_address": "桃園市桃園區中正路1號",
    "transcript_kind": "現戶",
    "record_detail": "省略記事",
}

#: sqlite_stat1 of the 1,000,000-case benchmark database (6.6 million events, all local and
#: waiting): by these the outbox's columns tell no event from another.
ALL_WAITING = [
    ("events", "ix_events_outbox_counter", "6624084 6624084 6624084 6624084 6624084 1"),
    ("events", "ix_events_case_id", "6624084 7"),
    ("events", "uq_events_event_id", "6624084 1"),
]


def _own_and_strays(app: App) -> tuple[int, int]:
    """Three cases taken in; two of their events moved to counter 02 (a database written as two
    counters), one of this counter's acknowledged. This counter's waiting events, the others'."""
    applicants = (("A123456789", "王小明"), ("F131104093", "林美玲"), ("B123456780", "陳小明"))
    for applicant, name in applicants:
        intake(app, IntakeRequest("HR-TRANSCRIPT", applicant, name, fields=FIELDS))
    with app.sessions.begin() as s:
        seqs = list(s.scalars(text("SELECT seq FROM events ORDER BY seq")))
        s.execute(
            text("UPDATE events SET device = '02' WHERE seq IN (:a, :b)"),
            {"a": seqs[1], "b": seqs[2]},
        )
        s.execute(
            text("UPDATE events SET acked_at = '2026-03-10 02:00:00.000000' WHERE seq = :a"),
            {"a": seqs[0]},
        )
    return len(seqs) - 3, 2


def test_outbox_counts_and_batches(app: App) -> None:
    own, strays = _own_and_strays(app)
    assert own > 0
    with app.reading() as s:
        assert state.pending_count(s) == own
        assert state.stray_count(s) == strays
        assert state.waiting_counts(s) == (own, strays)
        assert state.has_pending(s)
        batch = state.outgoing(s, 1000)
        assert [o.seq for o in batch] == sorted(o.seq for o in batch) and len(batch) == own
        assert [o.seq for o in state.outgoing(s, 1, after=batch[0].seq)] == [batch[1].seq]
    status = sync.status(app)
    assert (status["pending"], status["other_counters_pending"]) == (own, strays)
    assert status["acknowledged"] == 1 and status["local_events"] == own + strays + 1


def _outbox_statements(app: App) -> list[tuple[str, Any]]:
    """The statements over the outbox (``acked_at IS NULL``) that status, a push's batch, the
    counts and the service's poll run, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM events" in statement and "acked_at IS NULL" in statement:
            seen.append((statement, params))

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        sync.status(app)
        with app.reading() as s:
            state.outgoing(s, 1000, after=1)
            state.pending_count(s)
            state.stray_count(s)
            state.has_pending(s)
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    return seen


def _plan(
    app: App, statistics: list[tuple[str, str, str]] | None, statement: str, params: Any
) -> str:
    conn = db.raw_connect(app.settings)
    try:
        conn.execute("ANALYZE")  # planner statistics, as an office database has them
        if statistics is not None:
            conn.execute("DELETE FROM sqlite_stat1")
            conn.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", statistics)
            conn.execute("ANALYZE sqlite_schema")  # read them again
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
    finally:
        conn.close()
    return " / ".join(str(row[-1]) for row in plan)


OWN_RANGE = "ix_events_outbox_counter (origin=? AND acked_at=? AND office=? AND device=?"


@pytest.mark.parametrize("statistics", [ALL_WAITING, None], ids=["all-waiting", "analyzed"])
def test_outbox_queries_read_one_range_of_the_outbox_index(
    app: App, statistics: list[tuple[str, str, str]] | None
) -> None:
    _own_and_strays(app)
    seen = _outbox_statements(app)
    assert len(seen) == 5  # status's count, the batch, the two counts, the poll
    for statement, params in seen:
        details = _plan(app, statistics, statement, params)
        assert "SCAN" not in details and "TEMP B-TREE" not in details, (statement, details)
        if "ORDER BY seq" in statement:  # a push's batch: the next ones after a seq, in order
            assert f"USING INDEX {OWN_RANGE} AND seq>?)" in details, details
        elif "NOT (" in statement or "sum(" in statement:  # every counter's waiting events
            assert (
                "USING COVERING INDEX ix_events_outbox_counter (origin=? AND acked_at=?)" in details
            ), details
        else:
            assert f"USING COVERING INDEX {OWN_RANGE})" in details, details


def test_status_without_totals_reads_the_outbox_only(app: App) -> None:
    """The window's sync status (after every round and every case saved) leaves out the counts
    of every event made or pulled: at 6.6 million events they cost a second, outbox or not."""
    own, strays = _own_and_strays(app)
    seen: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM events" in statement:
            seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", capture)
    try:
        bar = sync.status(app, totals=False)
    finally:
        event.remove(app.engine, "before_cursor_execute", capture)
    assert len(seen) == 1 and "acked_at IS NULL" in seen[0], seen
    full = sync.status(app)
    assert list(bar) == [
        k for k in full if k not in ("acknowledged", "local_events", "pulled_events")
    ]
    assert (bar["pending"], bar["other_counters_pending"]) == (own, strays)


@pytest.mark.parametrize("statistics", [ALL_WAITING, None], ids=["all-waiting", "analyzed"])
def test_doctor_backlog_reads_one_row_per_counter(
    app: App, statistics: list[tuple[str, str, str]] | None
) -> None:
    """The doctor's backlog check counts the outbox's index entries and reads the row of each
    counter's first waiting event only (min(at) over the outbox read every row: 71 s)."""
    _own_and_strays(app)
    details = _plan(app, statistics, BACKLOG_SQL, ())
    covering = "USING COVERING INDEX ix_events_outbox_counter (origin=? AND acked_at=?)"
    assert details.count(covering) == 2, details
    assert "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)" in details, details
    assert "SCAN" not in details and "TEMP B-TREE" not in details, details
    assert details.count("USING") == 3, details
