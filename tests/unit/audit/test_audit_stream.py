"""``audit verify`` (and so ``doctor`` and ``backup verify``) holds a few thousand events at a
time, not the database: a year of a busy office (990,000 events) held whole took 4.3 GB."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.domain.events import Event
from eservice_desktop.services import audit
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow

ROWS = 100


def _alive() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, (Event, EventRow)))


def test_the_audit_holds_a_bounded_number_of_events_whatever_the_database_holds(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo_bulk(app, 150, seed=3, days=10, batch=150)
    monkeypatch.setattr(audit, "STREAM_ROWS", ROWS, raising=False)
    read = repo.row_to_event
    most = [0]

    def counted(row: Any) -> Event:
        event = read(row)
        most[0] += 1
        if most[0] % 50 == 0:
            held.append(_alive())
        return event

    held: list[int] = []
    gc.collect()
    before = _alive()
    monkeypatch.setattr(repo, "row_to_event", counted)
    result = audit.verify(app)
    assert result.ok and result.events == most[0] > 8 * ROWS
    assert result.receipts is not None and result.receipts.checked > 100
    # the rows of one read and its events (the receipts rebuilt keep none of them)
    assert max(held) - before <= 3 * ROWS, (max(held), before, result.events)
