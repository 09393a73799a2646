"""A service field's value of the wrong kind is refused where the counter's form would never
send it: a date field takes an ISO date and a whole-number field digits only. Typed on the
command line (``--field meeting_date=hello``) or sent by a channel, such a value was stored
as typed, a date no notice, report or print could read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from factories import request

from eservice_desktop.config import Settings
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeErrors, intake
from eservice_desktop.services.shipped import load_catalogue

MEETING = {"service_code": "LB-LABOR-MEETING", "pickup_method": "mail"}


def _desk_of(make_app: Callable[..., App], settings: Settings, service: str) -> App:
    catalogue = load_catalogue()
    department = catalogue.service(service).department
    settings.office_code = next(
        o.code for o in catalogue.offices if getattr(o, "department", None) == department
    )
    return make_app(settings)


MEETING_FIELDS = {"business_name": "大明工業股份有限公司", "ubn": "04595257"}


@pytest.mark.parametrize(
    "value",
    ["hello", "115/03/10", "2026-02-30", "20260310", "2026-W11-2"],
    ids=["word", "roc", "no-day", "bare", "iso-week"],
)
def test_a_date_field_takes_a_date(
    make_app: Callable[..., App], settings: Settings, value: str
) -> None:
    desk = _desk_of(make_app, settings, "LB-LABOR-MEETING")
    with pytest.raises(IntakeErrors) as err:
        intake(desk, request(**MEETING, fields={**MEETING_FIELDS, "meeting_date": value}))
    e = err.value.errors["meeting_date"]
    assert e.code == "field.date"
    assert e.message_zh == "會議日期應為日期（西元年-月-日，例如 2026-03-10）"
    assert e.message_en.endswith("must be a date (YYYY-MM-DD, e.g. 2026-03-10)")
    good = {**MEETING_FIELDS, "meeting_date": "2026-03-10"}
    assert intake(desk, request(**MEETING, fields=good)).case_number  # the right kind is taken


@pytest.mark.parametrize("value", ["two", "-1", "1.5", "２"])
def test_a_whole_number_field_takes_digits(
    make_app: Callable[..., App], settings: Settings, value: str
) -> None:
    desk = _desk_of(make_app, settings, "SA-EMERGENCY-AID")
    aid = {"service_code": "SA-EMERGENCY-AID", "pickup_method": "mail"}
    with pytest.raises(IntakeErrors) as err:
        intake(desk, request(**aid, fields={"child_count": value, "hardship": "重大傷病"}))
    e = err.value.errors["child_count"]
    assert e.code == "field.int" and e.message_zh == "兒童及少年人數應為整數"
    assert intake(desk, request(**aid, fields={"child_count": "2", "hardship": "重大傷病"}))


@pytest.mark.parametrize("value", ["2126-03-10", "1900-01-01", "0001-01-01"])
def test_a_date_field_takes_a_date_the_roc_calendar_writes_before_2100(
    make_app: Callable[..., App], settings: Settings, value: str
) -> None:
    """215/03/10 typed for 115/03/10 was stored as 2126-03-10; a date before ROC year 1 was
    stored and then could not be written as an ROC date at all."""
    desk = _desk_of(make_app, settings, "LB-LABOR-MEETING")
    with pytest.raises(IntakeErrors) as err:
        intake(desk, request(**MEETING, fields={**MEETING_FIELDS, "meeting_date": value}))
    e = err.value.errors["meeting_date"]
    assert e.code == "field.date_range"
    assert e.message_zh == "會議日期超出合理範圍：須在民國 1 到 188 年之間（西元 1912–2099 年）"
    assert e.message_en == "Meeting date is out of range: it must fall within 1912..2099"
    for edge in ("1912-01-01", "2099-12-31"):
        fields = {**MEETING_FIELDS, "meeting_date": edge}
        assert intake(desk, request(**MEETING, fields=fields)).case_number


TRANSCRIPT = {"service_code": "LR-LAND-TRANSCRIPT", "pickup_method": "counter"}
TRANSCRIPT_FIELDS = {"register_kind": "土地", "register_era": "人工登記簿"}


@pytest.mark.parametrize(
    "value",
    ["hello", "0123-0000", "中正段", "中正段 12345", "中正段 ０１２３", "中正段 12-", "段 12"],
    ids=["word", "no-section", "no-lot", "five-digits", "full-width", "half-lot", "no-name"],
)
def test_a_land_parcel_field_takes_a_section_and_its_lot_number(
    make_app: Callable[..., App], settings: Settings, value: str
) -> None:
    """``--field parcel=hello`` (or a lot number with no section) was stored on a land
    office's case and sent to the county: no register clerk could find the land."""
    settings.office_code = "L05"
    desk = make_app(settings)
    with pytest.raises(IntakeErrors) as err:
        intake(desk, request(**TRANSCRIPT, fields={**TRANSCRIPT_FIELDS, "parcel": value}))
    e = err.value.errors["parcel"]
    assert e.code == "field.land_parcel"
    assert e.message_zh == "地段地號應為地段及地號（例如 中正段 0123-0000；數筆以、分隔）"
    assert e.message_en.startswith("Land parcel (section / lot number) must be a section")


@pytest.mark.parametrize(
    "value",
    [
        "中正段 0123-0000",
        "大園區溪海段溪海小段 12-3",
        "中正段0123",
        "中正段 12、13-1",
        "中正段 7地號",
    ],
)
def test_a_land_parcel_as_land_offices_write_it_is_taken(
    make_app: Callable[..., App], settings: Settings, value: str
) -> None:
    settings.office_code = "L05"
    desk = make_app(settings)
    fields = {**TRANSCRIPT_FIELDS, "parcel": value}
    assert intake(desk, request(**TRANSCRIPT, fields=fields)).fields["parcel"] == value
