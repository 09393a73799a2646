"""A land office's pickup: the desk and the slip list what is handed over, counted in the unit
the fee counts. A boundary survey of two parcels listed its two fees as the documents handed
over, 鑑界複丈基本費（200至未滿1,000平方公尺） 2 份 and 鑑界施測費（每5點） 2 份, where the
citizen takes away the survey of 2 parcels (筆); a transcript's sheets (張) read 份 too."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from eservice_desktop.config import Settings
from eservice_desktop.domain import events as ev
from eservice_desktop.printing.pickup_slip import render_pickup_slip
from eservice_desktop.services import cases, payments, pickup, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.services.intake import IntakeRequest, intake

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County

SURVEY = {"parcel": "大園區溪海段溪海小段 0123-0001、0124-0000", "points": "10"}
TRANSCRIPT = {"register_kind": "土地", "parcel": "中正段 0123-0000", "register_era": "人工登記簿"}


def _ready(app: App, county: County, service: str, fields: dict[str, str]) -> tuple[str, str]:
    view = intake(
        app,
        IntakeRequest(
            service_code=service,
            applicant_id="A123456789",
            applicant_name="王小明",
            copies=2,
            fields=fields,
        ),
    )
    payments.record_payment(app, view.case_number, "cash", view.balance)
    cases.close_case(app, view.case_number)
    token = county.token(
        case_id=view.case_id, case_number=view.case_number, office="L05", pickup_number="0427"
    )
    with app.transaction() as s:
        cases.record(
            app,
            s,
            view.case_id,
            ev.READY_FOR_PICKUP,
            {"office": "L05", "pickup_number": "0427", "token": token},
        )
    return view.case_number, token


@pytest.fixture
def land(make_app: Callable[..., App], settings: Settings) -> tuple[App, County]:
    settings.office_code = "L05"
    app = make_app(settings)
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    return app, county


def _slip_text(app: App, number: str, tmp_path: Path) -> str:
    out = tmp_path / "slip.pdf"
    out.write_bytes(render_pickup_slip(**pickup.slip_fields(pickup.pickup_record(app, number))))
    return subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_survey_hands_over_the_survey_of_its_parcels(
    land: tuple[App, County], tmp_path: Path
) -> None:
    app, county = land
    number, token = _ready(app, county, "LR-BOUNDARY-SURVEY", SURVEY)
    seen = pickup.verify(app, token)
    assert seen.case is not None
    assert seen.case.documents == [{"name": "土地鑑界", "copies": 2, "unit": "筆"}]
    assert pickup.handover(app, token).handed_over
    text = _slip_text(app, number, tmp_path)
    assert re.search(r"□ 土地鑑界\s+2 筆", text)
    assert "施測費" not in text and "份" not in text


def test_a_transcript_hands_over_its_sheets(land: tuple[App, County], tmp_path: Path) -> None:
    app, county = land
    number, token = _ready(app, county, "LR-LAND-TRANSCRIPT", TRANSCRIPT)
    assert pickup.handover(app, token).handed_over
    assert re.search(r"□ 人工登記簿謄本\s+2 張", _slip_text(app, number, tmp_path))
