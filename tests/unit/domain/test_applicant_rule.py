"""``case.applicant_corrected`` in the domain: its payload (the corrected values only, a reason
required), the case rule (not once collected, withdrawn or rejected; something to correct),
and the fold (each value the latest correction's, whatever order two counters' corrections
arrive in; the ID number never touched)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_case import ACTOR, CASE, T0, received

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.case import CaseState, apply, check, project
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_labels import EVENT_LABELS
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.domain.events import Actor


def corrected(at_minutes: int, actor: Actor = ACTOR, **payload: object) -> ev.Event:
    return actor.event(
        CASE,
        ev.APPLICANT_CORRECTED,
        T0 + timedelta(minutes=at_minutes),
        {"reason": "誤植", **payload},
    )


def test_the_payload_needs_a_reason_and_takes_the_name_rule() -> None:
    typed = pl.ApplicantCorrected.from_payload({"name": "林峯", "reason": "誤植"})
    assert (typed.name, typed.fields, typed.reason) == ("林峯", None, "誤植")
    for payload, field in (
        ({"name": "林峯"}, "reason"),
        ({"name": "林峯", "reason": ""}, "reason"),
        ({"name": "林\u200b峯", "reason": "誤植"}, "applicant_name"),  # an invisible character
        ({"fields": {"registered_address": 5}, "reason": "誤植"}, "registered_address"),
    ):
        with pytest.raises(DomainError) as err:
            pl.ApplicantCorrected.from_payload(payload)
        assert err.value.field == field
    # retention empties an address: still a payload every office reads
    assert pl.ApplicantCorrected.from_payload(
        {"fields": {"registered_address": ""}, "reason": "誤植"}
    ).fields == {"registered_address": ""}
    assert EVENT_LABELS[ev.APPLICANT_CORRECTED] == (
        "更正申請人資料",
        "Applicant's details corrected",
    )


def test_a_correction_changes_the_name_and_fields_and_never_the_id() -> None:
    st = apply(None, received())
    e = corrected(
        5, name="王曉明", fields={"registered_address": "台北市信義路5號"}, email="w@example.org"
    )
    check_event(e)
    check(st, e)
    after = apply(st, e)
    assert after.applicant_name == "王曉明"
    assert after.fields["registered_address"] == "台北市信義路5號"
    assert after.email == "w@example.org"
    assert (after.applicant_id, after.applicant_kind) == (st.applicant_id, st.applicant_kind)


def _ended(st: CaseState, type_: str) -> CaseState:
    e = ACTOR.event(CASE, type_, T0 + timedelta(minutes=1), {"reason": "民眾撤回"})
    return apply(st, e)


@pytest.mark.parametrize("ending", [ev.CANCELLED, ev.REJECTED])
def test_a_finished_case_refuses_it_and_an_empty_one_is_refused(ending: str) -> None:
    st = apply(None, received())
    with pytest.raises(DomainError) as empty:
        check(st, corrected(2))
    assert empty.value.code == "correction.empty"
    with pytest.raises(DomainError) as ended:
        check(_ended(st, ending), corrected(2, name="王曉明"))
    assert ended.value.code == "case.not_open"
    closed = apply(st, ACTOR.event(CASE, ev.CLOSED, T0 + timedelta(minutes=1), {}))
    check(closed, corrected(2, name="王曉明"))  # closed, documents not handed over: taken


def test_the_later_correction_holds_in_either_order() -> None:
    """Two counters each corrected the name offline: both end with the later one, whatever
    order the county's feed brings them in (folded last-wins, each showed the other's)."""
    other = Actor("H01", "02", "clerk2")
    first = corrected(5, name="王曉明", fields={"registered_address": "甲路1號"})
    second = corrected(9, other, name="王小眀")
    one = project([received(), first, second])
    two = project([received(), second, first])
    assert one.applicant_name == two.applicant_name == "王小眀"
    # the earlier correction's address holds: nothing later corrected it
    assert one.fields["registered_address"] == two.fields["registered_address"] == "甲路1號"
    assert one.corrected == two.corrected
