"""Pickup with the ID card (持身分證領件, seed: 憑系統發送之多媒體簡訊或持身分證): a case
notified by SMS only (no code to scan) is found by the applicant's ID number at the office it
is ready at, and handed over through the token path's handover and refusals, once."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import access, cases, payments, pickup, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake
from eservice_desktop.services.pickup_id_card import id_card_pickup
from eservice_desktop.services.projections import project_pickup, token_digest
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_pickup import PickupConsumedRow

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from approvals_support import add_accounts, supervisor_approval
from pickup_support import County, ready_case, sms_ready

ID = "A123456789"


def events(app: App, number: str, kind: str = "") -> list[ev.Event]:
    case_id = cases.load_case(app, number).case_id
    with app.reading() as s:
        return [e for e in repo.events_for(s, case_id) if not kind or e.type == kind]


def consumed(app: App, number: str) -> PickupConsumedRow | None:
    case_id = cases.load_case(app, number).case_id
    with app.reading() as s:
        row = s.scalar(select(PickupConsumedRow).where(PickupConsumedRow.case_id == case_id))
        if row is not None:
            s.expunge(row)
        return row


def test_an_sms_case_is_found_by_the_id_card_and_handed_over_once(app: App) -> None:
    number = sms_ready(app)
    # typed with spaces, lower case, full-width: the same ID; the SMS's number in full-width too
    found = id_card_pickup(app, " ａ123456789 ", "６２４９")
    assert found.ok and found.case is not None and found.case_number == number, found
    assert found.case.applicant_id_masked == "A12345****" and found.via == "id_card"
    assert ID not in found.message_zh + found.message_en and "A12345****" in found.message_zh
    assert not found.handed_over and cases.load_case(app, number).lifecycle == "ready_for_pickup"

    done = id_card_pickup(app, ID, hand_over=True)  # the pickup number may be left out
    assert done.handed_over and done.via == "id_card" and done.case_number == number
    state = cases.load_case(app, number)
    assert state.lifecycle == "picked_up" and state.picked_up_by == {"self": True}
    assert [e.payload for e in events(app, number, ev.PICKED_UP)] == [
        {"by": {"self": True}, "via": "id_card"}
    ]
    row = consumed(app, number)  # no code: the case's own key, so the slip names desk and way
    assert (
        row is not None
        and row.via == "id_card"
        and row.token_digest == pt.id_card_digest(state.case_id)
    )
    assert pickup.slip_fields(pickup.pickup_record(app, number))["via"] == "身分證件"
    assert pickup.ready_cases(app) == []

    again = id_card_pickup(app, ID, "6249", hand_over=True)
    assert (
        not again.ok and again.reason == "already_picked_up" and "不可重複交付" in again.message_zh
    )
    assert id_card_pickup(app, ID).reason == "no_ready_case"


def test_the_look_up_is_in_the_access_log_with_the_id_masked(app: App) -> None:
    number = sms_ready(app)
    id_card_pickup(app, ID)
    records = access.report(app, action=access.SEARCH)
    assert [(r.case_number, r.detail) for r in records] == [
        (number, "pickup by ID card A12345**** → 1")
    ]


def test_a_handover_by_the_id_alone_is_in_the_access_log_as_its_look_up(app: App) -> None:
    """``pickup handover --applicant-id`` looks the cases up by the ID itself and shows the
    case it hands over: the auditor asked who looked this person up finds that desk too."""
    number = sms_ready(app)
    assert id_card_pickup(app, ID, hand_over=True).handed_over
    again = id_card_pickup(app, ID, hand_over=True)
    assert again.reason == "no_ready_case"
    records = access.report(app, action=access.SEARCH)
    assert [(r.case_number, r.detail, r.operator) for r in records] == [
        (number, "pickup by ID card A12345**** → 1", app.actor.clerk),
        ("", "pickup by ID card A12345**** → 0", app.actor.clerk),
    ]
    assert ID not in "".join(r.detail for r in records)


def test_a_handover_of_the_case_on_the_desk_adds_no_second_look_up(app: App) -> None:
    number = sms_ready(app)
    assert id_card_pickup(app, ID).ok  # the desk's look-up, recorded
    assert id_card_pickup(app, ID, case_number=number, hand_over=True).handed_over
    records = access.report(app, action=access.SEARCH)
    assert [r.case_number for r in records] == [number]


@pytest.mark.parametrize(
    ("typed", "number", "code", "field"),
    [
        ("A123456788", "", "id.checksum", "applicant_id"),
        ("A12345678", "", "id.format", "applicant_id"),
        ("王小明", "", "id.format", "applicant_id"),
        (ID, "62a9", "pickup.pickup_number", "pickup_number"),
        (ID, "06249", "pickup.pickup_number", "pickup_number"),
        (ID, "\u0666\u0662\u0664\u0669", "pickup.pickup_number", "pickup_number"),
    ],
)
def test_bad_input_is_refused_before_anything_is_read(
    app: App, typed: str, number: str, code: str, field: str
) -> None:
    case = sms_ready(app)
    for hand_over in (False, True):
        with pytest.raises(DomainError) as info:
            id_card_pickup(app, typed, number, hand_over=hand_over)
        assert info.value.code == code and info.value.field == field
        assert info.value.message_zh and info.value.message_en
    assert cases.load_case(app, case).lifecycle == "ready_for_pickup"
    assert access.report(app, action=access.SEARCH) == []


def test_the_sms_pickup_number_picks_one_of_several_and_a_wrong_one_is_named(app: App) -> None:
    first = sms_ready(app, "6249")
    second = sms_ready(app, "0427")
    several = id_card_pickup(app, ID, hand_over=True)
    assert several.reason == "several_ready" and several.case is None
    assert "6249" in several.message_zh and "0427" in several.message_zh
    assert cases.load_case(app, first).lifecycle == "ready_for_pickup"
    wrong = id_card_pickup(app, ID, "1111")
    assert wrong.reason == "no_ready_case" and "1111" in wrong.message_zh
    assert id_card_pickup(app, ID, "0427").case_number == second
    assert id_card_pickup(app, ID, "6249", hand_over=True).case_number == first
    # the case on the desk's screen: never another one of the same ID
    pinned = id_card_pickup(app, ID, case_number=first, hand_over=True)
    assert pinned.reason == "already_picked_up" and pinned.case_number == first
    assert cases.load_case(app, second).lifecycle == "ready_for_pickup"
    assert id_card_pickup(app, ID, hand_over=True).case_number == second  # the one left


def test_other_offices_cases_and_other_peoples_are_not_handed_over_here(app: App) -> None:
    elsewhere = sms_ready(app, "6249", office="H02")
    refused = id_card_pickup(app, ID, hand_over=True)
    assert refused.reason == "wrong_office" and refused.details["office"] == "H02"
    assert elsewhere in refused.message_zh
    # the English message names the office as the zh-TW one does, not by its code alone
    assert "Zhongli Household Registration Office, Taoyuan City (H02)" in refused.message_en
    sms_ready(app, applicant_id="B123456780")
    nobody = id_card_pickup(app, "F131104093", hand_over=True)
    assert nobody.reason == "no_ready_case" and "F13110****" in nobody.message_zh
    assert cases.load_case(app, elsewhere).lifecycle == "ready_for_pickup"


def test_a_case_with_an_mms_code_handed_over_by_id_card_uses_its_code_up(app: App) -> None:
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    number, token = ready_case(app, county, pickup_number="0427")
    done = id_card_pickup(app, ID, "0427", hand_over=True)
    assert done.handed_over
    picked = events(app, number, ev.PICKED_UP)
    assert picked[0].payload["token_sha256"] == token_digest(token)
    row = consumed(app, number)
    assert row is not None and row.token_digest == token_digest(token) and row.via == "id_card"
    assert pickup.handover(app, token).reason == "already_picked_up"


def test_fees_due_are_refused_unless_a_supervisor_approves(app: App) -> None:
    add_accounts(app)
    number = sms_ready(app)
    payments.refund(
        app,
        payments.last_receipt_number(app, number),
        15,
        "誤收退還",
        approval=supervisor_approval(),
    )
    for result in (id_card_pickup(app, ID), id_card_pickup(app, ID, hand_over=True)):
        assert result.reason == "fees_due" and result.details["amount"] == "15"
        assert result.case is not None and result.case.balance == 15 and "F6" in result.message_zh
    done = id_card_pickup(app, ID, hand_over=True, approval=supervisor_approval("民眾急用"))
    assert done.handed_over
    types = [e.type for e in events(app, number)]
    assert types[-2:] == [ev.APPROVAL_GRANTED, ev.PICKED_UP]


def test_a_business_applicants_documents_need_the_collector(
    make_app: object, tmp_path: Path
) -> None:
    assert callable(make_app)
    land: App = make_app(Settings(data_dir=tmp_path / "land", office_code="L01", device_id="01"))
    view = intake(
        land,
        IntakeRequest(
            service_code="LR-CORRECTION",
            applicant_id="04595257",
            applicant_name="大文股份有限公司",
            fields={"parcel": "桃園段 0012-0000", "correction": "地號誤繕"},
        ),
    )
    if view.balance:
        payments.record_payment(land, view.case_number, "cash", view.balance)
    cases.close_case(land, view.case_number)
    with land.transaction() as s:
        cases.record(land, s, view.case_id, ev.READY_FOR_PICKUP, {"office": "L01"})
    assert id_card_pickup(land, "04595257").ok
    with pytest.raises(DomainError) as info:
        id_card_pickup(land, "04595257", hand_over=True)
    assert info.value.code == "pickup.collector_required"
    assert cases.load_case(land, view.case_number).lifecycle == "ready_for_pickup"
    collector = {"name": "陳大文", "id": "F131104093", "relation": "負責人"}
    assert id_card_pickup(land, "04595257", hand_over=True, collected_by=collector).handed_over
    assert cases.load_case(land, view.case_number).picked_up_by["name"] == "陳大文"


def test_a_pulled_id_card_handover_holds_the_case_once_on_every_desk(app: App) -> None:
    """The projection another desk (or ``sync recover``) makes of the event: the same row."""
    number = sms_ready(app)
    id_card_pickup(app, ID, hand_over=True)
    row = consumed(app, number)
    assert row is not None
    (event,) = events(app, number, ev.PICKED_UP)
    with app.transaction() as s:
        s.query(PickupConsumedRow).delete()
        project_pickup(s, event)
    again = consumed(app, number)
    assert again is not None and again.token_digest == row.token_digest and again.via == "id_card"


def test_a_proxy_given_the_applicant_s_id_card_number_is_refused(app: App) -> None:
    """By ID card too: the applicant's card typed into the proxy's fields is the applicant."""
    number = sms_ready(app)
    with pytest.raises(DomainError) as info:
        id_card_pickup(app, ID, hand_over=True, collected_by={"name": "王大同", "id": ID})
    assert info.value.code == "pickup.collector_is_applicant"
    assert cases.load_case(app, number).lifecycle == "ready_for_pickup"
    assert id_card_pickup(app, ID, hand_over=True).handed_over


def test_a_handover_names_the_applicant_s_other_cases_ready_here(app: App) -> None:
    """A citizen with two cases ready here, handed one (by the ID card and the SMS's pickup
    number, or by the code of one MMS), heard only 已完成交付 and left without the other: the
    handover now names the cases still waiting for the same ID (masked), and not when none is,
    nor another applicant's or another office's."""
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    first = sms_ready(app, "6249")
    sms_ready(app, "0427")
    coded, token = ready_case(app, county, "0815")
    sms_ready(app, "1111", applicant_id="B123456780")  # another citizen's
    sms_ready(app, "2222", office="H02")  # ready at another office
    done = id_card_pickup(app, ID, "6249", hand_over=True)
    assert done.handed_over and done.case_number == first
    assert "A12345****" in done.message_zh and ID not in done.message_zh
    assert "2 件待領案件（領件號碼 0427、0815）" in done.message_zh
    assert "2 more cases ready here (pickup numbers 0427, 0815)" in done.message_en
    assert "1111" not in done.message_zh and "2222" not in done.message_zh
    by_code = pickup.handover(app, token, None)
    assert by_code.handed_over and by_code.case_number == coded
    assert "1 件待領案件（領件號碼 0427）" in by_code.message_zh
    assert "another case ready here (pickup number 0427): hand it over too" in by_code.message_en
    last = id_card_pickup(app, ID, hand_over=True)
    assert last.handed_over and last.message_zh == f"已完成交付：案件 {last.case_number}。"


def test_nothing_ready_for_the_id_names_its_case_collected_lately(app: App, clock: Any) -> None:
    """A proxy collected the citizen's documents (her MMS forwarded): at the desk with her ID
    card and no SMS she was told only that nothing was ready, "or collected already", and the
    clerk searched for the case. The latest collection of the ID in the last 31 days is named,
    as already_picked_up names it (when, where, which desk); an older one is not."""
    number = sms_ready(app)
    assert id_card_pickup(app, ID, hand_over=True).handed_over
    r = id_card_pickup(app, ID)
    assert r.reason == "no_ready_case" and "或已領取" in r.message_zh
    assert f"最近一件：案件 {number} 的文件已於 民國115年3月10日 10:00" in r.message_zh
    assert "第 01 號櫃檯領取" in r.message_zh and ID not in r.message_zh
    assert f"The latest: Case {number} was already collected on 2026-03-10 10:00" in r.message_en
    clock.set(app.now() + timedelta(days=32))
    assert "最近一件" not in id_card_pickup(app, ID).message_zh
