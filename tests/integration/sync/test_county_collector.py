"""The county takes a push with the cyclic collector held off (storage/collection.py), as the
office applies a pulled page: a push's objects live until it is answered, and collections in
the middle of it walked them all for nothing. Pushed over raw HTTP from a thread that holds no
pause of its own, so only the county's can turn the collector off."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable
from typing import Any

import requests
from sqlalchemy.orm import Session
from sync_helpers import CountyServer

from eservice_desktop.county import service
from eservice_desktop.county.store import make_engine, utcnow
from eservice_desktop.domain.case_number import CaseNumber


def _credential(db_url: str) -> str:
    engine = make_engine(db_url)
    try:
        with Session(engine) as s, s.begin():
            code = service.new_enrol_code(s, "H01", utcnow())
            _dev, cred = service.enrol(s, code, "01", "t", utcnow())
    finally:
        engine.dispose()
    return cred


def _received() -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "case_id": str(uuid.uuid4()),
        "type": "case.received",
        "office": "H01",
        "device": "01",
        "clerk": "c",
        "at": "2026-03-10T02:00:00+00:00",
        "payload": {
            "case_number": str(CaseNumber("H01", "01", 115, 1)),
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 3,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
            "pickup": {"method": "counter", "office": "H01"},
        },
    }


def test_the_county_takes_a_push_with_the_collector_off(
    county_db: str,
    server_factory: Callable[[str], CountyServer],
    monkeypatch: Any,
) -> None:
    server = server_factory(county_db).start_in_thread()
    cred = _credential(county_db)
    seen: list[bool] = []
    real_push = service.push

    def push(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real_push(*args, **kwargs)

    monkeypatch.setattr(service, "push", push)
    assert gc.isenabled()
    r = requests.post(
        server.url + "/v1/events",
        json={"events": [_received()]},
        headers={"Authorization": f"Bearer {cred}"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "accepted"
    assert seen == [False]  # off while the county took it
    assert gc.isenabled()  # and on again once it was answered
