"""What a web or kiosk application must satisfy besides the counter's rules (docs/channels.md):
a reservation within the next 60 days, inside the office's hours, on a day the office works by
the working calendar; documents collected elsewhere at a household or land office."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eservice_desktop.county import notify
from eservice_desktop.county.channel_checks import Refused, validate
from eservice_desktop.county.channels import Application
from eservice_desktop.domain.calendar import WorkingCalendar

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
#: 2027-01-01 is a Friday and 元旦 (a day off); 2027-01-02 a Saturday worked (a make-up day).
CALENDAR = WorkingCalendar({date(2027, 1, 1): True, date(2027, 1, 2): False}, years=[2027])


def _apply(at: str) -> Application:
    return Application(
        service_code="HR-HOUSEHOLD-BOOK",
        applicant_id="A123456789",
        applicant_name="王小明",
        fields={"registered_address": "桃園市桃園區中正路1號", "reason": "補發"},
        reservation_at=datetime.fromisoformat(at),
    )


def test_a_reservation_on_a_weekday_holiday_is_refused_with_its_date() -> None:
    with pytest.raises(Refused) as refused:
        validate(
            notify._shipped_catalogue(), "web", _apply("2027-01-01T10:00:00+08:00"), NOW, CALENDAR
        )
    error = refused.value.errors["reservation_at"]
    assert error.code == "reservation.closed"
    assert "民國116年1月1日" in error.message_zh and "2027-01-01" in error.message_en


def test_working_days_by_the_calendar_are_taken() -> None:
    catalogue = notify._shipped_catalogue()
    for at in ("2027-01-04T10:00:00+08:00", "2027-01-02T10:00:00+08:00"):
        assert validate(catalogue, "web", _apply(at), NOW, CALENDAR)[2] == "H01"
    with pytest.raises(Refused):  # an ordinary Saturday stays closed
        validate(catalogue, "web", _apply("2027-01-09T10:00:00+08:00"), NOW, CALENDAR)


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_reservation_no_taipei_time_can_hold_is_out_of_range(at: str) -> None:
    """Year 1 at +14:00 has no Taipei time (its UTC is in year 0): answered 500, not 422."""
    with pytest.raises(Refused) as refused:
        validate(notify._shipped_catalogue(), "web", _apply(at), NOW, CALENDAR)
    assert refused.value.errors["reservation_at"].code == "reservation.range"


@pytest.mark.parametrize(("pickup_office", "refused"), [("D01", True), ("L03", False)])
def test_documents_are_collected_elsewhere_only_at_a_household_or_land_office(
    pickup_office: str, refused: bool
) -> None:
    """他地領件 is at a household or land office: a county department's desk was taken."""
    app = _apply("2026-12-07T10:00:00+08:00")
    app.pickup_method, app.pickup_office = "other_office", pickup_office
    if not refused:
        assert validate(notify._shipped_catalogue(), "web", app, NOW, CALENDAR)[2] == "H01"
        return
    with pytest.raises(Refused) as e:
        validate(notify._shipped_catalogue(), "web", app, NOW, CALENDAR)
    assert e.value.errors["pickup_office"].code == "office.not_for_pickup"
