"""The county's notices to the citizen: what each of the seed's stages says, in zh-TW, with the
office's name and the case's true state; the catalogue's ``mms_pickup`` flags."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from eservice_desktop.county import notify
from eservice_desktop.county_link import pickup_crypto
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.case import CaseState, apply, check
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from eservice_desktop.storage import resources

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CASE_ID = "8f1d7a4e-2b6c-4e0a-9c1f-3d2e1b0a9f88"
NUMBER = "H01-01-115-000001-3"


def _catalogue(mms_services: tuple[str, ...] = (), office_off: tuple[str, ...] = ()) -> Catalogue:
    services = resources.read_json("catalogue", "services.json")
    offices = resources.read_json("catalogue", "offices.json")
    for s in services["services"]:
        if s["code"] in mms_services:
            s["mms_pickup"] = True
    for o in offices["offices"]:
        if o["code"] in office_off:
            o["mms_pickup"] = False
    return Catalogue.from_dict(services, offices)


def _event(
    type_: str, payload: dict[str, Any], office: str = "H01", at: datetime | None = None
) -> Event:
    return Event(
        event_id=str(uuid.uuid4()),
        case_id=CASE_ID,
        type=type_,
        office=office,
        device="01",
        clerk="c",
        at=at or NOW,
        payload=payload,
    )


def _received(pickup: dict[str, str] | None = None, email: str = "") -> Event:
    return _event(
        ev.RECEIVED,
        {
            "case_number": NUMBER,
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 1,
            "phone": "0912345678",
            "email": email,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
            "pickup": pickup or {"method": "other_office", "office": "H02"},
        },
    )


def _run(*events: Event) -> tuple[CaseState | None, CaseState, Event]:
    state: CaseState | None = None
    before: CaseState | None = None
    for e in events:
        before, state = state, apply(state, e)
    assert state is not None
    return before, state, events[-1]


def _texts(*events: Event, catalogue: Catalogue | None = None) -> list[notify.Message]:
    return notify.messages_for(*_run(*events), catalogue or _catalogue())


def _ready(office: str = "H02") -> Event:
    key = pickup_crypto.generate()
    claims = pt.PickupClaims(
        kid=pt.key_id(pickup_crypto.public_bytes(key)),
        case_id=CASE_ID,
        case_number=NUMBER,
        office=office,
        pickup_number="0427",
        issued_at=NOW,
        expires_at=NOW + timedelta(days=30),
    )
    token = pt.encode_token(claims, key.sign)
    return _event(
        ev.READY_FOR_PICKUP,
        {
            "office": office,
            "pickup_number": "0427",
            "token": token,
            "expires_at": claims.expires_at.isoformat(),
        },
        office=office,
    )


def test_received_names_the_office_and_service_not_codes() -> None:
    [m] = _texts(_received())
    assert m.channel == "sms" and m.stage == "received" and m.recipient == "0912345678"
    assert m.body == (
        "【桃園市桃園戶政事務所】您申請的「請領戶籍謄本」已收件，案件編號 H01-01-115-000001-3，"
        "本所將儘速為您辦理。"
    )
    assert "H01" not in m.body.replace(NUMBER, "") and "H01" not in m.subject.replace(NUMBER, "")
    assert "A123456789" not in m.body and "王小明" not in m.body


def test_a_web_application_is_told_it_reached_the_office_not_that_it_was_accepted() -> None:
    # the office's 收件 (case.accepted) comes later: the status page shows 收件 in progress
    web = _received()
    web.payload["channel"] = "web"
    [m] = _texts(web)
    assert m.stage == "received" and "已收件" not in m.body
    assert m.body == (
        "【桃園市桃園戶政事務所】您線上申辦的「請領戶籍謄本」已送達本所，"
        "案件編號 H01-01-115-000001-3，待本所收件後儘速為您辦理。"
    )


def test_payment_due_only_while_a_fee_is_owed() -> None:
    # assessed at intake: paid at the counter there and then, no notice
    at_intake = _event(ev.FEE_ASSESSED, {"total": 1200, "items": []})
    assert _texts(_received(), at_intake) == []
    # assessed (or raised) later: the citizen is told
    fee = _event(ev.FEE_ASSESSED, {"total": 1200, "items": []}, at=NOW + timedelta(hours=2))
    [m] = _texts(_received(), fee)
    assert m.stage == "payment_due"
    assert "應繳規費新臺幣 1,200 元" in m.body and m.body.startswith("【桃園市桃園戶政事務所】")
    # exempt: no fee-due notice at all
    exempt = _event(ev.FEE_ASSESSED, {"total": 0, "items": [], "exemption_reason": "低收入戶"})
    assert _texts(_received(), exempt) == []


def test_a_web_applicant_is_told_the_fee_assessed_with_the_application() -> None:
    # no counter to pay at there and then: the payment-due notice goes out (held, as ever)
    web = _received()
    web.payload["channel"] = "web"
    at_submission = _event(ev.FEE_ASSESSED, {"total": 15, "items": []})
    [m] = _texts(web, at_submission)
    assert m.stage == "payment_due" and "應繳規費新臺幣 15 元" in m.body


def test_supplement_and_rejection_carry_the_reason_once() -> None:
    sup = _event(ev.SUPPLEMENT_REQUESTED, {"reason": "缺少委託書。"})
    [m] = _texts(_received(), sup)
    assert m.body == (
        "【桃園市桃園戶政事務所】您申請的「請領戶籍謄本」（案件編號 H01-01-115-000001-3）尚需補正："
        "缺少委託書。請於補正後送交本所，以便續辦。"
    )
    rej = _event(ev.REJECTED, {"reason": "申請人非本人或其法定代理人"})
    [r] = _texts(_received(), rej)
    assert r.stage == "rejected"
    assert r.body == (
        "【桃園市桃園戶政事務所】很抱歉，您申請的「請領戶籍謄本」"
        "（案件編號 H01-01-115-000001-3）經審查未能核准，理由：申請人非本人或其法定代理人。"
        "如有疑問，請洽本所。"
    )


def test_a_supplement_notice_says_the_day_to_supply_by_and_the_documents() -> None:
    """The request kept no day, so the notice could not say one: the clerk wrote it into the
    reason, or the citizen was never told. A request of an earlier version says neither."""
    payload = {"reason": "請補正", "items": ["印章或簽名", "申請人國民身分證正本"]}
    sup = _event(ev.SUPPLEMENT_REQUESTED, {**payload, "supply_by": "2026-12-11"})
    [m] = _texts(_received(), sup)
    assert m.body.endswith(
        "尚需補正：請補正。應補文件：印章或簽名、申請人國民身分證正本。"
        "請於民國115年12月11日前補正後送交本所，以便續辦。"
    )
    [old] = _texts(_received(), _event(ev.SUPPLEMENT_REQUESTED, {"reason": "請補正", "items": []}))
    assert old.body.endswith("尚需補正：請補正。請於補正後送交本所，以便續辦。")


def _with_phone(phone: str = "03-3322101") -> Catalogue:
    """The shipped catalogue with H01's phone (only L05 has one in offices.json)."""
    services = resources.read_json("catalogue", "services.json")
    offices = resources.read_json("catalogue", "offices.json")
    for o in offices["offices"]:
        if o["code"] == "H01":
            o["phone"] = phone
    return Catalogue.from_dict(services, offices)


def test_the_notices_that_send_the_citizen_to_the_office_give_its_phone() -> None:
    """A rejection said 請洽本所 with no number: the citizen rejected by SMS, away from the
    office, had to look it up. Its phone goes in when the catalogue has one, none made up."""
    phoned = _with_phone()
    rej = _event(ev.REJECTED, {"reason": "申請人非本人或其法定代理人"})
    [r] = _texts(_received(), rej, catalogue=phoned)
    ask = "如有疑問，請洽本所（電話 03-3322101）。"
    assert r.body.endswith("理由：申請人非本人或其法定代理人。" + ask)
    sup = _event(ev.SUPPLEMENT_REQUESTED, {"reason": "缺少委託書"})
    [m] = _texts(_received(), sup, catalogue=phoned)
    assert m.body.endswith("缺少委託書。請於補正後送交本所，以便續辦。" + ask)
    cancel = _event(ev.CANCELLED, {"reason": "民眾來電撤回"})
    [c] = _texts(_received(), cancel, catalogue=phoned)
    assert c.stage == "cancelled" and c.body == (
        "【桃園市桃園戶政事務所】您申請的「請領戶籍謄本」（案件編號 H01-01-115-000001-3）已撤件，"
        "本所不再辦理，亦不會寄送領件通知。如有疑問，請洽本所（電話 03-3322101）。"
    )
    assert "民眾來電撤回" not in c.body  # the reason is the case's record, not the citizen's


def test_a_withdrawal_names_the_fee_it_did_not_refund() -> None:
    fee = _event(ev.FEE_ASSESSED, {"total": 1200, "items": []})
    paid = _event(
        ev.PAYMENT_RECORDED,
        {"payment_id": str(uuid.uuid4()), "amount": 1200, "method": "cash", "receipt_number": ""},
    )
    cancel = _event(ev.CANCELLED, {"reason": "重複申請"})
    [c] = _texts(_received(), fee, paid, cancel)
    assert "已繳規費新臺幣 1,200 元如需退還，請洽本所辦理。" in c.body


@pytest.mark.parametrize("mark", ["！", "？", "!", "?"])
def test_a_reason_ending_in_its_own_mark_gets_no_full_stop_after_it(mark: str) -> None:
    sup = _event(ev.SUPPLEMENT_REQUESTED, {"reason": f"請於本週內補正{mark}"})
    [m] = _texts(_received(), sup)
    assert f"尚需補正：請於本週內補正{mark}請於補正後送交本所" in m.body, m.body
    rej = _event(ev.REJECTED, {"reason": f"申請人非本人{mark} "})
    [r] = _texts(_received(), rej)
    assert f"理由：申請人非本人{mark}如有疑問" in r.body, r.body


def test_closed_is_one_notice_mailed_or_ready_for_pickup() -> None:
    mailed = _received(pickup={"method": "mail"})
    [m] = _texts(mailed, _event(ev.CLOSED, {}))
    assert m.stage == "closed" and "已辦結，文件將郵寄至您的通訊地址" in m.body
    # collected at an office: the ready notice is the closing one, not a second message
    assert _texts(_received(), _event(ev.CLOSED, {})) == []
    [sms] = _texts(_received(), _event(ev.CLOSED, {}), _ready())
    assert sms.channel == "sms" and sms.stage == "ready_for_pickup"
    assert sms.body == (
        "【桃園市桃園戶政事務所】您申請的「請領戶籍謄本」（案件編號 H01-01-115-000001-3）"
        "已辦結，請於"
        "民國115年12月30日前攜帶身分證件至桃園市中壢戶政事務所領件（領件號碼 0427）。"
    )


def test_ready_is_an_mms_with_the_short_code_only_when_service_and_office_are_flagged() -> None:
    ready = _ready()
    token = str(ready.payload["token"])
    flagged = _catalogue(("HR-TRANSCRIPT",))
    [mms, mail] = _texts(
        _received(email="a@example.tw"), _event(ev.CLOSED, {}), ready, catalogue=flagged
    )
    assert (mms.channel, mail.channel) == ("mms", "email")
    assert f"口述領件碼 {pt.short_code(token)}" in mms.body and "出示本簡訊條碼" in mms.body
    assert "至桃園市中壢戶政事務所領件" in mms.body
    # the pickup office's flag is honoured as well
    off = _catalogue(("HR-TRANSCRIPT",), office_off=("H02",))
    [sms] = _texts(_received(), _event(ev.CLOSED, {}), ready, catalogue=off)
    assert sms.channel == "sms" and "口述領件碼" not in sms.body
    assert not notify.sends_mms(off, _run(_received())[1])
    assert notify.sends_mms(flagged, _run(_received())[1])


def test_the_ready_notice_says_the_fee_still_owed_at_pickup() -> None:
    """A case closed with its fee owing (a supervisor's approval) and made ready at another
    office: the notice sent the citizen there without a word of the NT$1,200 the desk asks
    before it hands anything over."""
    owed = _event(ev.FEE_ASSESSED, {"total": 1200, "items": []})
    paid_part = _event(
        ev.PAYMENT_RECORDED,
        {"payment_id": "p1", "method": "cash", "amount": 200, "receipt_number": "R1"},
    )
    events = (_received(), owed, paid_part, _event(ev.CLOSED, {}), _ready())
    [sms] = _texts(*events)
    assert sms.body.endswith(
        "攜帶身分證件至桃園市中壢戶政事務所領件（領件號碼 0427）。"
        "尚有規費新臺幣 1,000 元未繳，請於領件時繳納。"
    )
    [mms] = _texts(*events, catalogue=_catalogue(("HR-TRANSCRIPT",)))
    assert mms.channel == "mms" and mms.body.endswith(
        "尚有規費新臺幣 1,000 元未繳，請於領件時繳納。"
    )
    paid = _event(
        ev.PAYMENT_RECORDED,
        {"payment_id": "p2", "method": "cash", "amount": 1000, "receipt_number": "R2"},
    )
    [settled] = _texts(_received(), owed, paid_part, paid, _event(ev.CLOSED, {}), _ready())
    assert "規費" not in settled.body


@pytest.mark.parametrize("code", ["SA-DISABLED-PARKING", "PW-USE-PERMIT-TRANSCRIPT"])
def test_the_seed_flags_its_two_mms_services_and_all_twenty_offices(code: str) -> None:
    cat = _catalogue()
    assert cat.service(code).mms_pickup
    assert {o.code for o in cat.offices if o.mms_pickup} == {
        *(f"H{i:02d}" for i in range(1, 14)),
        *(f"L{i:02d}" for i in range(1, 8)),
    }
    assert not cat.service("HR-TRANSCRIPT").mms_pickup


def test_a_resend_of_an_unknown_stage_names_every_stage_there_is() -> None:
    """The refusal listed the seed's six stages: a clerk (or IT reading the conflict) was told
    cancelled and refunded were no stages, and their notices could not be resent."""
    state = apply(None, _received())
    with pytest.raises(DomainError) as refused:
        check(state, _event(ev.NOTICE_RESEND_REQUESTED, {"stage": "withdrawn"}))
    assert refused.value.code == "notice.stage"
    for stage in ev.NOTICE_STAGES:
        assert stage in refused.value.message_zh and stage in refused.value.message_en
