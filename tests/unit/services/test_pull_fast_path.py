"""A pulled event is read and checked in one pass only when the old two passes (wire schema,
then value rules) would accept it and make the same event; anything in doubt goes the old
way, which names the problem as before."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from eservice_desktop.county_link.protocol import WireEvent
from eservice_desktop.domain import chain
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import CaseNumber
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.event_values import check_event
from eservice_desktop.domain.events import Actor, Event
from eservice_desktop.domain.payloads import payload_of
from eservice_desktop.services.sync.wire_fast import plainly_valid_event

ACTOR = Actor("H01", "02", "clerk02")


def _plain() -> dict[str, Any]:
    e = ACTOR.event(
        "c0ffee00-0000-4000-8000-000000000001",
        ev.RECEIVED,
        datetime(2026, 3, 10, 1, 2, 3, 456789, tzinfo=UTC),
        {
            "case_number": str(CaseNumber("H01", "02", 115, 1)),
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 1,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
            "pickup": {"method": "counter", "office": "H01"},
        },
    )
    return chain.link(e, chain.GENESIS).to_dict()


def _old_way(data: dict[str, Any]) -> Event | None:
    try:
        e = WireEvent.model_validate(data).to_event()
        check_event(e)
    except (ValidationError, DomainError, KeyError, ValueError, TypeError, AttributeError):
        return None
    return e


def _set(path: str, value: Any) -> Any:
    def change(d: dict[str, Any]) -> None:
        *head, last = path.split(".")
        for k in head:
            d = d[k]
        if value is _DROP:
            d.pop(last, None)
        else:
            d[last] = value

    return change


_DROP = object()

MUTATIONS = {
    "as sent": lambda d: None,
    "at with Z": _set("at", "2026-03-10T01:02:03.456789Z"),
    "at in milliseconds": _set("at", "2026-03-10T01:02:03.456+00:00"),
    "at without fraction": _set("at", "2026-03-10T01:02:03+00:00"),
    "at with another offset": _set("at", "2026-03-10T09:02:03+08:00"),
    "at naive": _set("at", "2026-03-10T01:02:03"),
    "at as a number": _set("at", 1773104523),
    "at in year 1": _set("at", "0001-01-01T00:00:00+00:00"),
    "at with a space": _set("at", "2026-03-10 01:02:03+00:00"),
    "at on 30 February": _set("at", "2026-02-30T01:02:03+00:00"),
    "at with a newline": _set("at", "2026-03-10T01:02:03+00:00\n"),
    "event id short": _set("event_id", "abc"),
    "event id with a newline": _set("event_id", "c0ffee00-0000-4000-8000-00000000000\n"),
    "event id a number": _set("event_id", 12345678),
    "case id empty": _set("case_id", ""),
    "office lower case": _set("office", "h01"),
    "office with a newline": _set("office", "H01\n"),
    "device too long": _set("device", "123456789"),
    "clerk empty": _set("clerk", ""),
    "clerk with NUL": _set("clerk", "a\x00b"),
    "clerk too long": _set("clerk", "x" * 500),
    "type unknown": _set("type", "case.exploded"),
    "type a number": _set("type", 7),
    "payload missing": _set("payload", _DROP),
    "payload null": _set("payload", None),
    "payload a list": _set("payload", []),
    "payload text with NUL": _set("payload.applicant.name", "王\x00"),
    "payload key with NUL": _set("payload.x\x00", 1),
    "payload float NaN": _set("payload.copies", float("nan")),
    "payload big integer": _set("payload.copies", 2**60),
    "time limit negative": _set("payload.time_limit_working_days", -3),
    "case number of another office": _set(
        "payload.case_number", str(CaseNumber("H02", "02", 115, 1))
    ),
    "case number missing": _set("payload.case_number", _DROP),
    "unknown key": _set("extra", 1),
    "hash upper case": _set("hash", "A" * 64),
    "hash short": _set("hash", "a" * 63),
    "prev null": _set("prev", None),
    "hash dropped": _set("hash", _DROP),
    "prev dropped": _set("prev", _DROP),
    "hash with a newline": _set("hash", "a" * 64 + "\n"),
    "hash with a space inside": _set("hash", "a" * 31 + " " + "a" * 32),
    "hash of other letters": _set("hash", "g" * 64),
    "hash of Arabic-Indic digits": _set("hash", "\u0663" * 64),
    "hash a number": _set("hash", 1),
    "prev too long": _set("prev", "0" * 65),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_the_one_pass_accepts_only_what_the_old_way_accepts(name: str) -> None:
    data = _plain()
    MUTATIONS[name](data)
    old = _old_way(copy.deepcopy(data))
    fast = plainly_valid_event(copy.deepcopy(data))
    if fast is not None:
        assert old is not None, "the one pass accepted what the old way refuses"
        e, typed, _ = fast
        assert e == old and e.at.tzinfo == UTC
        assert vars(e) == vars(old)  # every field on the event itself (none left to a default)
        assert typed == payload_of(old)  # what the fold would read


def test_events_as_the_county_sends_them_take_the_one_pass() -> None:
    data = _plain()
    fast = plainly_valid_event(data)
    assert fast is not None and fast[0] == _old_way(data)
    data["at"] = "2026-03-10T01:02:03.456789Z"
    assert plainly_valid_event(data) is not None


@pytest.mark.parametrize("name", sorted(n for n in MUTATIONS if "prev" in n or "hash" in n))
def test_a_known_hash_spares_only_a_prev_equal_to_it(name: str) -> None:
    """``known`` (the hash of the event before in the page, already tested) lets a ``prev``
    equal to it pass without a second pattern match; any other ``prev`` is still tested, so
    the one pass accepts exactly what it accepts without it."""
    data = _plain()
    MUTATIONS[name](data)
    alone = plainly_valid_event(copy.deepcopy(data))
    for known in ("a" * 64, str(data.get("hash")), "b" * 64):
        with_known = plainly_valid_event(copy.deepcopy(data), known)
        assert (with_known is None) == (alone is None), (name, known)
        if alone is not None and with_known is not None:
            assert vars(with_known[0]) == vars(alone[0])


def test_a_page_checks_each_prev_that_is_not_the_hash_before_it() -> None:
    """check_page hands each event the hash of the one before it: an event whose ``prev`` is
    not a hash is refused by the one pass even after an event that passed (the old way then
    names the problem)."""
    from eservice_desktop.county_link.protocol import Change
    from eservice_desktop.services.sync.inbox import check_page

    first = _plain()
    second = _plain()
    second["event_id"] = "c0ffee00-0000-4000-8000-000000000002"
    second["prev"] = first["hash"]
    second["hash"] = chain.event_hash(Event.from_dict(second), first["hash"])
    third = copy.deepcopy(second)
    third["event_id"] = "c0ffee00-0000-4000-8000-000000000003"
    third["prev"] = "C" * 64  # upper case: not a hash
    changes = [Change(seq=i, kind="event", data=d) for i, d in enumerate((first, second, third))]
    checked = check_page(changes)
    assert checked[0] is not None and checked[1] is not None
    assert checked[1][0].prev == first["hash"]
    assert checked[2] is None
