"""Issue 11, push side: one event the county refuses among several does not hold the outbox;
the others are acknowledged and the refused one becomes one conflict."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sync_helpers import CountyServer, enrol, new_case, pending, sync_now

from eservice_desktop.domain import events as ev
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_sync import SyncConflictRow


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


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("clerk", "clerk\x07"),  # the wire model refuses it: the county answers 422 for the batch
        ("payload", {"ratio": float("nan")}),  # not even JSON
    ],
)
def test_an_event_the_wire_refuses_is_set_aside_and_the_batch_flows(
    office: Callable[..., App], sqlite_county: CountyServer, column: str, value: object
) -> None:
    """The office sends a batch as it is stored; one the county refuses whole (or one that
    cannot even be written as JSON) is taken apart: the event the wire refuses becomes a local
    conflict, the others are accepted, and the county's chain of the device goes on over the
    event set aside (no ``chain.broken`` for the events after it)."""
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    first = new_case(h01)
    second = new_case(h01)
    third = new_case(h01)
    case_id = cases.load_case(h01, second).case_id
    with h01.transaction() as s:  # stored before today's wire rules
        row = s.scalar(
            select(EventRow).where(EventRow.case_id == case_id, EventRow.type == ev.FEE_ASSESSED)
        )
        assert row is not None
        bad_id = row.event_id
        setattr(row, column, {**row.payload, **value} if isinstance(value, dict) else value)
    total = pending(h01)

    result = sync_now(h01)
    assert result.conflicts == 1
    assert result.pushed == total  # the others, and the conflict's note on the case
    assert pending(h01) == 0
    with h01.reading() as s:
        refused = s.scalar(select(SyncConflictRow).where(SyncConflictRow.event_id == bad_id))
        assert refused is not None and refused.reason_code == "event.invalid"
    ids = set(sqlite_county.event_ids())
    assert bad_id not in ids
    assert sqlite_county.conflicts() == 0  # no chain break after the gap, nothing refused there
    with h01.reading() as s:
        for number in (first, third):
            cid = cases.load_case(h01, number).case_id
            assert set(s.scalars(select(EventRow.event_id).where(EventRow.case_id == cid))) <= ids
