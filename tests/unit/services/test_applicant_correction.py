"""Correcting the applicant after intake (``services.applicant_correction``,
``case.applicant_corrected``): each value checked as intake checks it and refused before
anything is stored, the corrected values shown everywhere the case is (case view, queue, search
index, receipts issued after it), refused once the case is finished, emptied by retention like
the intake's values, and a printed receipt reprinted as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import new_case
from pickup_support import ready_with_county_keys

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Actor
from eservice_desktop.services import applicant_correction as ac
from eservice_desktop.services import case_queues, cases, payments, pickup, retention
from eservice_desktop.services.core import App
from eservice_desktop.services.ingest import ingest
from eservice_desktop.services.intake import IntakeErrors
from eservice_desktop.storage import repo
from eservice_desktop.storage.models import CaseRow


def _types(app: App, number: str) -> list[str]:
    return [e["type"] for e in cases.show_case(app, number).events]


def test_a_misspelt_name_is_corrected_everywhere_the_case_is_shown(app: App) -> None:
    number = new_case(app, name="林峰")
    view = ac.correct_applicant(app, number, "姓名誤植，依身分證更正", name="林峯")
    assert view.applicant_name == "林峯"
    last = cases.show_case(app, number).events[-1]
    assert last["type"] == ev.APPLICANT_CORRECTED
    assert last["payload"] == {"name": "林峯", "reason": "姓名誤植，依身分證更正"}
    with app.reading() as s:
        assert s.get(CaseRow, view.case_id).applicant_name == "林峯"  # the queue's row
    assert [r.case_number for r in case_queues.search(app, "林峯")] == [number]
    assert case_queues.search(app, "林峰") == []  # the search index follows


def test_an_address_is_corrected_and_only_what_changed_is_carried(app: App) -> None:
    number = new_case(app)
    fields = {f.key: f for f in ac.address_fields(app, number)}
    assert list(fields) == ["registered_address"]
    assert fields["registered_address"].value == "桃園市桃園區中正路1號"
    ac.correct_applicant(
        app,
        number,
        "地址打錯門牌號",
        name="王小明",  # the name the case holds: not carried
        addresses={"registered_address": " 桃園市桃園區中正路11號 "},
    )
    state = cases.load_case(app, number)
    assert state.fields["registered_address"] == "桃園市桃園區中正路11號"
    assert state.fields["transcript_kind"] == "現戶"  # the rest of the form as it was
    payload = cases.show_case(app, number).events[-1]["payload"]
    assert payload == {
        "fields": {"registered_address": "桃園市桃園區中正路11號"},
        "reason": "地址打錯門牌號",
    }


def test_the_email_is_read_as_at_intake_and_may_be_emptied(app: App) -> None:
    number = new_case(app, email="wang@example.com")
    with pytest.raises(IntakeErrors) as bad:
        ac.correct_applicant(app, number, "電子郵件打錯", email="wang@@example")
    assert bad.value.errors["email"].code == "email.format"
    form = ac.applicant_form(app, number)
    assert (form.name, form.email) == ("王小明", "wang@example.com")
    ac.correct_applicant(app, number, "電子郵件打錯", email=" ｗａｎｇ＠example.org ")
    assert cases.load_case(app, number).email == "wang@example.org"  # NFKC, as intake folds it
    payload = cases.show_case(app, number).events[-1]["payload"]
    assert payload == {"email": "wang@example.org", "reason": "電子郵件打錯"}
    ac.correct_applicant(app, number, "民眾不留電子郵件", email="")
    assert cases.load_case(app, number).email == ""


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("王\u200b小明", "value.character"),  # a zero-width space pasted along
        ("王小明😀", "value.symbol"),
        ("H01-01-115-000001-3", "value.not_a_name"),  # the previous citizen's slip scanned
        ("   ", "field.required"),
    ],
)
def test_a_name_intake_refuses_is_refused_and_nothing_stored(
    app: App, name: str, code: str
) -> None:
    number = new_case(app)
    before = _types(app, number)
    with pytest.raises(IntakeErrors) as err:
        ac.correct_applicant(app, number, "更正姓名", name=name)
    assert "applicant_name" in err.value.errors
    assert err.value.errors["applicant_name"].code == code
    assert _types(app, number) == before


def test_bad_fields_a_missing_reason_and_nothing_to_correct_are_refused(app: App) -> None:
    number = new_case(app)
    before = _types(app, number)
    with pytest.raises(IntakeErrors) as err:
        ac.correct_applicant(
            app,
            number,
            "更正",
            addresses={"transcript_kind": "全戶", "registered_address": "路" * 121},
        )
    assert err.value.errors["transcript_kind"].code == "correction.not_address"
    assert err.value.errors["registered_address"].code == "field.too_long"
    with pytest.raises(IntakeErrors) as blank:
        ac.correct_applicant(app, number, "更正", addresses={"registered_address": ""})
    assert blank.value.errors["registered_address"].code == "field.required"
    with pytest.raises(DomainError) as no_reason:
        ac.correct_applicant(app, number, "  ", name="王大明")
    assert (no_reason.value.code, no_reason.value.field) == ("field.required", "reason")
    with pytest.raises(DomainError) as same:
        ac.correct_applicant(app, number, "更正", name=" 王小明 ")
    assert same.value.code == "correction.unchanged"
    with pytest.raises(DomainError) as empty:
        ac.correct_applicant(app, number, "更正")
    assert empty.value.code == "correction.empty"
    assert _types(app, number) == before


def test_a_ready_case_takes_it_and_a_finished_one_refuses_it(app: App) -> None:
    number, token = ready_with_county_keys(app)
    assert ac.correct_applicant(app, number, "更正", name="王曉明").status == "ready_for_pickup"
    assert pickup.handover(app, token).handed_over
    with pytest.raises(DomainError) as err:
        ac.correct_applicant(app, number, "更正", name="王大明")
    assert err.value.code == "case.not_open"
    cancelled = new_case(app)
    cases.cancel_case(app, cancelled, "民眾撤回申請")
    with pytest.raises(DomainError) as ended:
        ac.correct_applicant(app, cancelled, "更正", name="王大明")
    assert ended.value.code == "case.not_open"
    assert cases.load_case(app, number).applicant_name == "王曉明"


def test_a_printed_receipt_is_reprinted_as_printed_and_a_later_one_names_the_correction(
    app: App,
) -> None:
    number = new_case(app, name="林峰")
    first = payments.record_payment(app, number, "cash", 15)
    ac.correct_applicant(app, number, "姓名誤植", name="林峯")
    again = payments.receipt_data(app, first.receipt_number, reprint_reason="民眾遺失")
    assert again.payer_name == "林峰"  # a legal document: never rewritten
    later = new_case(app, name="林峰")
    ac.correct_applicant(app, later, "姓名誤植", name="林峯")
    receipt = payments.record_payment(app, later, "cash", 15)
    assert payments.receipt_data(app, receipt.receipt_number).payer_name == "林峯"


def test_retention_scrubs_the_corrected_name_and_address(app: App) -> None:
    number = new_case(app, name="林峰")
    ac.correct_applicant(
        app, number, "更正", name="林峯", addresses={"registered_address": "台北市信義路5號"}
    )
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        scrubbed = [retention._scrub(e.payload) for e in repo.events_for(s, case_id)]
    assert "林峯" not in str(scrubbed) and "信義路" not in str(scrubbed)


def test_a_correction_older_than_one_pulled_is_refused(app: App) -> None:
    number = new_case(app)
    later = app.now() + timedelta(hours=1)  # the other counter's clock an hour ahead
    with app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        state = repo.load_state(s, case_id)
        e = Actor(app.settings.office_code, "02", "clerk2").event(
            case_id, ev.APPLICANT_CORRECTED, later, {"name": "王曉明", "reason": "更正"}
        )
        ingest(app, s, e, state, origin="county")
    before = _types(app, number)
    with pytest.raises(DomainError) as err:
        ac.correct_applicant(app, number, "更正", name="王大明")
    assert err.value.code == "correction.corrected_later"
    assert _types(app, number) == before
    assert cases.load_case(app, number).applicant_name == "王曉明"
