"""Typed payloads give back exactly the dict they were made from (the hash chain hashes it).

The payloads come from the fixture databases of every migration revision (older payload forms), and
``tests/data/payloads/written.jsonl``: one payload of every shape the unit suite wrote (recorded
by wrapping ``Event.__post_init__`` over a run of ``tests/unit``; optional keys absent, present
and ``null`` each give a shape of their own). A demo-seeded database:
``tests/unit/services/test_payload_round_trip.py``.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from eservice_desktop.domain import events as ev
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_payload
from eservice_desktop.domain.events import Actor

DATA = Path(__file__).parents[2] / "data"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _written() -> list[tuple[str, dict[str, Any]]]:
    lines = (DATA / "payloads" / "written.jsonl").read_text(encoding="utf-8").splitlines()
    return [(d["type"], d["payload"]) for d in map(json.loads, lines)]


def _fixture_databases() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted((DATA / "migrations").glob("*.sqlite3")):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            out += [(t, json.loads(p)) for t, p in db.execute("SELECT type, payload FROM events")]
    return out


def assert_round_trip(type_: str, payload: dict[str, Any]) -> pl.EventPayload:
    typed = pl.PAYLOADS[type_].read(payload)
    assert typed.to_payload() == payload
    assert set(typed.to_payload()) == set(payload)  # absent keys stay absent
    try:
        checked = pl.PAYLOADS[type_].from_payload(payload)
    except DomainError:
        return typed  # a payload a test wrote to be refused
    assert checked == typed  # the fold's fast read builds the same object
    assert_constructed(checked)
    return typed


def assert_constructed(typed: pl.Fields) -> None:
    """``typed`` (made without the dataclass ``__init__``) is what the constructor makes of
    its fields, each set on the object itself (a default read from the class would hide a
    field the fast build forgot)."""
    values = {f.name: getattr(typed, f.name) for f in dataclasses.fields(typed)}
    assert vars(typed).keys() == values.keys()
    assert typed == type(typed)(**values)
    for value in values.values():
        if isinstance(value, pl.Fields):
            assert_constructed(value)


def test_every_event_type_has_one_payload_class() -> None:
    assert set(pl.PAYLOADS) == ev.ALL_TYPES
    assert all(t == cls.TYPE for t, cls in pl.PAYLOADS.items())


@pytest.mark.parametrize(("type_", "payload"), _written(), ids=lambda x: str(x)[:30])
def test_payloads_the_code_writes_round_trip(type_: str, payload: dict[str, Any]) -> None:
    assert_round_trip(type_, payload)


def test_every_type_written_by_the_suite_is_covered() -> None:
    seen = {t for t, _ in _written()}
    # the county's conflict and resend events, and look-ups (a county answer: the integration
    # tests and tests/unit/domain/test_lookup_domain.py), are written outside the unit suite
    assert ev.ALL_TYPES - seen <= {
        ev.CONFLICT_RECORDED,
        ev.CONFLICT_RESOLVED,
        ev.NOTICE_RESEND_REQUESTED,
        ev.LOOKUP_DONE,
    }


def test_fixture_databases_round_trip() -> None:
    rows = _fixture_databases()
    assert len(rows) > 10 and len({t for t, _ in rows}) >= 3
    for type_, payload in rows:
        assert_round_trip(type_, payload)
        pl.PAYLOADS[type_].from_payload(payload)  # every stored payload passes its own checks


def test_absent_and_null_stay_apart() -> None:
    absent = {"payment_id": "p1", "method": "card", "amount": 10, "reference": "R"}
    null = {**absent, "receipt_number": None}
    a, n = pl.PaymentRecorded.read(absent), pl.PaymentRecorded.read(null)
    assert a.receipt_number is None and n.receipt_number is None
    assert "receipt_number" not in a.to_payload()
    assert n.to_payload() == null
    built = pl.PaymentRecorded(payment_id="p1", method="card", amount=10, reference="R")
    assert built.to_payload() == absent


def test_nested_objects_keep_their_unknown_keys() -> None:
    p = {
        "case_number": "H01-01-115-000001-3",
        "service_code": "HR-TRANSCRIPT",
        "time_limit_working_days": 1,
        "applicant": {"kind": "person", "id_type": "national_id", "id": "A1", "name": "王", "x": 1},
        "pickup": {"method": "mail"},
        "later_version_key": [1, 2],
    }
    typed = pl.Received.from_payload(p)
    assert typed.applicant.name == "王" and typed.applicant.extra == {"x": 1}
    assert typed.pickup is not None and typed.pickup.office is None
    assert typed.to_payload() == p


def test_from_payload_reports_the_field_rules_messages() -> None:
    with pytest.raises(DomainError) as e:
        pl.PaymentRefunded.from_payload({"payment_id": "p1", "amount": 0})
    assert (e.value.code, e.value.field, e.value.message_en) == (
        "value.range",
        "amount",
        "amount must be between 1 and 99999999",
    )
    with pytest.raises(DomainError) as e:
        pl.Received.from_payload({"case_number": "H01-01-115-000001-3", "phone": None})
    assert e.value.code == "value.type" and e.value.field == "service_code"
    with pytest.raises(DomainError) as e:
        pl.ReadyForPickup.from_payload({"office": "h01"})
    assert (e.value.code, e.value.field) == ("office.format", "pickup_office")
    # a key that may be absent but never null
    with pytest.raises(DomainError) as e:
        pl.FeeAssessed.from_payload({"total": 10, "items": None})
    assert (e.value.code, e.value.message_en) == ("value.type", "items must be a list")


def test_check_payload_runs_the_reason_rule_for_every_type() -> None:
    actor = Actor("H01", "01", "clerk")
    e = actor.event("c-1", ev.CLOSED, T0, {"note": "", "reason": "x" * 501})
    with pytest.raises(DomainError) as err:
        check_payload(e)
    assert (err.value.code, err.value.field) == ("value.too_long", "reason")
