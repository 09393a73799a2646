"""A county department's desk syncs with the same county server as the district offices."""

from __future__ import annotations

from collections.abc import Callable

from sync_helpers import CountyServer, enrol, local_event_ids, pending, sync_now

from eservice_desktop.domain.case_number import parse_case_number
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake


def test_department_desk_case_reaches_the_county_and_its_second_device(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d01, d01b = office("D01", "01", county.url), office("D01", "02", county.url)
    enrol(d01, county)
    enrol(d01b, county)
    view = intake(
        d01,
        IntakeRequest(
            service_code="SA-EMERGENCY-AID",
            applicant_id="A123456789",
            applicant_name="王小明",
            fields={"child_count": "2", "hardship": "重大傷病"},
            pickup_method="mail",
        ),
    )
    assert parse_case_number(view.case_number).office == "D01"
    r1 = sync_now(d01)
    assert r1.pushed >= 1 and r1.conflicts == 0 and pending(d01) == 0
    assert set(local_event_ids(d01)) <= set(county.event_ids())
    sync_now(d01b)
    pulled = cases.show_case(d01b, view.case_number)
    assert pulled.service_code == "SA-EMERGENCY-AID"
