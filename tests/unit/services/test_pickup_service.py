"""The pickup desk's use cases over a real SQLite database: verify, hand over once, refusals."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from eservice_desktop.config import Settings
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import access, cases, pickup, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_pickup import PickupConsumedRow

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from approvals_support import add_accounts, supervisor_approval
from pickup_support import County, ready_case


def picked_up_events(app: App) -> int:
    with app.reading() as s:
        return int(
            s.scalar(
                select(func.count()).select_from(EventRow).where(EventRow.type == ev.PICKED_UP)
            )
            or 0
        )


def test_import_keys_is_idempotent_and_updates_end_dates(app: App) -> None:
    c = County()
    assert pickup_keys.import_county_keys(app, c.document())["added"] == 1
    assert pickup_keys.import_county_keys(app, c.document())["unchanged"] == 1
    c.retired_at = datetime(2026, 3, 1, tzinfo=UTC)
    assert pickup_keys.import_county_keys(app, c.document()) == {
        "added": 0,
        "updated": 1,
        "unchanged": 0,
        "total": 1,
    }


def test_demo_key_document_refused_outside_demo_mode(app: App) -> None:
    doc = County().document()
    doc["keys"][0]["demo"] = True
    with pytest.raises(DomainError) as info:
        pickup_keys.import_county_keys(app, doc)
    assert info.value.code == "pickup_keys.demo"


def test_the_case_view_shows_the_pickup_number_but_not_the_code(app: App, county: County) -> None:
    """``case show --json`` printed the county's live pickup code to every clerk and cashier
    who opened the case (the access log said only "viewed"): with it the documents were
    handed over at any desk without an ID card. The desk still finds it and hands over."""
    number, token = ready_case(app, county)
    view = cases.show_case(app, number)
    ready = [e for e in view.events if e["type"] == ev.READY_FOR_PICKUP]
    assert [e["payload"]["pickup_number"] for e in ready] == ["0427"]
    assert all("token" not in e["payload"] for e in ready)
    shown = json.dumps(view.to_json(), ensure_ascii=False)
    assert token not in shown and pt.short_code(token) not in shown
    assert pickup.handover(app, token).handed_over


def test_scan_shows_case_then_handover_once(app: App, county: County) -> None:
    number, token = ready_case(app, county)
    assert [r.case_number for r in pickup.ready_cases(app)] == [number]
    # a time with its offset (UTC), as every other one printed: SQLite gives it back naive
    assert datetime.fromisoformat(pickup.ready_cases(app)[0].updated_at).utcoffset() == timedelta(0)
    result = pickup.verify(app, token)
    assert result.ok and result.case is not None
    assert result.case.applicant_id_masked == "A12345****"
    assert result.case.documents == [{"name": "戶籍謄本", "copies": 1, "unit": "張"}]
    assert result.case.balance == 0
    assert picked_up_events(app) == 0  # verify writes nothing

    done = pickup.handover(app, token)
    assert done.ok and done.handed_over and done.event_id
    assert cases.load_case(app, number).lifecycle == "picked_up"
    assert pickup.ready_cases(app) == []

    again = pickup.handover(app, token)
    assert not again.ok and again.reason == "already_picked_up"
    assert again.details["device"] == "01" and again.details["office"] == "H01"
    assert "桃園市桃園戶政事務所" in again.message_zh and "第 01 號櫃檯" in again.message_zh
    assert picked_up_events(app) == 1
    with app.reading() as s:
        assert s.scalar(select(func.count()).select_from(PickupConsumedRow)) == 1


def test_short_code_fallback_hands_over_and_consumes_the_same_code(
    app: App, county: County
) -> None:
    ready_case(app, county, pickup_number="0427", applicant_id="B123456780")
    number, token = ready_case(app, county, pickup_number="0427")  # same pickup number
    code = pt.short_code(token)
    result = pickup.verify(app, code.replace("-", "").lower())
    assert result.ok and result.case_number == number and result.via == "short"
    assert pickup.verify(app, "0427-ZZZZ").reason == "unknown_short_code"
    # typed with a Chinese IME left in full-width mode: the same short code, not a bad barcode
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    result = pickup.verify(app, wide)
    assert result.ok and result.case_number == number and result.via == "short"
    assert pickup.handover(app, code).handed_over
    assert pickup.handover(app, token).reason == "already_picked_up"


def test_refusals_name_what_happened(app: App, county: County, clock: object) -> None:
    _number, token = ready_case(app, county)
    other = County()
    assert pickup.verify(app, other.token()).reason == "unknown_key"
    assert pickup.verify(app, token[:-4]).reason == "malformed"
    not_synced = county.token()  # a case this desk has never seen
    r = pickup.verify(app, not_synced)
    assert r.reason == "not_synced" and "尚未同步" in r.message_zh
    # codes of a case this desk does not hold (one it holds says what became of it:
    # test_pickup_code_outlived.py)
    wrong = county.token(office="H05")
    r = pickup.verify(app, wrong)
    assert r.reason == "wrong_office" and "桃園市" in r.message_zh and "H05" in r.message_en
    old = county.token(pickup_number="0427", issued_at=datetime(2026, 1, 1, tzinfo=UTC))
    r = pickup.verify(app, old)
    assert r.reason == "expired" and "民國115年1月31日" in r.message_zh


def test_not_ready_case_refused(app: App, county: County) -> None:
    number, _ = ready_case(app, county)
    from pickup_support import FIELDS

    from eservice_desktop.services.intake import IntakeRequest, intake

    view = intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields=dict(FIELDS),
        ),
    )
    token = county.token(case_id=view.case_id, case_number=view.case_number)
    r = pickup.verify(app, token)
    assert r.reason == "not_ready" and r.case is not None and r.case.status == "payment_due"
    assert "待繳費" in r.message_zh
    assert number != view.case_number


@pytest.mark.parametrize(
    ("end", "word", "word_en"), [("cancel", "撤件", "cancelled"), ("reject", "駁回", "rejected")]
)
def test_a_code_of_an_ended_case_says_the_case_ended(
    app: App, county: County, end: str, word: str, word_en: str
) -> None:
    """It said 尚未可領件，請民眾待收到領件通知後再來: the citizen of a withdrawn or rejected
    case was sent home to wait for a ready notice that never comes."""
    from pickup_support import FIELDS

    from eservice_desktop.services.intake import IntakeRequest, intake

    view = intake(
        app,
        IntakeRequest(
            service_code="HR-TRANSCRIPT",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields=dict(FIELDS),
        ),
    )
    token = county.token(case_id=view.case_id, case_number=view.case_number)
    ending = cases.cancel_case if end == "cancel" else cases.reject_case
    ending(app, view.case_number, "申請人撤回")
    r = pickup.verify(app, token)
    assert r.reason == "not_ready" and not r.ok  # the contract's reason, as before
    assert f"已{word}" in r.message_zh and "本案已結束" in r.message_zh
    assert "待收到領件通知" not in r.message_zh
    assert f"was {word_en}" in r.message_en and "nothing to hand over" in r.message_en


def test_replaced_code_refused(app: App, county: County) -> None:
    number, token = ready_case(app, county, pickup_number="0427")
    case_id = cases.load_case(app, number).case_id
    older = county.token(case_id=case_id, case_number=number, pickup_number="0001")
    assert pickup.verify(app, older).reason == "case_mismatch"
    assert pickup.verify(app, token).ok


def test_each_scan_that_names_a_case_is_a_view_in_the_access_log(app: App, county: County) -> None:
    """The desk shows the case a code names (the applicant's name, the documents): a scan of
    an old code forwarded to someone else, and the current one, are in the access log; a code
    that names no case adds nothing."""
    number, token = ready_case(app, county, pickup_number="0427")
    case_id = cases.load_case(app, number).case_id
    older = county.token(case_id=case_id, case_number=number, pickup_number="0001")
    assert pickup.verify(app, older).reason == "case_mismatch"
    assert pickup.verify(app, token).ok
    assert not pickup.verify(app, "0427-ZZZZ").ok  # a short code that is no case's
    records = access.report(app, action=access.VIEW)
    assert [(r.case_number, r.operator, r.device, r.detail) for r in records] == [
        (number, app.actor.clerk, app.actor.device, "pickup code case_mismatch"),
        (number, app.actor.clerk, app.actor.device, "pickup code ok"),
    ]
    assert all(token not in r.detail and older not in r.detail for r in records)


def test_collector_on_behalf_is_validated_and_recorded(app: App, county: County) -> None:
    number, token = ready_case(app, county)
    with pytest.raises(DomainError):
        pickup.handover(app, token, {"name": "陳大文", "id": "A123456788"})
    with pytest.raises(DomainError):
        pickup.handover(app, token, {"name": "", "id": "A123456789"})
    # what the collector's fields may hold is what an applicant's name may: said by field
    for collector, field, label in (
        ({"name": "陳\u202e大文", "id": "A123456789"}, "name", "代領人姓名"),
        ({"name": "陳大文", "id": " "}, "id", "請填寫代領人身分證字號"),  # not "... or a UBN"
        ({"name": "陳" * 61, "id": "A123456789"}, "name", "代領人姓名"),
        # the ID typed into the name too (domain.name_slips): it was recorded as the name
        ({"name": "F131104093", "id": "F131104093"}, "name", "代領人姓名是證號，不是姓名"),
        (
            {"name": "陳大文", "id": "A123456789", "relation": "配偶\x1b[2J"},
            "relation",
            "與申請人關係",
        ),
        (
            {"name": "陳大文", "id": "A123456789", "relation": "子" * 600},
            "relation",
            "與申請人關係",
        ),
    ):
        with pytest.raises(DomainError) as info:
            pickup.handover(app, token, collector)
        assert info.value.field == field
        assert info.value.message_zh.startswith(label) and "payload" not in str(info.value)
    assert picked_up_events(app) == 0
    done = pickup.handover(app, token, {"name": "陳大文", "id": "f131104093", "relation": "配偶"})
    assert done.handed_over
    state = cases.load_case(app, number)
    assert state.picked_up_by == {
        "self": False,
        "name": "陳大文",
        "id_type": "national_id",
        "id": "F131104093",
        "relation": "配偶",
    }
    fields = pickup.slip_fields(pickup.pickup_record(app, number))
    assert "F13110****" in fields["collector"] and "F131104093" not in str(fields)


def test_demo_seed_makes_codes_accepted_only_in_demo_mode(make_app: object, tmp_path: Path) -> None:
    assert callable(make_app)
    demo_app: App = make_app(Settings(data_dir=tmp_path / "demo", demo=True))
    result = seed_demo(demo_app, 60, seed=3)
    assert result["pickup_ready_with_code"] >= 1
    pem = (tmp_path / "demo" / "demo-county-key.pem").read_text()
    assert "DEMO" in pem and "PRIVATE KEY" in pem
    number = pickup.ready_cases(demo_app)[-1].case_number
    token = pickup.stored_token(demo_app, number)
    assert token and pickup.verify(demo_app, token).ok
    demo_app.settings.demo = False
    r = pickup.verify(demo_app, token)
    assert r.reason == "demo_key"
    with pytest.raises(DomainError):
        pickup.issue_demo(demo_app, number)


def test_the_demo_county_makes_a_case_ready_at_the_office_the_applicant_chose(
    make_app: object, tmp_path: Path
) -> None:
    """A case taken in at H01 to be collected at H02: ``pickup issue`` made it ready at H01 with
    a code for H01 (the county makes it ready at H02), so the desk the applicant was sent to
    did not list it, and the demo seed made such a case ready here too."""
    import factories

    from eservice_desktop.services import payments
    from eservice_desktop.services.pickup_demo import seed_pickup_demo

    assert callable(make_app)
    demo_app: App = make_app(Settings(data_dir=tmp_path / "demo", demo=True, office_code="H01"))
    there, here = (
        factories.new_case(demo_app, pickup_method="other_office", pickup_office="H02"),
        factories.new_case(demo_app, applicant_id="B123456780"),
    )
    for number in (there, here):
        payments.record_payment(demo_app, number, "cash", 15)
        cases.close_case(demo_app, number)
    assert seed_pickup_demo(demo_app, 20, seed=1) == 1  # only the case collected here
    assert [r.case_number for r in pickup.ready_cases(demo_app)] == [here]
    issued = pickup.issue_demo(demo_app, there)
    assert (issued["office"], issued["office_name"]) == ("H02", "桃園市中壢戶政事務所")
    state = cases.load_case(demo_app, there)
    assert (state.lifecycle, state.pickup_office) == ("ready_for_pickup", "H02")
    assert pickup.verify(demo_app, issued["payload"]).reason == "wrong_office"
    assert [r.case_number for r in pickup.ready_cases(demo_app)] == [here]


def test_every_demo_case_ready_here_has_a_code_its_short_form_finds(
    make_app: object, tmp_path: Path
) -> None:
    """The bulk seed's ready cases carry the code the demo county signed when it made them
    ready (an MMS rendered for one used to carry a code signed on the spot and never stored,
    whose short form the desk then did not know); one made ready over 30 days ago has
    expired, as a county's code does."""
    assert callable(make_app)
    demo_app: App = make_app(Settings(data_dir=tmp_path / "demo", demo=True))
    seed_demo(demo_app, 400, seed=5)
    ready = pickup.ready_cases(demo_app)
    tokens = {r.case_number: pickup.stored_token(demo_app, r.case_number) for r in ready}
    assert len(tokens) > 20 and all(tokens.values())
    now = demo_app.now()
    checked = 0
    for number, token in tokens.items():
        assert token is not None
        claims = pt.parse_claims(pt.token_bytes(token))
        assert claims.case_number == number
        result = pickup.verify(demo_app, pt.short_code(token))
        assert result.ok == (claims.expires_at > now), (number, result.reason)
        checked += result.ok
    assert checked > 0


def test_key_retired_by_a_later_document(app: App, county: County, clock: object) -> None:
    _, token = ready_case(app, county)
    county.retired_at = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    pickup_keys.import_county_keys(app, county.document())
    r = pickup.verify(app, token)
    assert r.reason == "retired_key"
    assert r.details["retired_at"].startswith("2026-03-10T01:00")
    assert datetime.fromisoformat(r.details["retired_at"]) < datetime(2026, 3, 10, 2, tzinfo=UTC)
    _ = timedelta


def test_online_look_up_when_the_county_is_unreachable(app: App, county: County) -> None:
    app.settings.county_url = "http://127.0.0.1:9"
    token = county.token()
    assert pickup.verify(app, token).reason == "not_synced"
    r = pickup.fetch_online(app, token)
    assert r.reason == "offline" and "無法連線" in r.message_zh
    # A forged code never causes a request: it is refused first.
    assert pickup.fetch_online(app, County().token()).reason == "unknown_key"


def test_consumed_table_refuses_a_second_row_for_one_case(app: App, county: County) -> None:
    """The database itself, not only the state machine, stops a double handover."""
    from sqlalchemy.exc import IntegrityError

    number, token = ready_case(app, county)
    assert pickup.handover(app, token).handed_over
    case_id = cases.load_case(app, number).case_id
    with pytest.raises(IntegrityError), app.transaction() as s:
        s.add(
            PickupConsumedRow(
                token_digest="0" * 64,
                case_id=case_id,
                event_id="x",
                office="H01",
                device="02",
                clerk="other",
                via="qr",
                consumed_at=datetime(2026, 3, 10, tzinfo=UTC),
            )
        )


def test_nothing_leaves_the_office_unpaid_and_the_desk_can_take_the_payment(
    app: App, county: County
) -> None:
    from eservice_desktop.services import payments

    add_accounts(app)
    number, token = ready_case(app, county)
    receipt = payments.last_receipt_number(app, number)
    # the balance reopens after it was made ready
    payments.refund(app, receipt, 15, "誤收退還", approval=supervisor_approval())
    for result in (pickup.verify(app, token), pickup.handover(app, token)):
        assert not result.ok and result.reason == "fees_due"
        assert result.case is not None and result.case.balance == 15
        assert "15" in result.message_zh and "F6" in result.message_zh
        assert "NT$15" in result.message_en and result.details["amount"] == "15"
    assert picked_up_events(app) == 0
    # still ready for pickup, so payment stays possible until the handover
    payments.record_payment(app, number, "cash", 15)
    assert pickup.handover(app, token).handed_over
    other, _ = ready_case(app, county, applicant_id="B123456780")
    payments.refund(
        app,
        payments.last_receipt_number(app, other),
        15,
        "誤收退還",
        approval=supervisor_approval(),
    )
    other_id = cases.load_case(app, other).case_id
    # the state machine refuses it too, whoever asks
    with pytest.raises(DomainError) as info, app.transaction() as s:
        cases.record(app, s, other_id, ev.PICKED_UP, {"by": {}})
    assert info.value.code == "fees_due" and info.value.extra == {"amount": 15}


def test_an_exemption_with_its_reason_is_the_way_past(app: App, county: County) -> None:
    from eservice_desktop.services import fees, payments

    add_accounts(app)
    number, token = ready_case(app, county)
    payments.refund(
        app,
        payments.last_receipt_number(app, number),
        15,
        "誤收退還",
        approval=supervisor_approval(),
    )
    assert pickup.verify(app, token).reason == "fees_due"
    fees.assess(
        app,
        number,
        exempt=True,
        reason="低收入戶免徵（規費法第12條）",
        approval=supervisor_approval(),
    )
    assert pickup.handover(app, token).handed_over
    state = cases.load_case(app, number)
    assert state.exemption_reason == "低收入戶免徵（規費法第12條）"


def test_a_business_applicants_documents_go_to_a_named_person(
    make_app: object, tmp_path: Path
) -> None:
    """A company (UBN) cannot come in person: handing its documents over as "the applicant in
    person" is refused (nothing recorded); with the person who collects them it goes through."""
    assert callable(make_app)
    land: App = make_app(Settings(data_dir=tmp_path / "land", office_code="L01", device_id="01"))
    county = County()
    pickup_keys.import_county_keys(land, county.document())
    number, token = ready_case(
        land,
        county,
        office="L01",
        applicant_id="04595257",
        service_code="LR-CORRECTION",
        fields={"parcel": "桃園段 0012-0000", "correction": "地號誤繕"},
    )
    assert pickup.verify(land, token).ok
    with pytest.raises(DomainError) as info:
        pickup.handover(land, token)
    assert info.value.code == "pickup.collector_required" and info.value.field == "proxy"
    assert number in info.value.message_zh and "法人" in info.value.message_zh
    assert picked_up_events(land) == 0
    done = pickup.handover(land, token, {"name": "陳大文", "id": "F131104093", "relation": "員工"})
    assert done.handed_over
    assert cases.load_case(land, number).picked_up_by["name"] == "陳大文"


def test_a_proxy_with_the_applicant_s_own_id_is_refused(app: App, county: County) -> None:
    """A proxy (代領人) is someone else: typed with the applicant's own ID number (in another
    form: lower case, full-width), the handover was recorded and printed on the slip as
    another person holding the applicant's ID; it is refused, nothing recorded, and the
    applicant's own handover, or a real proxy's, goes through."""
    number, token = ready_case(app, county)
    with pytest.raises(DomainError) as info:
        pickup.handover(app, token, {"name": "王大同", "id": "ａ123456789", "relation": "父"})
    assert info.value.code == "pickup.collector_is_applicant" and info.value.field == "id"
    assert "申請人相同" in info.value.message_zh and "own" in info.value.message_en
    assert picked_up_events(app) == 0
    done = pickup.handover(app, token, {"name": "王大同", "id": "F131104093", "relation": "父"})
    assert done.handed_over and cases.load_case(app, number).picked_up_by["id"] == "F131104093"
