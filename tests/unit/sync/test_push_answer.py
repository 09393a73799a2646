"""The county's push answer is written to JSON without a model per event or receipt
(county/push_answer.py): byte for byte what pydantic writes for the ``PushResponse`` of the same
results and receipts, and the same models for a reader that asks for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from eservice_desktop.county.push_answer import PushAnswer, Result, Signed
from eservice_desktop.county_link.protocol import CountyReceipt, PushResponse, PushResult
from eservice_desktop.domain.case import CaseState

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _state(case_id: str, number: str, office: str, count: int) -> CaseState:
    return CaseState(
        case_id=case_id,
        case_number=number,
        service_code="HR-TRANSCRIPT",
        office=office,
        received_at=AT,
        time_limit_working_days=1,
        applicant_kind="person",
        applicant_id_type="national_id",
        applicant_id="A123456789",
        applicant_name="王小明",
        event_count=count,
    )


RESULTS: list[Result] = [
    ("accepted", "01a2422a-3010-7944-b013-bc80c5112665"),
    ("duplicate", "e-2"),
    PushResult(
        event_id="e-3",
        status="conflict",
        conflict_id="c-1",
        reason_code="case.not_routed",
        reason_zh='本案未分送本所\n"引號"\\ \x01 \u2028 𠀀',
        reason_en="Malformed event: KeyError",
    ),
    ("accepted", "e-4"),
]


@pytest.mark.parametrize(
    "when",
    [
        AT,
        AT + timedelta(microseconds=123456),
        AT.astimezone(timezone(timedelta(hours=8))),
    ],
)
@pytest.mark.parametrize("receipts", [0, 1, 3])
def test_the_answer_is_the_response_models_json(when: datetime, receipts: int) -> None:
    states = [_state(f"c-{i}", f"H01-01-115-00000{i}-{i}", "H01", i + 1) for i in range(receipts)]
    signed = Signed(
        when,
        [st.case_id for st in states],
        states,
        [f"c2ln{i}+/=" for i in range(receipts)],
        "re-20260310-abcdef",
    )
    answer = PushAnswer(RESULTS, signed, when)
    model = PushResponse(
        results=[
            r if isinstance(r, PushResult) else PushResult(event_id=r[1], status=r[0])
            for r in RESULTS
        ],
        receipts=[
            CountyReceipt(
                case_id=st.case_id,
                case_number=st.case_number,
                office=st.office,
                events_accepted=st.event_count,
                county_time=when,
                key_id="re-20260310-abcdef",
                signature=f"c2ln{i}+/=",
            )
            for i, st in enumerate(states)
        ],
        server_time=when,
    )
    assert answer.to_json() == model.model_dump_json()
    assert answer.results == model.results
    assert answer.receipts == model.receipts
    assert answer.response() == model
    assert answer.to_json() == answer.response().model_dump_json()


def test_an_answer_with_nothing_in_it() -> None:
    answer = PushAnswer([], Signed(AT), AT)
    empty = PushResponse(results=[], receipts=[], server_time=AT)
    assert answer.to_json() == empty.model_dump_json()
    assert answer.results == [] and answer.receipts == []
