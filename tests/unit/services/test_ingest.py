"""The one ingest path: a batch reports refused events without aborting, writes only what
it accepted, and feeds every projection the per-event path feeds."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.services import cases, ingest
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.storage.models import CaseRow, CounterRow, EventRow
from eservice_desktop.storage.models_payments import ReceiptRow

OTHER = Actor("H01", "02", "clerk02")


def _case(app: App) -> tuple[str, str]:
    view = intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields={
                "registered_address": "桃園市",
                "transcript_kind": "現戶",
                "record_detail": "省略記事",
            },
        ),
    )
    return view.case_id, view.case_number


def _received(app: App, actor: Actor, number: str) -> Event:
    return actor.event(
        str(uuid.uuid4()),
        ev.RECEIVED,
        app.now(),
        {
            "case_number": number,
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 1,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
        },
    )


def _count(app: App, model: type) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_pulled_batch_reports_refusals_and_keeps_the_rest(app: App) -> None:
    case_id, number = _case(app)
    fee = OTHER.event(case_id, ev.FEE_ASSESSED, app.now(), {"total": 15, "items": []})
    paid = OTHER.event(
        case_id,
        ev.PAYMENT_RECORDED,
        app.now(),
        {
            "payment_id": "p-1",
            "case_number": number,
            "method": "cash",
            "amount": 15,
            "receipt_number": "H01-02-115-R000003",
            "verification": "ABCDEFGHIJ",
            "key_id": "k",
        },
    )
    orphan = OTHER.event(str(uuid.uuid4()), ev.CLOSED, app.now(), {"note": ""})
    malformed = OTHER.event(case_id, ev.PAYMENT_RECORDED, app.now(), {"method": "cash"})
    new_case = _received(app, OTHER, "H01-02-115-000001-0")
    with app.transaction() as s:
        report = ingest.ingest_many(
            app, s, [fee, orphan, malformed, paid, new_case, paid], origin="county"
        )
    assert [e.event_id for e in report.applied] == [fee.event_id, paid.event_id, new_case.event_id]
    assert [(r.event.event_id, r.code) for r in report.refused] == [
        (orphan.event_id, "case.not_found"),
        (malformed.event_id, "event.malformed"),
    ]
    assert report.duplicates == [paid.event_id]  # the same event twice in one page
    assert report.refused[1].message_zh and report.refused[1].message_en
    view = cases.show_case(app, number)
    assert (view.fees_due, view.paid, view.status) == (15, 15, "received")
    with app.reading() as s:
        receipt = s.get(ReceiptRow, "H01-02-115-R000003")
        assert receipt is not None and (receipt.device, receipt.amount) == ("02", 15)
        assert s.get(CaseRow, new_case.case_id) is not None
        # another device's numbers never move this device's counters
        assert set(s.scalars(select(CounterRow.name))) == {"case:H01:01:115"}
        origins = set(s.scalars(select(EventRow.origin).where(EventRow.case_id == case_id)))
    assert origins == {"local", "county"}
    # the pulled case is in the search index too
    assert [r.case_id for r in cases.search(app, "H0102115")] == [new_case.case_id]
    # pulled again (a replayed page): nothing new
    with app.transaction() as s:
        again = ingest.ingest_many(app, s, [fee, paid], origin="county")
    assert (again.applied, len(again.duplicates)) == ([], 2)


def test_strict_batch_is_all_or_nothing(app: App) -> None:
    actor = app.actor
    good = _received(app, actor, "H01-01-115-000007-0")
    bad = actor.event(good.case_id, ev.SUPPLEMENT_REQUESTED, app.now(), {"reason": ""})
    before = _count(app, EventRow)
    with pytest.raises(DomainError) as info, app.transaction() as s:
        ingest.ingest_many(app, s, [good, bad], strict=True)
    assert info.value.code == "case.reason_required"
    assert _count(app, EventRow) == before and _count(app, CaseRow) == 0


def test_local_batch_checks_and_moves_this_devices_counters(app: App) -> None:
    actor = app.actor
    first = _received(app, actor, "H01-01-115-000041-9")
    with app.transaction() as s:
        report = ingest.ingest_many(app, s, [first, _received(app, actor, "H01-01-115-000040-1")])
    assert len(report.applied) == 2
    with app.reading() as s:
        assert s.get(CounterRow, "case:H01:01:115").value == 41  # type: ignore[union-attr]
    # a local event that breaks a rule is refused (the county's are not re-checked)
    again = actor.event(first.case_id, ev.RECEIVED, app.now(), dict(first.payload))
    with app.transaction() as s:
        refused = ingest.ingest_many(app, s, [again])
    assert [r.code for r in refused.refused] == ["case.duplicate"]


def test_single_ingest_refuses_a_malformed_event_with_a_domain_error(app: App) -> None:
    case_id, _number = _case(app)
    bad = app.actor.event(case_id, ev.FEE_ASSESSED, app.now(), {"total": "many"})
    with pytest.raises(DomainError) as info, app.transaction() as s:
        cases.record(app, s, case_id, bad.type, bad.payload)
    # the value rules (domain.event_values) refuse it first; either way a DomainError
    assert info.value.code in ("event.malformed", "value.type")


def test_batch_rows_are_stored_as_a_core_insert_stores_them(app: App) -> None:
    """The batch writes its ``events`` rows through the driver: the stored text of every
    column is the very text a Core insert of the same rows stores (and reads back alike),
    but a local event's payload, stored as the JSON text its chain hash was taken over."""
    import json

    from sqlalchemy import insert, text

    from eservice_desktop.domain import chain

    own = _received(app, app.actor, "H01-01-115-000041-9")
    own.payload["applicant"]["name"] = '王"小\\明\U00020000'
    pulled = _received(app, OTHER, "H01-02-115-000001-5")
    with app.transaction() as s:
        assert not ingest.ingest_many(app, s, [own]).refused
        assert not ingest.ingest_many(app, s, [pulled], origin="county", own_acked=True).refused
    columns = [c.name for c in EventRow.__table__.columns if c.name != "seq"]
    raw = text(f"SELECT {', '.join(columns)} FROM events ORDER BY seq")
    with app.transaction() as s:
        stored = [tuple(r) for r in s.execute(raw)]
        rows = [{c: getattr(r, c) for c in columns} for r in s.scalars(select(EventRow))]
        s.execute(text("DELETE FROM events"))
        s.execute(insert(EventRow.__table__), rows)
        again = [tuple(r) for r in s.execute(raw)]
    payload = columns.index("payload")
    assert len(stored) == 2 and stored[1] == again[1]  # the pulled event: as Core stores it
    assert (
        stored[0][:payload] + stored[0][payload + 1 :]
        == again[0][:payload] + again[0][payload + 1 :]
    )
    linked = chain.link(own, chain.GENESIS)
    # the payload's part of the canonical encoding (domain.chain): keys sorted, no spaces
    canonical = json.dumps(own.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert stored[0][payload] == canonical
    assert f',"payload":{canonical},"prev":' in chain.canonical(linked, chain.GENESIS).decode()
    assert json.loads(stored[0][payload]) == own.payload and rows[0]["payload"] == own.payload
    assert rows[0]["hash"] == linked.hash and rows[0]["at"] is not None


def test_bulk_projection_rows_are_stored_as_a_core_insert_stores_them(app: App) -> None:
    """``cases`` and ``receipts`` rows of a seeded batch (driver inserts) hold the very text a
    Core insert of the same values stores."""
    from sqlalchemy import delete, insert, text

    from eservice_desktop.demo.bulk import seed_demo_bulk

    seed_demo_bulk(app, 40, seed=4, days=5)
    for table in (CaseRow.__table__, ReceiptRow.__table__):
        names = [c.name for c in table.columns]
        raw = text(f"SELECT {', '.join(names)} FROM {table.name} ORDER BY {names[0]}")
        with app.transaction() as s:
            stored = [tuple(r) for r in s.execute(raw)]
            rows = [dict(r._mapping) for r in s.execute(select(table))]
            s.execute(delete(table))
            s.execute(insert(table), rows)
            assert [tuple(r) for r in s.execute(raw)] == stored and len(stored) > 10


def test_a_batch_updates_the_rows_of_cases_already_here(app: App) -> None:
    """A pulled event on a case this office holds updates its ``cases`` row (one executemany,
    no ORM object per case), and a row the caller holds in the session reads the new values."""
    case_id, _ = _case(app)
    later = OTHER.event(case_id, ev.SUPPLEMENT_REQUESTED, app.now(), {"reason": "缺少委託書"})
    with app.transaction() as s:
        held = s.get(CaseRow, case_id)
        assert held is not None and held.status != "supplement_requested"
        report = ingest.ingest_many(app, s, [later], origin="county")
        assert not report.refused and report.states[case_id].supplement_since is not None
        assert held.status == report.states[case_id].status == "supplement_requested"
    with app.reading() as s:
        row = s.get(CaseRow, case_id)
        assert row is not None and row.status == "supplement_requested"
        assert row.updated_at.replace(tzinfo=None) == later.at.replace(tzinfo=None)
        assert row.search_key is not None


def test_events_sharing_one_payload_object_are_each_checked(app: App) -> None:
    """A local batch runs a payload object's checks once (``ingest._checked_values``): an
    event carrying it still has its own envelope and state checked, and a payload the checks
    refuse is refused for every event that carries it."""
    actor = app.actor
    first = _received(app, actor, "H01-01-115-000040-1")
    second = _received(app, actor, "H01-01-115-000041-9")
    asked = {"reason": "缺少委託書", "items": []}
    bad = {"reason": "缺少\x00委託書"}
    events = [
        first,
        second,
        actor.event(first.case_id, ev.SUPPLEMENT_REQUESTED, app.now(), asked),
        actor.event(second.case_id, ev.SUPPLEMENT_REQUESTED, app.now(), bad),
        actor.event(first.case_id, ev.SUPPLEMENT_RECEIVED, app.now(), {"note": ""}),
        actor.event(first.case_id, ev.SUPPLEMENT_REQUESTED, app.now(), bad),
        Actor("H01", "01", "clerk\x00").event(
            second.case_id, ev.SUPPLEMENT_REQUESTED, app.now(), asked
        ),
        actor.event(str(uuid.uuid4()), ev.SUPPLEMENT_REQUESTED, app.now(), asked),
    ]
    with app.transaction() as s:
        report = ingest.ingest_many(app, s, events)
    refused = [(events.index(r.event), r.code) for r in report.refused]
    assert [i for i, _code in refused] == [3, 5, 6, 7]
    assert refused[0][1] == refused[1][1]  # the one payload, refused for each event
    assert refused[3][1] == "case.not_found"
    assert [e.event_id for e in report.applied] == [e.event_id for e in events[:3] + events[4:5]]


def test_a_local_batch_links_each_device_s_chain_in_turn(app: App) -> None:
    """A local batch of two devices' events, interleaved, some carrying one payload object
    (its canonical text made once, ``services.ingest_link``), links each device's events in
    order after its head: the audit finds every chain whole, each head as long as its chain
    and on its last event, the next batch goes on from there, and each stored payload is the
    canonical text of its own payload."""
    import json

    from sqlalchemy import text

    from eservice_desktop.services import audit
    from eservice_desktop.storage.models import ChainHeadRow

    mine = _received(app, app.actor, "H01-01-115-000040-1")
    other = _received(app, OTHER, "H01-02-115-000001-2")
    asked = {"reason": "缺少委託書", "items": []}
    events = [
        mine,
        other,
        app.actor.event(mine.case_id, ev.SUPPLEMENT_REQUESTED, app.now(), asked),
        OTHER.event(other.case_id, ev.SUPPLEMENT_REQUESTED, app.now(), asked),
        app.actor.event(mine.case_id, ev.SUPPLEMENT_RECEIVED, app.now(), {"note": "補"}),
    ]
    later = app.actor.event(mine.case_id, ev.SUPPLEMENT_REQUESTED, app.now(), asked)
    with app.transaction() as s:
        report = ingest.ingest_many(app, s, events)
    assert not report.refused
    assert [e.event_id for e in report.applied] == [e.event_id for e in events]
    with app.transaction() as s:
        assert not ingest.ingest_many(app, s, [later]).refused
    assert audit.verify(app).ok
    with app.reading() as s:
        heads = {(h.office, h.device): h for h in s.scalars(select(ChainHeadRow))}
        stored = {r.event_id: r for r in s.scalars(select(EventRow))}
        texts = {r[0]: r[1] for r in s.execute(text("SELECT event_id, payload FROM events"))}
    assert (heads[("H01", "01")].length, heads[("H01", "02")].length) == (4, 2)
    assert heads[("H01", "01")].hash == stored[later.event_id].hash
    assert heads[("H01", "02")].event_id == events[3].event_id
    assert stored[events[2].event_id].prev == stored[mine.event_id].hash
    assert stored[events[3].event_id].prev == stored[other.event_id].hash
    assert stored[later.event_id].prev == stored[events[4].event_id].hash
    for e in [*events, later]:
        want = json.dumps(e.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert texts[e.event_id] == want
