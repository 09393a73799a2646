"""Issue 11: no input gives a 500 and nothing stalls, over both databases. schemathesis in
stateful mode walks the API through its (inferred) links; a hypothesis fuzz pushes wire events
with odd values and checks that every other office's feed stays readable and applicable.

Figures (inputs per edge, 5xx seen, stalls seen) are printed with ``-s``."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from sync_helpers import CountyServer

from eservice_desktop.county import service
from eservice_desktop.county.store import make_engine, utcnow
from eservice_desktop.domain.case import apply
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.domain.events import Event

#: A request slower than this is a stall.
STALL_S = 10.0


def _enrol(server: CountyServer, office: str) -> str:
    engine = make_engine(server.db_url)
    try:
        with Session(engine) as s, s.begin():
            code = service.new_enrol_code(s, office, utcnow())
            return service.enrol(s, code, "01", "fuzz", utcnow())[1]
    finally:
        engine.dispose()


@pytest.fixture
def server(county_db: str, server_factory: Callable[[str], CountyServer]) -> CountyServer:
    return server_factory(county_db).start_in_thread()


def test_stateful_schemathesis_finds_no_server_error(server: CountyServer, county_db: str) -> None:
    cred = _enrol(server, "H01")
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    figures = {"steps": 0, "5xx": 0, "stalls": 0}

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {cred}"}, "timeout": 60}

        def validate_response(self, response: Any, case: Any, **kw: Any) -> None:
            figures["steps"] += 1
            figures["5xx"] += response.status_code >= 500
            elapsed = response.elapsed
            seconds = elapsed.total_seconds() if hasattr(elapsed, "total_seconds") else elapsed
            figures["stalls"] += float(seconds) > STALL_S
            assert response.status_code < 500, (case.path, response.text[:300])

    Machine.run(
        settings=settings(
            max_examples=30,
            stateful_step_count=8,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    print(f"\nFUZZ stateful[{county_db.split(':', maxsplit=1)[0]}] {json.dumps(figures)}")
    assert figures["steps"] >= 30 and figures["5xx"] == 0 and figures["stalls"] == 0


ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["\x00", "\ud800", "\u202e", "\uffff", "𫝀", "H" * 300, ""]),
)
ODD_SCALAR = st.one_of(
    ODD_TEXT,
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
ODD_JSON = st.recursive(
    ODD_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(ODD_TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def wire_events(draw: st.DrawFn, seq: list[int]) -> dict[str, Any]:
    seq[0] += 1
    payload: dict[str, Any] = {
        "case_number": str(CaseNumber("H02", "01", 115, seq[0])),
        "service_code": "HR-TRANSCRIPT",
        "time_limit_working_days": 3,
        "applicant": {"kind": "person", "id_type": "national_id", "id": "A123456789",
                      "name": "王小明"},
        "pickup": {"method": "counter", "office": "H03"},
    }  # fmt: skip
    # mutate one to three places of a valid event with odd values
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["payload", "applicant", "pickup", "envelope"]))
        value = draw(ODD_JSON)
        if where == "payload":
            payload[draw(st.sampled_from([*payload, "copies", "email", "fields"]))] = value
        elif where == "applicant" and isinstance(payload.get("applicant"), dict):
            payload["applicant"][draw(st.sampled_from(["name", "id", "kind"]))] = value
        elif where == "pickup" and isinstance(payload.get("pickup"), dict):
            payload["pickup"]["office"] = value
    env: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "case_id": str(uuid.uuid4()),
        "type": "case.received",
        "office": "H02",
        "device": "01",
        "clerk": "c",
        "at": draw(st.sampled_from(["2026-03-10T02:00:00+00:00", "0001-01-01T00:00:00+14:00",
                                    "9999-12-31T23:59:59-12:00", "2026-03-10T02:00:00"])),
        "payload": payload,
    }  # fmt: skip
    if draw(st.booleans()):
        env[draw(st.sampled_from(["clerk", "case_id", "event_id", "office"]))] = draw(ODD_TEXT)
    return env


def test_fuzzed_wire_events_never_500_or_stall_or_poison_a_feed(
    server: CountyServer, county_db: str
) -> None:
    h02 = {"Authorization": f"Bearer {_enrol(server, 'H02')}"}
    h03 = {"Authorization": f"Bearer {_enrol(server, 'H03')}"}
    http = requests.Session()
    figures = {"events": 0, "5xx": 0, "stalls": 0, "accepted": 0, "refused": 0}
    seq = [0]

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(wire_events(seq))
    def push(event: dict[str, Any]) -> None:
        body = json.dumps({"events": [event]}, ensure_ascii=False, allow_nan=True)
        t0 = time.monotonic()
        r = http.post(
            server.url + "/v1/events",
            data=body.encode("utf-8", "surrogatepass"),
            headers={**h02, "Content-Type": "application/json"},
            timeout=60,
        )
        figures["events"] += 1
        figures["stalls"] += time.monotonic() - t0 > STALL_S
        figures["5xx"] += r.status_code >= 500
        assert r.status_code < 500, r.text[:300]
        ok = r.status_code == 200 and r.json()["results"][0]["status"] == "accepted"
        figures["accepted" if ok else "refused"] += 1

    push()
    # H03's feed: readable, and every event in it passes the office's own checks and applies
    feed = http.get(server.url + "/v1/changes", params={"limit": 2000}, headers=h03, timeout=60)
    assert feed.status_code == 200
    for change in feed.json()["changes"]:
        if change["kind"] == "event":
            e = Event.from_dict(change["data"])
            check_event(e)
            apply(None, e)
    print(f"\nFUZZ wire[{county_db.split(':', maxsplit=1)[0]}] {json.dumps(figures)}")
    assert figures["5xx"] == 0 and figures["stalls"] == 0
