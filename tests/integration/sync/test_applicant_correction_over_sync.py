"""A correction of the applicant (``case.applicant_corrected``) against a real county on
loopback: made at one counter while it has not synced, it waits in the outbox, reaches the
county (kept, no conflict) and the office's other counter, whose case view and search show the
corrected name; an office whose build does not know the type yet sets it aside and takes it in
once upgraded (the case keeps the name it had meanwhile, nothing else of the page is lost)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, select
from sync_helpers import CountyServer, enrol, new_case, pending, sync_now

from eservice_desktop.county.tables import CountyEventRow
from eservice_desktop.county_link import protocol
from eservice_desktop.county_link.build import reader_build
from eservice_desktop.domain import events as ev
from eservice_desktop.services import applicant_correction, case_queues, cases, sync
from eservice_desktop.services.core import App
from eservice_desktop.services.sync import wire_fast
from eservice_desktop.services.sync.parked_retry import STATE
from eservice_desktop.services.sync.state import set_state


def _county_corrections(county: CountyServer) -> list[dict[str, object]]:
    engine = create_engine(county.db_url)
    try:
        with engine.connect() as c:
            rows = c.execute(
                select(CountyEventRow.payload, CountyEventRow.device).where(
                    CountyEventRow.type == ev.APPLICANT_CORRECTED
                )
            ).all()
    finally:
        engine.dispose()
    return [{**dict(p), "device": d} for p, d in rows]


def _two_counters(office: Callable[..., App], county: CountyServer) -> tuple[App, App, str]:
    one, two = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(one, county)
    enrol(two, county)
    number = new_case(one)
    sync_now(one)
    sync_now(two)  # the other counter has the case
    assert cases.load_case(two, number).applicant_name == "王小明"
    return one, two, number


def test_a_correction_made_offline_reaches_the_county_and_the_other_counter(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    one, two, number = _two_counters(office, sqlite_county)
    applicant_correction.correct_applicant(
        two,
        number,
        "姓名誤植，依身分證更正",
        name="王曉明",
        addresses={"registered_address": "桃園市桃園區中正路11號"},
    )
    assert pending(two) == 1  # not synced yet: waiting in the outbox
    assert _county_corrections(sqlite_county) == []
    assert sync_now(two).to_json()["pushed"] == 1
    assert pending(two) == 0
    [kept] = _county_corrections(sqlite_county)
    assert kept["name"] == "王曉明" and kept["device"] == "02"
    assert sqlite_county.conflicts() == 0
    sync_now(one)
    state = cases.load_case(one, number)
    assert state.applicant_name == "王曉明"
    assert state.fields["registered_address"] == "桃園市桃園區中正路11號"
    assert [r.case_number for r in case_queues.search(one, "王曉明")] == [number]
    assert case_queues.search(one, "王小明") == []
    last = cases.show_case(one, number).events[-1]
    assert (last["type"], last["device"]) == (ev.APPLICANT_CORRECTED, "02")


def test_an_office_whose_build_does_not_know_it_sets_it_aside_until_upgraded(
    office: Callable[..., App], sqlite_county: CountyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two, number = _two_counters(office, sqlite_county)
    applicant_correction.correct_applicant(one, number, "姓名誤植", name="王曉明")
    cases.request_supplement(one, number, "缺少委託書")
    sync_now(one)
    older = ev.ALL_TYPES - {ev.APPLICANT_CORRECTED}  # the build before this one
    with monkeypatch.context() as m:
        for module in (ev, wire_fast, protocol):
            m.setattr(module, "ALL_TYPES", older)
        sync_now(two)
    assert [q.reason_code for q in sync.quarantined(two)] == ["event.unreadable"]
    state = cases.load_case(two, number)
    assert state.applicant_name == "王小明"  # as it was, not a half-read event
    assert state.supplement_reason == "缺少委託書"  # the rest of the page applied
    with two.transaction() as s:  # what the older build left after its last round
        set_state(s, STATE, reader_build(types=older), two.now())
    assert sync_now(two).unparked == 1
    assert cases.load_case(two, number).applicant_name == "王曉明"
    assert sync.status(two)["quarantined"] == 0


def test_a_correction_refused_because_the_case_ended_elsewhere_first_is_undone(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """One counter withdrew the case while the other, not synced, corrected the name: the
    county refuses the correction (``case.not_open``). Kept, the counter that made it showed
    and found the case by a name the county and every other counter never had."""
    one, two, number = _two_counters(office, sqlite_county)
    cases.cancel_case(one, number, "民眾撤回申請")
    sync_now(one)
    applicant_correction.correct_applicant(two, number, "姓名誤植", name="王曉明")
    sync_now(two)
    assert sqlite_county.conflicts() == 1 and _county_corrections(sqlite_county) == []
    state = cases.load_case(two, number)
    assert (state.lifecycle, state.applicant_name) == ("cancelled", "王小明")
    assert [r.case_number for r in case_queues.search(two, "王小明")] == [number]
    assert case_queues.search(two, "王曉明") == []
    [conflict] = sync.open_conflicts(two)
    assert conflict.event_type == ev.APPLICANT_CORRECTED and "已撤件" in conflict.reason
