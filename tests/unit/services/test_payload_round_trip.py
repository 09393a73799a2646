"""A demo-seeded database (the counter's seed and the bulk seed): every stored payload passes
its payload class's checks and gives back exactly the stored dict (``domain.payloads``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from eservice_desktop.config import Settings
from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow


def test_demo_seeded_database_round_trips(make_app: Any, tmp_path: Path) -> None:
    app: App = make_app(Settings(data_dir=tmp_path / "demo", demo=True))
    seed_demo(app, 80, seed=11)
    seed_demo_bulk(app, 120, seed=12, days=30, batch=60)
    with app.reading() as s:
        rows = s.execute(select(EventRow.type, EventRow.payload)).all()
    types: set[str] = set()
    for type_, payload in rows:
        assert pl.PAYLOADS[type_].from_payload(payload).to_payload() == payload
        types.add(type_)
    assert {
        ev.RECEIVED,
        ev.FEE_ASSESSED,
        ev.PAYMENT_RECORDED,
        ev.RECEIPT_ISSUED,
        ev.PICKED_UP,
    } <= types
