"""The push body is written from the stored row (``Outgoing.wire``: by SQLite for a
plainly stored event, in Python for the rest): it must say exactly what ``Event.to_dict``
says of the same event, or the county would check and chain another event than the one
stored."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

from sqlalchemy import select, text, update

from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import outbox, outgoing
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import EventRow
from tests.factories import new_case


def _sent_and_stored(app: App) -> None:
    with app.reading() as s:
        sent = outgoing(s, 100)
        stored = [repo.row_to_event(r) for r in s.scalars(select(EventRow).order_by(EventRow.seq))]
        events = outbox(s, 100)
    assert len(sent) == len(stored) >= 4
    for o, e in zip(sent, stored, strict=True):
        assert o.event_id == e.event_id
        assert json.loads(o.wire) == e.to_dict()
        assert o.event() == e
    assert events == stored


def test_outgoing_body_is_the_stored_event_as_to_dict_writes_it(app: App) -> None:
    new_case(app, name="王小明")
    new_case(app, name="陳𠀋美")  # beyond the BMP
    with app.reading() as s:
        assert all(o.event().hash is not None for o in outgoing(s, 100))  # chained: both keys
    _sent_and_stored(app)
    with app.transaction() as s:  # times with and without a fraction of a second
        first, second = s.scalars(select(EventRow.seq).order_by(EventRow.seq).limit(2))
        s.execute(
            update(EventRow)
            .where(EventRow.seq == first)
            .values(at=datetime(2026, 3, 9, 23, 59, 59, 120, tzinfo=UTC))
        )
        s.execute(
            update(EventRow)
            .where(EventRow.seq == second)
            .values(at=datetime(2026, 3, 10, tzinfo=UTC))
        )
    _sent_and_stored(app)


def test_rows_sqlite_does_not_write_are_written_as_stored(app: App) -> None:
    """A payload that is not strict JSON (stored before today's rules) goes out as its stored
    text, which the county refuses and the round takes apart; a time stored in another form
    is read as Python reads it; an event stored before the chain carries no chain keys."""
    new_case(app)
    new_case(app)
    with app.transaction() as s:
        first, second, third = s.scalars(select(EventRow.seq).order_by(EventRow.seq).limit(3))
        s.execute(
            text("UPDATE events SET payload = '{\"ratio\": NaN}' WHERE seq = :q"), {"q": first}
        )
        s.execute(
            text("UPDATE events SET at = '2026-03-10 01:02:03' WHERE seq = :q"), {"q": second}
        )
        s.execute(text("UPDATE events SET prev = NULL, hash = NULL WHERE seq = :q"), {"q": third})
    with app.reading() as s:
        sent = {o.event_id: o for o in outgoing(s, 100)}
        by_seq = {r.seq: r for r in s.scalars(select(EventRow))}
    nan = sent[by_seq[first].event_id]
    assert '"payload":{"ratio": NaN}' in nan.wire
    assert math.isnan(nan.event().payload["ratio"])  # parsed back as it was stored
    for seq in (second, third):
        wire = json.loads(sent[by_seq[seq].event_id].wire)
        assert wire == repo.row_to_event(by_seq[seq]).to_dict()
        assert sent[by_seq[seq].event_id].event() == repo.row_to_event(by_seq[seq])
    assert json.loads(sent[by_seq[second].event_id].wire)["at"] == ("2026-03-10T01:02:03+00:00")
    assert "prev" not in json.loads(sent[by_seq[third].event_id].wire)


def test_outgoing_after_a_seq_skips_the_batch_on_its_way(app: App) -> None:
    """A pipelined push reads the next batch while the one before is unacknowledged: the
    rows after that batch's last ``seq``, in order, each with its own ``seq``."""
    new_case(app, name="王小明")
    new_case(app, name="陳小美")
    with app.reading() as s:
        stored = list(s.scalars(select(EventRow.seq).order_by(EventRow.seq)))
        everything = outgoing(s, 100)
        first_two = outgoing(s, 2)
        after = outgoing(s, 100, after=first_two[-1].seq)
        past_the_end = outgoing(s, 100, after=stored[-1])
    assert [o.seq for o in everything] == stored
    assert [o.seq for o in after] == stored[2:]
    assert [o.event_id for o in first_two + after] == [o.event_id for o in everything]
    assert past_the_end == []
