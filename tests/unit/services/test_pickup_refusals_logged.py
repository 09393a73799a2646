"""Who presented a code the desk refused is in the access log (docs/pickup.md): a code
replayed with ``pickup handover`` (the command line's desk hands over without a verify first)
showed the collected case, its applicant's name and documents, and left no record; a forged or
altered code, one signed with a key that is not the county's and a guessed short code left
none at all, so a run of them at a desk was nowhere an auditor could look."""

from __future__ import annotations

import sys
from pathlib import Path

from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.services import access, cases, pickup
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case


def _altered(token: str) -> str:
    """One character of the signature changed, as by hand."""
    last = token[-10]
    return token[:-10] + ("A" if last != "A" else "B") + token[-9:]


def test_a_code_replayed_at_handover_is_a_view_of_the_case(app: App, county: County) -> None:
    number, token = ready_case(app, county, pickup_number="0427")
    assert pickup.handover(app, token).handed_over
    again = pickup.handover(app, token)
    assert again.reason == "already_picked_up" and again.case is not None
    records = access.report(app, case_number=number)
    assert [(r.action, r.detail) for r in records] == [
        (access.VIEW, "pickup code already_picked_up")
    ]


def test_codes_that_name_no_case_are_searches_in_the_access_log(app: App, county: County) -> None:
    number, token = ready_case(app, county, pickup_number="0427")
    case_id = cases.load_case(app, number).case_id
    stranger = County()  # a key pair that is not the county's
    foreign = stranger.token(case_id=case_id, case_number=number, pickup_number="0427")
    assert pickup.verify(app, _altered(token)).reason == "invalid_signature"
    assert pickup.handover(app, _altered(token)).reason == "invalid_signature"
    assert pickup.verify(app, foreign).reason == "unknown_key"
    assert pickup.verify(app, "0427-ZZZZ").reason == "unknown_short_code"
    assert pickup.verify(app, "not a code").reason == "malformed"  # typing noise: no record
    records = access.report(app, action=access.SEARCH)
    assert [(r.operator, r.case_number, r.detail) for r in records] == [
        (app.actor.clerk, "", "pickup code invalid_signature"),
        (app.actor.clerk, "", "pickup code invalid_signature"),
        (app.actor.clerk, "", "pickup code unknown_key"),
        (app.actor.clerk, "", "pickup code unknown_short_code"),
    ]
    assert all(token not in r.detail and "ZZZZ" not in r.detail for r in records)
    assert access.report(app, case_number=number) == []  # a forged code's claims name no case
    assert pickup.handover(app, token).handed_over  # the citizen's own code still works


def test_a_genuine_code_for_a_case_not_here_names_its_case(app: App, county: County) -> None:
    """Past the signature the claims are the county's: a code for another office names the
    case it was for, which the auditor asks about."""
    there = str(CaseNumber("H02", "01", 115, 1))
    elsewhere = county.token(office="H02", case_number=there)
    assert pickup.verify(app, elsewhere).reason == "wrong_office"
    records = access.report(app, action=access.SEARCH)
    assert [(r.case_number, r.detail) for r in records] == [(there, "pickup code wrong_office")]
