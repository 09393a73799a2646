"""The savings unit figures in the catalogue give back appendices 4, 6 and 10 exactly."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from eservice_desktop.domain import supervisor as sv
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services.core import load_catalogue


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_unit_figures_of_the_seed_rows(catalogue: Catalogue) -> None:
    cram = catalogue.service("ED-CRAM-SCHOOL-REGISTER").savings
    assert cram is not None and (cram.ntd, cram.minutes, cram.sheets) == (60, 60, 3)
    assert [d.document for d in cram.documents] == [
        "個人戶籍謄本",
        "土地登記簿謄本",
        "建物登記簿謄本",
    ]
    control = catalogue.service("EP-CONTROL-NUMBER").savings
    assert control is not None and (control.ntd, control.minutes, control.sheets) == (2, 10, 1)
    assert "appendix 4" in control.source and control.seed_cases == 121
    parking = catalogue.service("SA-DISABLED-PARKING").savings
    assert parking is not None and (parking.ntd, parking.minutes, parking.sheets) == (20, 10, 1)
    # the 19 services with look-ups have figures; no other service has any
    with_lookups = {s.code for s in catalogue.services if s.document_free_lookups}
    assert {s.code for s in catalogue.services if s.savings} == with_lookups
    assert len(with_lookups) == 19


def test_the_appendices_totals_from_their_case_counts(catalogue: Catalogue) -> None:
    """Appendix 4: 33,501 cases, 663,592 NTD; 6: 1,780,710 minutes = 29,679 hours = 1,237
    days; 10: 34,337 sheets (the 18 rows with a seed case count)."""
    counts = {s.code: s.savings.seed_cases for s in catalogue.services if s.savings}
    counts = {k: v for k, v in counts.items() if v is not None}
    assert len(counts) == 18
    r = sv.build_savings(
        catalogue, counts, period_from=date(2007, 8, 1), period_to=date(2009, 12, 31), office="*"
    )
    assert dict(r.totals) == {
        "cases": 33_501, "ntd": 663_592, "minutes": 1_780_710, "hours": 29_679, "days": 1_237,
        "sheets": 34_337,
    }  # fmt: skip
    zoning = [row for row in r.table(sv.T_SAVINGS).rows if row[1] == "UR-ZONING-CERT"]
    assert [row[4:] for row in zoning] == [(22_875, 20, 457_500, 60, 1_372_500, 1, 22_875)]


def test_a_savings_kind_outside_the_lookups_is_refused() -> None:
    from eservice_desktop.storage.resources import read_json

    data = copy.deepcopy(read_json("catalogue/services.json"))
    i, svc = next(
        (i, s) for i, s in enumerate(data["services"]) if s["code"] == "EP-CONTROL-NUMBER"
    )
    svc["savings"]["documents"][0]["kind"] = "land_transcript"
    with pytest.raises(DomainError) as info:
        Catalogue.from_dict(data, read_json("catalogue/offices.json"))
    assert info.value.code == "catalogue.unknown_lookup_kind"
    assert info.value.field == f"services[{i}].savings.documents[0].kind"
