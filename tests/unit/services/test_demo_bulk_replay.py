"""A bulk demo seed leaves the database that its events, ingested one by one through
:func:`services.ingest.ingest`, leave: every projection row, the chain and the counters."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from eservice_desktop.config import Settings
from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.domain.case import CaseState
from eservice_desktop.services import ingest
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow

#: The tables the ingest keeps: which rows are compared (a report count's row at 0 counts
#: nothing: the one-event form leaves those a case passed through), in what order.
PROJECTED = {
    "events": ("1", "seq"),
    "cases": ("1", "case_id"),
    "receipts": ("1", "number"),
    "case_stats": (
        "n != 0",
        "office, received_day, service_code, channel, status, consent, on_time",
    ),
    "case_stats_month": (
        "n != 0",
        "office, month, service_code, channel, status, consent, on_time",
    ),
    "counters": ("1", "name"),
    "event_chain_heads": ("1", "office, device"),
    "pickup_consumed": ("1", "token_digest"),
}


def _tables(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of :data:`PROJECTED`; an event's payload as its JSON value (the bulk form
    stores the text its chain hash was taken over, keys sorted, the one-event form Core's)."""
    with app.reading() as s:
        tables = {
            t: [tuple(r) for r in s.execute(text(f"SELECT * FROM {t} WHERE {w} ORDER BY {o}"))]
            for t, (w, o) in PROJECTED.items()
        }
        payload = list(s.execute(text("SELECT * FROM events")).keys()).index("payload")
    tables["events"] = [
        (*r[:payload], json.loads(r[payload]), *r[payload + 1 :]) for r in tables["events"]
    ]
    return tables


def _found(app: App, words: list[str]) -> list[list[str]]:
    """What the case search finds for each of ``words`` (its full-text index)."""
    with app.reading() as s:
        return [[r.case_number for r in repo.search_cases(s, w, 500, 0, None)] for w in words]


def test_a_bulk_seed_projects_what_its_events_one_by_one_project(
    app: App, make_app: Callable[[Settings], App], tmp_path: Path
) -> None:
    seed_demo_bulk(app, 260, seed=3, days=25, batch=90)
    with app.reading() as s:
        stored = [repo.row_to_event(r) for r in s.scalars(select(EventRow).order_by(EventRow.seq))]
    assert len(stored) > 1000
    other = make_app(Settings(data_dir=tmp_path / "again", office_code="H01", device_id="01"))
    states: dict[str, CaseState | None] = {}
    for e in stored:  # each event through the one-event door, linked there again
        with other.transaction() as s:
            unlinked = replace(e, prev=None, hash=None)
            states[e.case_id] = ingest.ingest(other, s, unlinked, states.get(e.case_id))
    seeded, replayed = _tables(app), _tables(other)
    for table in PROJECTED:
        assert seeded[table] == replayed[table], table
    assert len(seeded["receipts"]) > 100 and len(seeded["case_stats"]) > 20
    with app.reading() as s:
        names = list(s.scalars(text("SELECT applicant_name FROM cases LIMIT 3")))
        numbers = list(s.scalars(text("SELECT case_number FROM cases LIMIT 2")))
    words = [*names, *(n[-9:-2] for n in numbers)]
    assert _found(app, words) == _found(other, words)
