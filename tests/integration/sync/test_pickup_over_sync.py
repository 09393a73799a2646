"""The pickup desk against a real county server: the county signs the code when the case is
closed, the keys and the case reach the pickup office by sync, and a desk that has not synced
yet can look the case up online."""

from __future__ import annotations

from collections.abc import Callable

from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import cases, payments, pickup, pickup_id_card, pickup_keys
from eservice_desktop.services.core import App


def _ready_at_h02(office: Callable[..., App], county: CountyServer) -> tuple[App, App, str, str]:
    h01 = office("H01", "01", county.url)
    h02 = office("H02", "01", county.url)
    enrol(h01, county)
    enrol(h02, county)
    number = new_case(h01, pickup_office="H02")
    payments.record_payment(h01, number, "cash", 15)  # nothing leaves the office unpaid
    cases.close_case(h01, number)
    sync_now(h01)  # the county makes it ready at H02 with a signed code
    sync_now(h01)
    token = pickup.stored_token(h01, number)
    assert token, "the county's ready event carries the code"
    return h01, h02, number, token


def test_code_signed_by_county_verifies_offline_after_sync(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    h01, h02, number, token = _ready_at_h02(office, sqlite_county)
    # At the filing office the code is for another office.
    assert pickup.verify(h01, token).reason == "wrong_office"
    sync_now(h02)
    result = pickup.verify(h02, token)
    assert result.ok, result.message_en
    assert [r.case_number for r in pickup.ready_cases(h02)] == [number]
    assert pickup.handover(h02, token).handed_over
    sync_now(h02)
    sync_now(h01)
    assert cases.load_case(h01, number).lifecycle == "picked_up"
    assert pickup.handover(h01, token).reason == "wrong_office"  # bound to H02


def test_not_synced_case_is_fetched_online(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    _h01, h02, number, token = _ready_at_h02(office, sqlite_county)
    # Keys only: pretend the desk has the keys but not this case yet.
    from sqlalchemy.orm import Session

    from eservice_desktop.county import service as county_service
    from eservice_desktop.county.store import make_engine, utcnow

    engine = make_engine(sqlite_county.db_url)
    with Session(engine) as s:
        doc = county_service.pickup_key_document(s, utcnow())
    engine.dispose()
    pickup_keys.import_county_keys(h02, doc)
    assert pickup.verify(h02, token).reason == "not_synced"
    fetched = pickup.fetch_online(h02, token)
    assert fetched.ok, fetched.message_en
    assert fetched.case_number == number
    h02.settings.county_url = "http://127.0.0.1:9"
    other = pickup.fetch_online(h02, token)
    assert other.ok  # already here now: no request needed


def test_a_handover_on_the_id_card_is_pushed_and_reaches_the_filing_office(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """The county validates pushed events: one with ``via`` = ``id_card`` is taken like a
    scan's, and the filing office learns the case was collected."""
    h01, h02, number, token = _ready_at_h02(office, sqlite_county)
    sync_now(h02)
    applicant = cases.load_case(h02, number).applicant_id
    done = pickup_id_card.id_card_pickup(h02, applicant, hand_over=True)
    assert done.handed_over and done.via == "id_card", done.message_en
    sync_now(h02)
    sync_now(h01)
    assert cases.load_case(h01, number).lifecycle == "picked_up"
    assert pickup.verify(h02, token).reason == "already_picked_up"


def test_a_desk_names_the_other_office_in_english_by_its_english_name(
    office: Callable[..., App], sqlite_county: CountyServer
) -> None:
    """A code for H02 scanned at H01, and a case H02 handed over scanned again there and at
    H01, name the other office in the English messages by its English name and code: they said
    "pickup at H02 (桃園市中壢戶政事務所)" and "collected … at H02 desk 01", a Chinese name or a
    bare code the English-reading clerk could not send the citizen to."""
    h01, h02, _number, token = _ready_at_h02(office, sqlite_county)
    zhongli = "Zhongli Household Registration Office, Taoyuan City (H02)"
    elsewhere = pickup.verify(h01, token)
    assert elsewhere.reason == "wrong_office"
    assert elsewhere.message_en == f"This code is for pickup at {zhongli}, not here."
    assert "「桃園市中壢戶政事務所」" in elsewhere.message_zh
    sync_now(h02)
    assert pickup.handover(h02, token).handed_over
    again = pickup.verify(h02, token)
    assert again.reason == "already_picked_up"
    assert f"at {zhongli} desk 01." in again.message_en
    assert "在桃園市中壢戶政事務所第 01 號櫃檯" in again.message_zh
