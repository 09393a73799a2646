"""A pulled event's row stores its payload as the canonical text its hash check encoded (the
payload is not encoded a second time), and only for that very event: another event of the
page with the same id never lends it its payload text or its typed payload."""

from __future__ import annotations

import json

from sqlalchemy import text

from eservice_desktop.county_link.protocol import Change
from eservice_desktop.domain import chain
from eservice_desktop.domain.case_number import check_digit
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.inbox import apply_page, check_page
from tests.unit.services.test_ingest import _case, _received

COUNTY = Actor("H01", "02", "clerk02")


def _number(app: App, n: int) -> str:
    """A case number of device 02's own series in this office."""
    _, taken = _case(app)
    head = taken.split("-")
    body = "-".join([head[0], "02", head[2], f"{n:0{len(head[3])}d}"])
    return f"{body}-{check_digit(body.replace('-', ''))}"


def _stored(app: App, event_id: str) -> str:
    with app.reading() as s:
        return str(
            s.execute(
                text("SELECT payload FROM events WHERE event_id = :i"), {"i": event_id}
            ).scalar_one()
        )


def _change(seq: int, e: Event) -> Change:
    return Change(seq=seq, kind="event", data=e.to_dict())


def test_a_pulled_event_stores_the_text_its_hash_was_taken_over(app: App) -> None:
    e = chain.link(_received(app, COUNTY, _number(app, 1)), "a" * 64)
    changes = [_change(1, e)]
    checked = check_page(changes)
    assert checked[0] is not None and checked[0][2] == chain.payload_json(e.payload)
    with app.transaction() as s:
        out = apply_page(app, s, changes, checked=checked)
    assert [a.event_id for a in out.report.applied] == [e.event_id]
    stored = _stored(app, e.event_id)
    assert stored == chain.payload_json(e.payload)  # keys sorted, no spaces, text unescaped
    assert json.loads(stored) == e.payload
    assert chain.holds_own_hash(Event.from_dict({**e.to_dict(), "payload": json.loads(stored)}))


def test_an_event_of_the_page_with_the_same_id_lends_it_nothing(app: App) -> None:
    """A hostile page names one event id twice, with other payloads: the first event is
    applied with its own payload (row and case), the second is not applied."""
    first = chain.link(_received(app, COUNTY, _number(app, 1)), "a" * 64)
    other = _received(app, COUNTY, _number(app, 2))
    other.payload["applicant"]["name"] = "陳大文"
    second = chain.link(Event.from_dict({**other.to_dict(), "event_id": first.event_id}), "b" * 64)
    with app.transaction() as s:
        out = apply_page(app, s, [_change(1, first), _change(2, second)])
    assert [a.event_id for a in out.report.applied] == [first.event_id]
    assert json.loads(_stored(app, first.event_id)) == first.payload
    with app.reading() as s:
        name = s.execute(
            text("SELECT applicant_name FROM cases WHERE case_id = :c"), {"c": first.case_id}
        ).scalar_one()
    assert name == "王小明"
