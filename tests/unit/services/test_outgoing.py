"""The push body is written by hand from the stored payload text (``Outgoing.wire_json``):
it must say exactly what ``Event.to_dict`` says of the same event, or the county would check
and chain another event than the one stored."""

from __future__ import annotations

import json

from sqlalchemy import select

from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import outbox, outgoing
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow
from tests.factories import new_case


def test_outgoing_body_is_the_stored_event_as_to_dict_writes_it(app: App) -> None:
    new_case(app, name="王小明")
    new_case(app, name="陳𠀋美")  # beyond the BMP
    with app.reading() as s:
        sent = outgoing(s, 100)
        stored = [repo.row_to_event(r) for r in s.scalars(select(EventRow).order_by(EventRow.seq))]
        events = outbox(s, 100)
    assert len(sent) == len(stored) >= 4
    assert all(o.hash is not None for o in sent)  # chained, so prev and hash are written
    for o, e in zip(sent, stored, strict=True):
        assert json.loads(o.wire_json()) == e.to_dict()
        assert o.event() == e
    assert events == stored
