"""A ready notice an office pushes for a case the county already made ready at the pickup
office the citizen chose, against a real county server on loopback."""

from __future__ import annotations

import requests
from sync_helpers import County, CountyServer, event

from eservice_desktop.domain import events as ev


def _results(answer: requests.Response) -> list[tuple[str, str | None]]:
    body = answer.json()
    return [(r["status"], r.get("reason_code")) for r in body["results"]]


def test_a_ready_notice_naming_another_office_does_not_move_the_case(county: CountyServer) -> None:
    """The county took an office's ready notice for a case it had made ready at H02 whatever
    office it named (a demo counter made such a case ready where it stood): the case moved to
    H01 for every office, and the H02 desk the citizen had been sent to with the county's
    code refused it as for another office. It is a conflict now; the same office is kept."""
    http = County(county)
    http.enrol("H01")
    http.enrol("H02")
    received = http.received(office="H01", pickup="H02")
    case_id = received["case_id"]
    closed = event("H01", ev.CLOSED, {"note": ""}, case_id)
    assert _results(http.push("H01", received, closed)) == [("accepted", None)] * 2
    moved = event("H01", ev.READY_FOR_PICKUP, {"office": "H01", "pickup_number": "1234"}, case_id)
    assert _results(http.push("H01", moved)) == [("conflict", "pickup.office_moved")]
    same = event("H01", ev.READY_FOR_PICKUP, {"office": "H02", "pickup_number": "1234"}, case_id)
    assert _results(http.push("H01", same)) == [("accepted", None)]
    answer = http.get(f"/v1/cases/{case_id}", headers=http.h("H02")).json()
    ready = [e for e in answer["events"] if e["type"] == ev.READY_FOR_PICKUP]
    assert [e["payload"]["office"] for e in ready] == ["H02", "H02"]
