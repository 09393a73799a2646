"""A handover pushed by an office the case is not ready at, against a real county server on
loopback: the filing office (the case is routed to it) pushed ``case.picked_up`` for a case the
county had made ready at the office the citizen chose. The county took it: the case read
collected at the filing office for every office, and the pickup office's desk, which holds the
documents, refused the citizen with the county's code as already served. It is a conflict now,
and the pickup office still hands the documents over."""

from __future__ import annotations

import requests
from sync_helpers import County, CountyServer, event

from eservice_desktop.domain import events as ev


def _results(answer: requests.Response) -> list[tuple[str, str | None]]:
    return [(r["status"], r.get("reason_code")) for r in answer.json()["results"]]


def test_only_the_pickup_office_records_the_handover(sqlite_county: CountyServer) -> None:
    http = County(sqlite_county)
    http.enrol("H01")
    http.enrol("H02")
    received = http.received(office="H01", pickup="H02")
    case_id = received["case_id"]
    closed = event("H01", ev.CLOSED, {"note": ""}, case_id)
    assert _results(http.push("H01", received, closed)) == [("accepted", None)] * 2
    # the county made it ready at H02
    changes = http.pull("H02").json()["changes"]
    ready = [c["data"] for c in changes if c["kind"] == "event"]
    ready = [e for e in ready if e["type"] == ev.READY_FOR_PICKUP]
    assert [(e["case_id"], e["payload"]["office"]) for e in ready] == [(case_id, "H02")]

    handover = {"by": {"self": True}, "via": "id_card"}
    elsewhere = event("H01", ev.PICKED_UP, handover, case_id)
    elsewhere["at"] = "2026-03-10T03:00:00+00:00"
    answer = http.push("H01", elsewhere)
    assert _results(answer) == [("conflict", "pickup.wrong_office")]
    refusal = answer.json()["results"][0]
    assert "H02" in refusal["reason_zh"] and "H02" in refusal["reason_en"]

    at_h02 = event("H02", ev.PICKED_UP, handover, case_id)
    at_h02["at"] = "2026-03-10T04:00:00+00:00"
    assert _results(http.push("H02", at_h02)) == [("accepted", None)]
