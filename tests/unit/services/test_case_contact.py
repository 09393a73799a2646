"""The applicant's new mobile number (``services.case_contact``, ``case.phone_changed``): read
as intake reads it, refused before anything is stored, folded into the case, refused once the
case has nothing left to tell by phone, and emptied by retention like the intake's number; a
new pickup code (``case.code_reissue_requested``) for a case ready for pickup only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import new_case
from pickup_support import ready_with_county_keys

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Actor
from eservice_desktop.services import case_contact, cases, pickup, retention
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest
from eservice_desktop.storage import repo


def _types(app: App, number: str) -> list[str]:
    return [e["type"] for e in cases.show_case(app, number).events]


def test_the_number_is_read_as_at_intake_and_a_bad_one_stores_nothing(app: App) -> None:
    number = new_case(app, phone="0912345678")
    before = _types(app, number)
    for bad in ("0912-34567", "02-2345-6789", "abc", ""):
        with pytest.raises(DomainError) as err:
            case_contact.change_phone(app, number, bad)
        assert err.value.code == "phone.format" and err.value.field == "phone"
    with pytest.raises(DomainError) as same:
        case_contact.change_phone(app, number, "+886 912 345 678")
    assert same.value.code == "phone.unchanged"
    assert _types(app, number) == before
    view = case_contact.change_phone(app, number, "０９８７－６５４－３２１")
    assert view.phone == "0987654321"
    assert cases.load_case(app, number).phone == "0987654321"
    assert _types(app, number)[-1] == ev.PHONE_CHANGED


def test_a_ready_case_takes_it_and_a_collected_one_refuses_it(app: App) -> None:
    number, token = ready_with_county_keys(app)
    assert case_contact.change_phone(app, number, "0987654321").status == "ready_for_pickup"
    assert pickup.handover(app, token).handed_over
    with pytest.raises(DomainError) as err:
        case_contact.change_phone(app, number, "0911222333")
    assert err.value.code == "case.not_open"
    assert cases.load_case(app, number).phone == "0987654321"


def test_the_payload_holds_the_stored_form_only() -> None:
    assert pl.PhoneChanged.from_payload({"phone": "0987654321"}).phone == "0987654321"
    assert pl.PhoneChanged.from_payload({"phone": ""}).phone == ""  # emptied by retention
    for pushed in ("0987-654-321", "+886987654321", "09876543210"):
        with pytest.raises(DomainError) as err:
            pl.PhoneChanged.from_payload({"phone": pushed})
        assert err.value.code == "phone.format"


def test_retention_empties_the_new_number_too(app: App) -> None:
    number = new_case(app, phone="0912345678")
    case_contact.change_phone(app, number, "0987654321")
    with app.transaction() as s:
        from eservice_desktop.storage import repo

        case_id = cases.resolve_case_id(s, number)
        scrubbed = [retention._scrub(e.payload) for e in repo.events_for(s, case_id)]
    assert "0987654321" not in str(scrubbed) and "0912345678" not in str(scrubbed)


def test_a_new_code_is_asked_for_a_ready_case_only(app: App) -> None:
    open_case = new_case(app, phone="0912345678")
    with pytest.raises(DomainError) as early:
        case_contact.reissue_code(app, open_case)
    assert early.value.code == "pickup.not_ready"
    assert ev.CODE_REISSUE_REQUESTED not in _types(app, open_case)
    number, token = ready_with_county_keys(app)
    view = case_contact.reissue_code(app, number)
    assert (
        view.status == "ready_for_pickup" and _types(app, number)[-1] == ev.CODE_REISSUE_REQUESTED
    )
    # the desk's copy of the code holds until the county's new one arrives by sync
    assert pickup.handover(app, token).handed_over
    with pytest.raises(DomainError) as late:
        case_contact.reissue_code(app, number)
    assert late.value.code == "pickup.already_picked_up"


def test_the_applicants_other_cases_still_on_another_number(app: App) -> None:
    first = new_case(app, phone="0912345678")
    second = new_case(app, phone="0912345678")
    elsewhere = new_case(app, phone="0912345678", applicant_id="B123456780")
    ended = new_case(app, phone="0912345678")
    cases.cancel_case(app, ended, "民眾撤回申請")
    assert case_contact.other_numbers(app, first) == []
    case_contact.change_phone(app, first, "0987654321")
    assert case_contact.other_numbers(app, first) == [second]
    assert case_contact.other_numbers(app, second) == [first]
    assert elsewhere not in case_contact.other_numbers(app, first)
    case_contact.change_phone(app, second, "0987654321")
    assert case_contact.other_numbers(app, first) == []


def test_a_change_older_than_one_pulled_is_refused_not_taken_for_the_new_number(
    app: App,
) -> None:
    """The later change holds everywhere; a counter whose clock is behind another's recorded a
    change older than one it had pulled: it changed nothing, and the answer said the case's
    number was now the old one. It is refused, nothing stored, naming the later change."""
    number = new_case(app, phone="0912345678")
    later = app.now() + timedelta(hours=1)  # the other counter's clock an hour ahead
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        state = repo.load_state(s, case_id)
        e = Actor(app.settings.office_code, "02", "clerk2").event(
            case_id, ev.PHONE_CHANGED, later, {"phone": "0922222222"}
        )
        ingest(app, s, e, state, origin="county")
    before = _types(app, number)
    with pytest.raises(DomainError) as err:
        case_contact.change_phone(app, number, "0911111111")
    assert (err.value.code, err.value.field) == ("phone.changed_later", "phone")
    assert "0922222222" in err.value.message_zh and "0922222222" in err.value.message_en
    assert _types(app, number) == before
    assert cases.load_case(app, number).phone == "0922222222"
