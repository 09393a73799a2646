"""Issue 11, push side: one event the county refuses among several does not hold the outbox;
the others are acknowledged and the refused one becomes one conflict."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sync_helpers import CountyServer, enrol, new_case, pending, sync_now

from eservice_desktop.domain import events as ev
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow


def test_one_refused_event_leaves_the_others_acknowledged(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    first = new_case(h01)
    second = new_case(h01)
    third = new_case(h01)
    case_id = cases.load_case(h01, second).case_id
    with h01.transaction() as s:  # a value the county refuses, stored past this office's checks
        row = s.scalar(
            select(EventRow).where(EventRow.case_id == case_id, EventRow.type == ev.FEE_ASSESSED)
        )
        assert row is not None
        row.payload = {**row.payload, "subtotal": -15, "total": -15}
    assert pending(h01) == 6
    assert pending(h01) >= 6

    result = sync_now(h01)
    assert result.conflicts == 1
    assert pending(h01) == 0
    assert sync.status(h01)["conflicts"] == 1
    ids = set(sqlite_county.event_ids())
    with h01.reading() as s:
        for number in (first, third):
            cid = cases.load_case(h01, number).case_id
            assert set(s.scalars(select(EventRow.event_id).where(EventRow.case_id == cid))) <= ids
