"""Intake through the service layer: stored offline with its legal deadline, or nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from factories import FIELDS, request
from sqlalchemy import func, select

from eservice_desktop.config import Settings
from eservice_desktop.domain.case_number import parse_case_number
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeErrors, IntakeRequest, intake
from eservice_desktop.storage.models import CaseRow, EventRow

TPE = ZoneInfo("Asia/Taipei")


def count(app: App, table: type) -> int:
    with app.reading() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def land(make_app: Callable[[Settings], App], tmp_path: Path) -> App:
    """A land office: land services are taken in there (a household office's roles refuse)."""
    return make_app(Settings(data_dir=tmp_path / "land", office_code="L01", device_id="01"))


def test_intake_stores_case_with_due_date(land: App) -> None:
    app = land
    # Friday 2026-03-06 10:00: a 3-working-day land service is due Tuesday 03-10.
    view = intake(
        app,
        IntakeRequest(
            service_code="LR-CORRECTION",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields={"parcel": "桃園段 0012-0000", "correction": "地號誤繕"},
            received_at=datetime(2026, 3, 6, 10, 0, tzinfo=TPE),
        ),
    )
    assert view.due == "2026-03-10"
    assert parse_case_number(view.case_number).office == "L01"
    assert count(app, CaseRow) == 1 and count(app, EventRow) == 1
    assert cases.show_case(app, view.case_number).applicant_name == "王小明"


def test_after_hours_receipt_starts_next_working_day(land: App) -> None:
    app = land
    view = intake(
        app,
        IntakeRequest(
            service_code="LR-CORRECTION",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields={"parcel": "桃園段 0012-0000", "correction": "地號誤繕"},
            received_at=datetime(2026, 3, 6, 18, 30, tzinfo=TPE),
        ),
    )
    assert view.due == "2026-03-11"


def test_bad_input_lists_every_field_and_stores_nothing(app: App) -> None:
    with pytest.raises(IntakeErrors) as info:
        intake(
            app, request(applicant_id="A123456788", applicant_name=" ", phone="12345", fields={})
        )
    errors = info.value.errors
    assert set(errors) >= {"applicant_id", "applicant_name", "phone", "registered_address"}
    assert errors["applicant_id"].code == "id.checksum"
    assert "檢查碼" in errors["applicant_id"].message_zh
    assert count(app, CaseRow) == 0 and count(app, EventRow) == 0


def test_unknown_service_is_a_field_error(app: App) -> None:
    with pytest.raises(IntakeErrors) as info:
        intake(app, request(service_code="NOPE"))
    assert info.value.errors["service"].code == "catalogue.unknown_service"


def test_business_applicant_refused_for_household_services(app: App) -> None:
    with pytest.raises(IntakeErrors) as info:
        intake(app, request(applicant_id="04595257"))
    assert info.value.errors["applicant_id"].code == "applicant.business_not_allowed"


def test_case_numbers_are_sequential_per_device_and_distinct_across_devices(
    app: App,
    make_app,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    first = intake(app, request()).case_number
    second = intake(app, request()).case_number
    assert parse_case_number(second).sequence == parse_case_number(first).sequence + 1
    other = make_app(
        type(settings)(data_dir=settings.data_dir.parent / "d2", office_code="H01", device_id="02")
    )
    third = intake(other, request()).case_number
    assert parse_case_number(third).device == "02" and third not in (first, second)


def test_queue_buckets_and_search(app: App) -> None:
    view = intake(app, request())
    today = {r.case_number for r in cases.queue(app, "today")}
    assert view.case_number in today
    assert cases.queue_counts(app)["today"] == 1
    for text in (view.case_number[:6], "A1234", "王小", view.case_number.replace("-", "")[:8]):
        assert [r.case_number for r in cases.search(app, text)] == [view.case_number], text
    assert cases.search(app, "李") == []


def test_supplement_pauses_and_closing_finishes(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    view = intake(app, request())
    number = view.case_number
    assert view.status == "payment_due" and view.balance == 15  # assessed at intake
    payments.record_payment(app, number, "cash", 15)
    v = cases.request_supplement(app, number, "請補附戶口名簿影本")
    assert v.status == "supplement_requested" and v.due is None
    assert [r.case_number for r in cases.queue(app, "supplement")] == [number]
    v = cases.record_supplement(app, number)
    assert v.status == "received" and v.due is not None
    v = cases.close_case(app, number)
    assert v.status == "closed"
    assert len(cases.show_case(app, number).events) == 6


def test_overdue_and_due_soon_queues(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now
    clock.set(datetime(2026, 3, 2, 9, 5, tzinfo=TPE))
    old = intake(app, request(received_at=datetime(2026, 3, 2, 9, 0, tzinfo=TPE)))
    payments.record_payment(app, old.case_number, "cash", 15)  # paid at the counter then
    clock.set(now)
    fresh = intake(app, request())
    unpaid = intake(app, request())  # waiting for payment: no deadline runs
    payments.record_payment(app, fresh.case_number, "cash", 15)
    overdue = [r.case_number for r in cases.queue(app, "overdue")]
    soon = [r.case_number for r in cases.queue(app, "due_soon")]
    assert overdue == [old.case_number]
    assert fresh.case_number in soon and old.case_number not in soon
    assert unpaid.case_number not in soon + overdue


def test_ticked_documents_are_recorded_on_the_case(app: App) -> None:
    required = list(app.catalogue.service("HR-TRANSCRIPT").required_documents)
    assert len(required) == 4
    view = intake(app, request(documents=[required[2], required[0]]))
    shown = cases.show_case(app, view.case_number)
    assert shown.documents_required == required
    assert shown.documents_presented == [required[0], required[2]]  # catalogue order
    received = shown.events[0]["payload"]["documents"]
    assert received == {"required": required, "presented": [required[0], required[2]]}


def test_a_document_the_service_does_not_list_is_refused(app: App) -> None:
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(documents=["戶口名簿正本"]))
    assert set(e.value.errors) == {"documents"}
    assert "戶口名簿正本" in e.value.errors["documents"].message_zh
    assert count(app, CaseRow) == 0


def test_a_document_name_with_a_terminal_s_escape_is_echoed_printable(app: App) -> None:
    """The field's and look-up's names were echoed through ``values.printable``, the
    document's as typed: an escape in a scripted ``--document`` cleared the clerk's terminal."""
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(documents=["\x1b[2J戶口名簿"]))
    said = e.value.errors["documents"]
    assert "\x1b" not in said.message_zh and "\x1b" not in said.message_en
    assert "U+001B" in said.message_zh and "戶口名簿" in said.message_zh
    assert count(app, CaseRow) == 0


def test_a_name_the_service_does_not_take_is_refused_naming_what_it_takes(app: App) -> None:
    """``case intake --document 身分證`` read 不是此申辦項目的應備文件：身分證 alone: the names the
    command line must spell out were shown nowhere before the case existed (``catalog list``
    lists no documents). Each refusal of a name the service's lists do not hold (a field, a
    document, a look-up's consent, a pickup option) names the list."""
    service = app.catalogue.service("HR-TRANSCRIPT")
    with pytest.raises(IntakeErrors) as e:
        intake(
            app,
            request(
                fields={**FIELDS, "colour": "red"},
                documents=["身分證"],
                consent=["land_transcript"],
                pickup_method="mail",
            ),
        )
    errors = e.value.errors
    assert set(errors) == {"fields", "documents", "consent", "pickup_method"}
    documents = errors["documents"]
    required = service.required_documents
    assert documents.message_zh.endswith("此項目的應備文件：" + "、".join(required))
    assert documents.message_en.endswith(
        "its required documents: " + ", ".join(service.required_documents)
    )
    assert errors["fields"].message_zh.endswith(
        "此項目的欄位：" + "、".join(f.key for f in service.fields)
    )
    assert errors["consent"].message_en.endswith("it looks up: (none)")
    assert errors["pickup_method"].message_en.endswith(
        "its pickup options: " + ", ".join(service.pickup_options)
    )
    assert count(app, CaseRow) == 0


def test_a_missing_required_choice_asks_to_choose(app: App) -> None:
    fields = {k: v for k, v in FIELDS.items() if k != "transcript_kind"}
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(fields=fields))
    err = e.value.errors["transcript_kind"]
    assert (err.message_zh, err.message_en) == ("請選擇謄本種類", "Transcript kind: choose one")
    assert count(app, CaseRow) == 0


def test_pickup_at_another_office_needs_the_office(app: App) -> None:
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(pickup_method="other_office"))
    assert e.value.errors["pickup_office"].message_zh == "請選擇領件機關"
    with pytest.raises(IntakeErrors) as e:
        intake(app, request(pickup_method=""))
    assert e.value.errors["pickup_method"].message_zh == "請選擇領件方式"
    view = intake(app, request(pickup_method="other_office", pickup_office="H02"))
    assert view.pickup_office == "H02"


def test_documents_are_collected_at_a_household_or_land_office(app: App) -> None:
    """`case intake --pickup-office D01` (社會局's desk) was taken, and the ready notice sent the
    citizen there for a household transcript; the web door refused it already."""
    for office, code in (("D01", "office.not_for_pickup"), ("X99", "office.unknown")):
        with pytest.raises(IntakeErrors) as e:
            intake(app, request(pickup_method="other_office", pickup_office=office))
        assert e.value.errors["pickup_office"].code == code
    assert intake(app, request(pickup_method="other_office", pickup_office="L01")).pickup_office
