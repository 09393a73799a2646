"""County department desks (offices D01-D12): each takes in exactly its department's services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from factories import request
from sqlalchemy import func, select

from eservice_desktop.config import Settings
from eservice_desktop.domain.case_number import parse_case_number
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeErrors, intake
from eservice_desktop.storage.models import CaseRow

#: SA-EMERGENCY-AID (社會處) filled validly, collected by mail.
AID = {
    "service_code": "SA-EMERGENCY-AID",
    "fields": {"child_count": "2", "hardship": "重大傷病"},
    "pickup_method": "mail",
}
#: HB-DIABETES-CPD (衛生局), another department's service.
CPD = {
    "service_code": "HB-DIABETES-CPD",
    "fields": {"person_name": "王小明", "hours": "3"},
    "pickup_method": "mail",
}


def _desk(make_app: Callable[..., App], settings: Settings, code: str) -> App:
    settings.office_code = code
    return make_app(settings)


def test_social_affairs_desk_takes_in_its_own_service_with_its_code(
    make_app: Callable[..., App], settings: Settings
) -> None:
    d01 = _desk(make_app, settings, "D01")
    assert d01.office.kind == "county_department"
    assert d01.office.department == "social_affairs"
    assert [s.department for s in d01.services] == ["social_affairs"] * 5
    view = intake(d01, request(**AID))
    assert parse_case_number(view.case_number).office == "D01"
    assert cases.show_case(d01, view.case_number).service_code == "SA-EMERGENCY-AID"


@pytest.mark.parametrize("kw", [CPD, {}], ids=["other-department", "household-service"])
def test_department_desk_refuses_other_services(
    make_app: Callable[..., App], settings: Settings, kw: dict[str, object]
) -> None:
    d01 = _desk(make_app, settings, "D01")
    with pytest.raises(IntakeErrors) as err:
        intake(d01, request(**kw))
    e = err.value.errors["service"]
    assert e.code == "service.not_at_office"
    assert "桃園市政府社會局" in e.message_zh
    assert "Department of Social Welfare" in e.message_en
    with d01.reading() as s:
        assert s.scalar(select(func.count()).select_from(CaseRow)) == 0


def test_household_office_refuses_a_department_service_naming_the_desk(
    make_app: Callable[..., App], settings: Settings
) -> None:
    h01 = _desk(make_app, settings, "H01")
    with pytest.raises(IntakeErrors) as err:
        intake(h01, request(**AID))
    e = err.value.errors["service"]
    assert e.code == "service.not_at_office"
    assert "桃園市政府社會局" in e.message_zh
    # household and land offices keep their services: the GUI list is unchanged
    assert [s.office_kind for s in h01.services] == ["household"] * 6
    intake(h01, request())
