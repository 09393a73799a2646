"""A pickup code typed or pasted into the case search (a citizen reads out the code from the
MMS, or it is pasted there to find the case) went into the access log as the search text,
160 of its 168 characters, and a short code (0427-K7M3) whole: the log is pushed to the county
and read by auditors, and the short code alone hands the documents over at the desk, which
no case view ever shows. The search is recorded as a pickup code's, without the code."""

from __future__ import annotations

import sys
from pathlib import Path

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.services import access, cases, pickup
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pickup_support import County, ready_case


def test_a_pickup_code_searched_for_is_not_kept_in_the_access_log(app: App, county: County) -> None:
    number, token = ready_case(app, county, pickup_number="0427")
    short = pt.short_code(token)
    for typed in (token, token[:100].lower(), f" {short} ", short.lower()):
        cases.search_page(app, typed)
    cases.search_page(app, "12345678")  # digits (a UBN, an ID's): kept, as every search's
    long_name = "MUHAMMADABDULLAHBINAHMADSULAIMANWIJAYA"  # a name, all letters: kept
    cases.search_page(app, long_name)
    details = [r.detail for r in access.report(app, action=access.SEARCH)]
    assert details == [
        "pickup code (not kept) → 0",
        "pickup code (not kept) → 0",
        "pickup short code 0427-**** → 0",
        "pickup short code 0427-**** → 0",
        "12345678 → 1",
        f"{long_name} → 0",
    ]
    kept = " ".join(details)
    assert token[:20] not in kept and short[-4:] not in kept
    assert pickup.handover(app, short).handed_over  # the citizen's code still works
    assert cases.load_case(app, number).lifecycle == "picked_up"
