"""Document-free look-ups in the domain: ``case.lookup_done`` needs the consent to its kind,
its values are checked, it folds into the case, and the savings builder counts a case that
recorded look-ups per document looked up (docs/lookups.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_case import ACTOR, CASE, T0, received, step

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import supervisor as sv
from eservice_desktop.domain.case import check, project
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.services.core import load_catalogue

SHA = "ab" * 32
RESULT = "0d5e7f20-0000-4000-8000-000000000001"


def _lookup(kind: str, minutes: int = 5) -> ev.Event:
    return ACTOR.event(
        CASE,
        ev.LOOKUP_DONE,
        T0 + timedelta(minutes=minutes),
        {"kind": kind, "result_id": RESULT, "sha256": SHA},
    )


def test_lookup_needs_consent_to_its_kind_and_folds() -> None:
    s = project([received()])
    with pytest.raises(DomainError) as e:
        check(s, _lookup("household_transcript"))
    assert e.value.code == "lookup.no_consent"
    s = step(s, ev.CONSENT_RECORDED, 1, kinds=["household_transcript"])
    check(s, _lookup("household_transcript"))
    s = step(s, ev.LOOKUP_DONE, 2, kind="household_transcript", result_id=RESULT, sha256=SHA)
    assert s.lookup_kinds == {"household_transcript"}
    closed = step(s, ev.CLOSED, 3)
    with pytest.raises(DomainError) as e:
        check(closed, _lookup("household_transcript"))
    assert e.value.code == "case.not_open"


@pytest.mark.parametrize(
    "payload",
    [
        {"result_id": RESULT, "sha256": SHA},
        {"kind": "household_transcript", "result_id": "bad id!", "sha256": SHA},
        {"kind": "household_transcript", "result_id": RESULT, "sha256": "short"},
    ],
)
def test_lookup_values_are_checked(payload: dict[str, object]) -> None:
    with pytest.raises(DomainError):
        check_event(ACTOR.event(CASE, ev.LOOKUP_DONE, T0, payload))


def test_lookup_payload_round_trips() -> None:
    from eservice_desktop.domain import payloads as pl

    payload = {"kind": "land_transcript", "result_id": RESULT, "sha256": SHA}
    typed = pl.PAYLOADS[ev.LOOKUP_DONE].from_payload(payload)
    assert typed.to_payload() == payload and typed.kind == "land_transcript"  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_savings_count_the_documents_looked_up(catalogue: Catalogue) -> None:
    period = {"period_from": date(2026, 3, 1), "period_to": date(2026, 3, 31), "office": "D03"}
    code = "ED-CRAM-SCHOOL-REGISTER"  # three documents, 20 NTD / 20 min / 1 sheet each
    # five closed cases with consent: two recorded look-ups (one of two kinds, one of one)
    lookups = sv.LookupCounts(
        cases={code: 2},
        by_kind={(code, "household_transcript"): 2, (code, "land_transcript"): 1},
    )
    report = sv.build_savings(catalogue, {code: 5}, lookups=lookups, **period)
    rows = {r[3]: r[4] for r in report.table(sv.T_SAVINGS).rows}
    assert rows == {"個人戶籍謄本": 5, "土地登記簿謄本": 4, "建物登記簿謄本": 3}
    assert report.totals["cases"] == 5
    assert (report.totals["ntd"], report.totals["minutes"], report.totals["sheets"]) == (
        240,
        240,
        12,
    )
    # without look-ups recorded: the service's full figures, as before
    plain = sv.build_savings(catalogue, {code: 5}, **period)
    assert (plain.totals["ntd"], plain.totals["sheets"]) == (300, 15)
