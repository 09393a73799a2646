"""The served OpenAPI document fuzzed with schemathesis (bounded examples), plus the access
rules checked route by route: no 500s, nothing without a credential, no office reading another
office's unrouted case. Also: docs/openapi.json is the document the server serves."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from sync_helpers import TEST_SECRET, _fresh_pg_db, listening_socket, wait_http

from eservice_desktop.county import service
from eservice_desktop.county.asgi import create_app
from eservice_desktop.county.store import utcnow

ROOT = Path(__file__).resolve().parents[3]


def _enrolled(app: Any, office: str, device: str = "01") -> str:
    with app.state.sessions() as s, s.begin():
        code = service.new_enrol_code(s, office, utcnow())
        _dev, credential = service.enrol(s, code, device, "fuzz", utcnow())
    return credential


class Client:
    """requests against the live server, with TestClient-like relative URLs."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        return self.http.request(method, self.base + path, timeout=30, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)


def _h02_case(client: Client, credential: str) -> str:
    case_id = "6f1c2a8e-0d8b-4c55-9a57-7b1d3d1e2f00"
    event = {
        "event_id": "0b7d3c6e-5b7a-4e0e-8f3e-2a2b9a7f0c11",
        "case_id": case_id,
        "type": "case.received",
        "office": "H02",
        "device": "01",
        "clerk": "c",
        "at": "2026-03-10T02:00:00+00:00",
        "payload": {
            "case_number": "H02-01-115-000001-2",
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 1,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
        },
    }
    r = client.post(
        "/v1/events", json={"events": [event]}, headers={"Authorization": f"Bearer {credential}"}
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted"
    return case_id


@contextlib.contextmanager
def _served(db_url: str) -> Iterator[Any]:
    """The county app over ``db_url`` on loopback, with H01 enrolled and a case of H02's."""
    import threading

    import uvicorn

    app = create_app(db_url, secret=TEST_SECRET, dispatch=False)
    sock, port = listening_socket()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, args=([sock],), daemon=True)
    thread.start()
    app.state.url = f"http://127.0.0.1:{port}"
    wait_http(app.state.url + "/v1/health")
    app.state.h01 = _enrolled(app, "H01")
    app.state.h02_case = _h02_case(Client(app.state.url), _enrolled(app, "H02"))
    try:
        yield app
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def county_app(county_db: str) -> Iterator[Any]:
    with _served(county_db) as app:
        yield app


@pytest.fixture
def both_county_apps(tmp_path: Path, pg_url: str) -> Iterator[list[Any]]:
    """The county over SQLite and over PostgreSQL, each served on loopback."""
    with (
        _served(f"sqlite:///{tmp_path / 'county.sqlite3'}") as sqlite_app,
        _served(_fresh_pg_db(pg_url)) as postgres_app,
    ):
        yield [sqlite_app, postgres_app]


def TestClient(app: Any) -> Any:
    return contextlib.nullcontext(Client(app.state.url))


@pytest.mark.postgres
@pytest.mark.timeout(360)  # some 30 s on an idle PC; well past 120 s on a busy one
def test_fuzz_no_server_errors(both_county_apps: list[Any]) -> None:
    """Every operation, positive and negative generated data, 15 examples each (new ones each
    run: no example database), each example sent to the county over SQLite and over
    PostgreSQL (generating it is most of the cost)."""
    from hypothesis import given
    from hypothesis.errors import Unsatisfiable
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_url(both_county_apps[0].state.url + "/openapi.json")
    seen: list[str] = []
    for result in schema.get_all_operations():
        op = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=op.as_strategy(generation_mode=mode))
            @settings(
                max_examples=15,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                for county in both_county_apps:
                    response = case.call(
                        base_url=county.state.url,
                        headers={"Authorization": f"Bearer {county.state.h01}"},
                    )
                    assert response.status_code < 500, (
                        county.state.url,
                        case.path,
                        response.status_code,
                        response.text[:300],
                    )
                    if case.path == "/v1/cases/{case_id}" and response.status_code == 200:
                        assert response.json()["case_id"] != county.state.h02_case

            try:
                run()
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE  # nothing to break (no parameters)
        seen.append(f"{op.method.upper()} {op.path}")
    assert len(seen) >= 9


def test_every_route_needs_a_credential(county_app: Any) -> None:
    doc = county_app.openapi()
    # the citizen's status query is public (case number + last four ID characters, rate-limited)
    open_routes = {
        ("/v1/health", "get"),
        ("/v1/enrol", "post"),
        ("/v1/public/status", "get"),
        ("/status", "get"),
        ("/status", "post"),  # the page's form
    }
    sha = "0" * 64
    with TestClient(county_app) as client:
        for path, ops in doc["paths"].items():
            url = (
                path.replace("{sha256}", sha)
                .replace("{offset}", "0")
                .replace("{case_id}", county_app.state.h02_case)
                .replace("{kind}", "usage")
            )
            if "/reports/" in path:
                url += "?from=2026-03-01&to=2026-04-30"
            for method in ops:
                if (path, method) in open_routes:
                    continue
                for auth in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
                    r = client.request(method.upper(), url, headers=auth)
                    assert r.status_code == 401, (method, path, auth, r.status_code)
        # every protected operation declares the bearer scheme in the document
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                if (path, method) not in open_routes:
                    assert op.get("security"), (method, path)


def test_an_office_cannot_read_another_offices_unrouted_case(county_app: Any) -> None:
    h01 = {"Authorization": f"Bearer {county_app.state.h01}"}
    with TestClient(county_app) as client:
        assert client.get(f"/v1/cases/{county_app.state.h02_case}", headers=h01).status_code == 404
        changes = client.get("/v1/changes", headers=h01).json()["changes"]
        assert all(c["data"].get("case_id") != county_app.state.h02_case for c in changes)
        # nor write to it in its own name
        r = client.post(
            "/v1/events",
            headers=h01,
            json={
                "events": [
                    {
                        "event_id": "2b7d3c6e-5b7a-4e0e-8f3e-2a2b9a7f0c13",
                        "case_id": county_app.state.h02_case,
                        "type": "case.cancelled",
                        "office": "H01",
                        "device": "01",
                        "clerk": "x",
                        "at": "2026-03-10T02:00:00+00:00",
                        "payload": {"reason": "x"},
                    }
                ]
            },
        )
        assert r.status_code == 200
        assert r.json()["results"][0]["reason_code"] == "case.not_routed"
        # and cannot push events in another office's name
        r = client.post(
            "/v1/events",
            headers=h01,
            json={
                "events": [
                    {
                        "event_id": "1b7d3c6e-5b7a-4e0e-8f3e-2a2b9a7f0c12",
                        "case_id": county_app.state.h02_case,
                        "type": "case.closed",
                        "office": "H02",
                        "device": "01",
                        "clerk": "x",
                        "at": "2026-03-10T02:00:00+00:00",
                        "payload": {},
                    }
                ]
            },
        )
        assert r.status_code == 403


def test_docs_openapi_json_is_current() -> None:
    """Regenerate with `python -m eservice_desktop.county.openapi > docs/openapi.json`."""
    from eservice_desktop.county.openapi import document

    stored = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(document()))
