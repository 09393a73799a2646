"""Issue 11 at the county, over both databases: no pushed value can stop another office's
feed, nothing gives a 500, event ids are per office, bodies are bounded before parsing."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sync_helpers import County, CountyServer, event

from eservice_desktop.domain.case_number import CaseNumber


@pytest.fixture
def county(county_db: str, server_factory: Callable[[str], CountyServer]) -> County:
    c = County(server_factory(county_db).start_in_thread())
    for office in ("H01", "H02", "H03"):
        c.enrol(office)
    return c


def status(resp: Any) -> str:
    assert resp.status_code == 200, resp.text
    return str(resp.json()["results"][0]["status"])


def feed_events(c: County, office: str) -> list[dict[str, Any]]:
    r = c.pull(office)
    assert r.status_code == 200, r.text
    return [ch["data"] for ch in r.json()["changes"] if ch["kind"] == "event"]


@pytest.mark.parametrize(
    "payload",
    [
        {"time_limit_working_days": -5},
        {"time_limit_working_days": 10**7},
        {"copies": 10**9},
        {"email": "x" * 300},
        {"applicant": {"kind": "person", "id_type": "national_id", "id": "A1", "name": "王\x07"}},
    ],
)
def test_a_value_the_pickup_office_cannot_apply_is_a_conflict(
    county: County, payload: dict[str, Any]
) -> None:
    r = county.push("H02", county.received(**payload))
    if r.status_code == 422:  # text the wire itself refuses (control characters)
        assert "payload" in r.text
    else:
        assert status(r) == "conflict"
        assert r.json()["receipts"] == []
    assert feed_events(county, "H03") == []


def test_case_number_must_be_the_offices_own_unused_and_check_digit_valid(
    county: County,
) -> None:
    first = county.received(office="H03", pickup="H03")
    assert status(county.push("H03", first)) == "accepted"
    used = county.received(case_number=first["payload"]["case_number"])
    used["payload"]["case_number"] = first["payload"]["case_number"]
    r = county.push("H02", used)
    assert status(r) == "conflict"
    other = county.received(case_number=str(CaseNumber("H03", "01", 115, 900)))
    assert status(county.push("H02", other)) == "conflict"
    right = str(CaseNumber("H02", "01", 115, 777))
    wrong = county.received(case_number=right[:-1] + str((int(right[-1]) + 1) % 10))
    assert status(county.push("H02", wrong)) == "conflict"
    assert status(county.push("H02", county.received(case_number="H" * 300))) == "conflict"
    # H03 sees only its own case, and can read it
    assert [e["event_id"] for e in feed_events(county, "H03")] == []
    mine = county.http.get(f"/v1/cases/{first['case_id']}", headers=county.h("H03"))
    assert mine.status_code == 200 and mine.json()["case_number"] == first["payload"]["case_number"]


def test_a_huge_fee_later_is_a_conflict_and_the_feed_stays_applicable(county: County) -> None:
    rec = county.received()
    assert status(county.push("H02", rec)) == "accepted"
    fee = event("H02", "case.fee_assessed", {"total": 10**20, "items": []}, rec["case_id"])
    assert status(county.push("H02", fee)) == "conflict"
    data = feed_events(county, "H03")
    assert [e["type"] for e in data] == ["case.received"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"x": NaN}',
        b'{"x": Infinity}',
        b'{"x": -Infinity}',
        b'{"x": 1e400}',
        b'{"x": "\\ud800"}',
        b'{"x": "\\udc00\\ud800"}',
        b'\xff\xfe{"x": 1}',
    ],
)
def test_non_standard_json_is_refused_at_parse_time(county: County, raw: bytes) -> None:
    ev = county.received()
    body = json.dumps({"events": [ev]}).replace('"payload": {', '"payload": {"odd": 1, ', 1)
    body_b = body.encode().replace(b'"odd": 1', raw[1:-1] if raw.startswith(b"{") else raw)
    r = county.raw_push("H02", body_b)
    assert r.status_code == 400, (r.status_code, r.text)
    # and the office's reads keep working
    assert county.pull("H03").status_code == 200
    assert county.pull("H02").status_code == 200


def test_a_lone_surrogate_in_a_name_never_reaches_a_feed(county: County) -> None:
    ev = county.received()
    body = json.dumps({"events": [ev]}).replace("\\u738b", "\\ud800")
    assert "\\ud800" in body
    r = county.raw_push("H02", body.encode())
    assert r.status_code == 400
    assert county.pull("H03").status_code == 200
    assert county.http.get(f"/v1/cases/{ev['case_id']}", headers=county.h("H03")).status_code == 404


@pytest.mark.parametrize(
    "name", ["王\u200b小明", "\ufeff", "王\u00ad小明", "王小明\U000e0041", "王\u2060小明"]
)
def test_a_name_with_an_invisible_character_is_a_conflict_never_routed(
    county: County, name: str
) -> None:
    """The counter refuses a name with an invisible format character (values.check_name): a
    pushed one is a ``value.character`` conflict, not a case another office receives."""
    applicant = {"kind": "person", "id_type": "national_id", "id": "A123456789", "name": name}
    r = county.push("H02", county.received(applicant=applicant))
    assert status(r) == "conflict"
    assert r.json()["results"][0]["reason_code"] == "value.character"
    assert r.json()["receipts"] == []
    assert feed_events(county, "H03") == []


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "2100-06-01T00:00:00+00:00",
        "1970-01-01T00:00:00+00:00",
    ],
)
def test_event_times_outside_the_window_are_refused_without_500(county: County, at: str) -> None:
    ev = county.received()
    ev["at"] = at
    r = county.push("H02", ev)
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("office", "H" * 300),
        ("device", "0" * 300),
        ("clerk", "c" * 300),
        ("case_id", "x" * 300),
        ("event_id", "e" * 300),
        ("clerk", "c\u202e"),
    ],
)
def test_over_long_envelope_values_answer_422(county: County, key: str, value: str) -> None:
    ev = county.received()
    ev[key] = value
    r = county.push("H02", ev)
    assert r.status_code in (403, 422), r.text


def test_another_offices_event_id_is_refused_never_duplicate(county: County) -> None:
    rec = county.received(office="H03", pickup="H03")
    assert status(county.push("H03", rec)) == "accepted"
    thief = county.received()
    thief["event_id"] = rec["event_id"]
    r = county.push("H02", thief)
    assert status(r) == "conflict"
    assert r.json()["results"][0]["reason_code"] == "event.id_taken"
    assert r.json()["receipts"] == []
    # the owner still gets "duplicate" for its own id
    assert status(county.push("H03", rec)) == "duplicate"


def test_bodies_are_bounded_before_parsing(county: County) -> None:
    big = b'{"events": [' + b" " * (21 * 1024 * 1024) + b"]}"
    r = county.raw_push("H02", big)
    assert r.status_code == 413
    assert r.json() == {"code": "request.too_large", "message_zh": "要求內容超過上限",
                        "message_en": "The request body is too large"}  # fmt: skip
    enrol = county.http.post(
        "/v1/enrol",
        data=b"{" + b" " * 10_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert enrol.status_code == 413
    bomb = gzip.compress(b'{"events": [' + b" " * (50 * 1024 * 1024) + b"]}")
    r = county.http.post(
        "/v1/events",
        data=bomb,
        headers={**county.h("H02"), "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert r.status_code == 413
    # a small gzip push still works
    ok = gzip.compress(json.dumps({"events": [county.received()]}).encode())
    r = county.http.post(
        "/v1/events",
        data=ok,
        headers={**county.h("H02"), "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert status(r) == "accepted"
    # every refusal says why in zh-TW and English, not {"detail": "<English>"}: the door's, a
    # route's (no credential, a cursor beyond any feed) and FastAPI's own (no such path)
    dup = json.dumps({"events": [county.received()]}).replace('"at":', '"at": 1, "at":', 1)
    for r, expected, code in [
        (county.raw_push("H02", dup.encode()), 400, "request.malformed_json"),
        (county.get("/v1/changes"), 401, "auth.unauthenticated"),
        (county.get(f"/v1/changes?since={2**63}", headers=county.h("H02")), 422,
         "request.bad_cursor"),
        (county.get(f"/v1/operators?since={2**63}", headers=county.h("H02")), 422,
         "request.bad_cursor"),
        (county.get("/v1/no-such-route", headers=county.h("H02")), 404, "request.not_found"),
    ]:  # fmt: skip
        assert r.status_code == expected, r.text
        assert set(r.json()) == {"code", "message_zh", "message_en"}, r.text
        assert r.json()["code"] == code
    last = county.get(f"/v1/changes?since={2**63 - 1}", headers=county.h("H02"))
    assert last.status_code == 200 and last.json()["cursor"] == str(2**63 - 1)


def test_enrolment_attempts_are_rate_limited(county: County) -> None:
    answers = [
        county.http.post(
            "/v1/enrol", json={"code": f"WRONG-{i:06d}", "device": "09", "office": f"Z{i:02d}"}
        )
        for i in range(15)
    ]
    assert [a.status_code for a in answers[:10]] == [403] * 10
    assert answers[-1].status_code == 429
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_attachments_are_keyed_by_office(county: County) -> None:
    """A probe of another office's hash looks missing; registering a hash first blocks
    nobody's upload."""
    import hashlib

    data = b"%PDF-1.4 scan " * 100
    sha = hashlib.sha256(data).hexdigest()
    case_id = str(uuid.uuid4())
    # H02 squats the hash with a wrong size before the owner uploads
    squat = county.post(
        f"/v1/attachments/{sha}", json={"size": 3, "case_id": "x"}, headers=county.h("H02")
    )
    assert squat.status_code == 200
    start = county.post(
        f"/v1/attachments/{sha}",
        json={"size": len(data), "case_id": case_id},
        headers=county.h("H03"),
    )
    assert start.status_code == 200 and start.json()["received"] == 0
    put = county.session.put(
        f"{county.url}/v1/attachments/{sha}/chunks/0",
        data=data,
        headers={**county.h("H03"), "Content-Type": "application/octet-stream"},
        timeout=60,
    )
    assert put.status_code == 200 and put.json()["complete"] is True
    # H01 probes: indistinguishable from a hash nobody has
    probe = county.get(f"/v1/attachments/{sha}", headers=county.h("H01"))
    missing = county.get(f"/v1/attachments/{'0' * 64}", headers=county.h("H01"))
    assert probe.status_code == missing.status_code == 404
    assert probe.json() == missing.json()
    assert case_id not in probe.text
    mine = county.get(f"/v1/attachments/{sha}", headers=county.h("H03"))
    assert mine.json()["case_id"] == case_id


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/attachments/" + "a" * 64, {"size": True, "case_id": "c1"}, "size"),
        ("/v1/attachments/" + "a" * 64, {"size": "3", "case_id": "c1"}, "size"),
        ("/v1/lookups", {"case_number": "H02-01-115-000001-5", "service_code": "HR-TRANSCRIPT",
                         "kind": "household_transcript", "subject_id": "A123456789",
                         "consent": "yes"}, "consent"),
        ("/v1/lookups", {"case_number": "H02-01-115-000001-5", "service_code": "HR-TRANSCRIPT",
                         "kind": "household_transcript", "subject_id": "A123456789",
                         "consent": 1}, "consent"),
        ("/v1/events", {"events": [], "gaps": [{"event_id": "e" * 8, "prev": "0" * 64,
                                                "hash": "1" * 64, "position": True}]}, "position"),
    ],
)  # fmt: skip
def test_wrong_types_are_refused_not_coerced(
    county: County, path: str, body: dict[str, Any], field: str
) -> None:
    """``true`` is no size and ``"yes"`` no citizen's consent: 422 naming the field."""
    r = county.post(path, json=body, headers=county.h("H02"))
    assert r.status_code == 422, r.text
    assert field in r.text


@pytest.mark.parametrize(
    "query", ["case_number=" + "H01-01-115-000001-5" * 3 + "&id_last4=6789", "id_last4=" + "9" * 40]
)
def test_the_citizen_status_page_answers_any_input_as_a_page(county: County, query: str) -> None:
    """The citizen's browser gets the zh-TW/English page, never a JSON validation error: what
    was pasted cannot be a case number, or four ID characters, and the page says which."""
    r = county.get("/status?" + query)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "案號格式不符" in r.text and "The case number is incomplete" in r.text
    assert ("末四碼請輸入 4 個" in r.text) == query.startswith("id_last4=")


@pytest.mark.parametrize("number", ["H02-01-abc-1", "H02-01-115-01", "R1"])
def test_a_receipt_number_of_another_form_never_stops_a_pickup_offices_pull(
    county: County, office: Callable[..., Any], number: str
) -> None:
    """Receipt numbers are text on the wire: one whose year or number is no number raised out
    of the pickup office's receipts projection, and two naming the same place of a series
    (``-01`` and ``-R1``) broke its unique index; either stopped that office's pull for ever.
    The payments arrive; a receipt whose place is taken is left out of the projection."""
    from sync_helpers import enrol, sync_now

    from eservice_desktop.services import cases, sync

    h03 = office("H03", "01", county.url)
    enrol(h03, county.server)
    numbers = []
    for receipt in (number, "H02-01-115-R000001", "R2"):
        rec = county.received(pickup="H03")
        fee = event("H02", "case.fee_assessed", {"total": 100, "items": []}, rec["case_id"])
        pay = event("H02", "case.payment_recorded", {
            "payment_id": str(uuid.uuid4()), "method": "cash", "amount": 100, "tendered": 100,
            "change": 0, "receipt_number": receipt}, rec["case_id"])  # fmt: skip
        assert [x["status"] for x in county.push("H02", rec, fee, pay).json()["results"]] == [
            "accepted"
        ] * 3
        numbers.append(rec["payload"]["case_number"])
    sync_now(h03)
    assert sync.status(h03)["pulled_events"] == 9
    assert all(cases.load_case(h03, n).paid == 100 for n in numbers)


@pytest.mark.parametrize("key", ["change", "payment_tool", "authorised_at", "deposit_date"])
def test_a_payment_with_a_named_value_written_as_null_never_stops_a_pull(
    county: County, office: Callable[..., Any], key: str
) -> None:
    """The wire keeps a named optional value written as ``null``: ``"change": null`` raised
    out of the pickup office's receipts projection (``int(None)``) and stopped its pull for
    ever; the texts were stored as ``"None"``."""
    from sync_helpers import enrol, sync_now

    from eservice_desktop.services import cases, sync
    from eservice_desktop.storage.models_payments import ReceiptRow

    h03 = office("H03", "01", county.url)
    enrol(h03, county.server)
    rec = county.received(pickup="H03")
    fee = event("H02", "case.fee_assessed", {"total": 100, "items": []}, rec["case_id"])
    pay = event("H02", "case.payment_recorded", {
        "payment_id": "p-null", "method": "cash", "amount": 100, "tendered": 100,
        "receipt_number": "H02-01-115-R000001", key: None}, rec["case_id"])  # fmt: skip
    assert [x["status"] for x in county.push("H02", rec, fee, pay).json()["results"]] == [
        "accepted"
    ] * 3
    sync_now(h03)
    assert sync.status(h03)["pulled_events"] == 3
    assert cases.load_case(h03, rec["payload"]["case_number"]).paid == 100
    with h03.reading() as s:
        row = s.get(ReceiptRow, "H02-01-115-R000001")
        assert row is not None and row.change == 0
        assert "None" not in (row.payment_tool, row.authorised_at, row.deposit_date)


def test_a_payment_numbered_in_another_offices_series_is_a_conflict(county: County) -> None:
    """A receipt number names its counter's series (office, counter, year, place): one office's
    payment numbered in another's series would take that place at the office that pulls it."""
    rec = county.received(pickup="H03")
    fee = event("H02", "case.fee_assessed", {"total": 100, "items": []}, rec["case_id"])
    pay = event("H02", "case.payment_recorded", {
        "payment_id": str(uuid.uuid4()), "method": "cash", "amount": 100, "tendered": 100,
        "change": 0, "receipt_number": "H03-01-115-R000001"}, rec["case_id"])  # fmt: skip
    results = county.push("H02", rec, fee, pay).json()["results"]
    assert [(x["status"], x.get("reason_code")) for x in results] == [
        ("accepted", None),
        ("accepted", None),
        ("conflict", "receipt.series"),
    ]
