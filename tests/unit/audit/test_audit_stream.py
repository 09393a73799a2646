"""``audit verify`` (and so ``doctor`` and ``backup verify``) holds a few thousand events at a
time, not the database: a year of a busy office (990,000 events) held whole took 4.3 GB."""

from __future__ import annotations

import pytest
from alive_support import counting

from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.services import audit
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow

ROWS = 100


def test_the_audit_holds_a_bounded_number_of_events_whatever_the_database_holds(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo_bulk(app, 150, seed=3, days=10, batch=150)
    monkeypatch.setattr(audit, "STREAM_ROWS", ROWS, raising=False)
    with counting(monkeypatch, 50, EventRow) as alive:
        result = audit.verify(app)
    assert result.ok and result.events == alive.made > 8 * ROWS
    assert result.receipts is not None and result.receipts.checked > 100
    # the rows of one read and its events (the receipts rebuilt keep none of them)
    assert alive.held and max(alive.held) <= 3 * ROWS, (alive.held, result.events)
