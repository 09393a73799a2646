"""``Fields.quick_json``, the one walk ``event_values.check_payload`` makes of a payload for the
JSON rules and its class's rules together, gives the very object the two walks give
(``values.check_json`` then ``from_payload``) or None, and then the two walks decide: every
refusal stays theirs. Payloads drawn around every rule's edge (``test_payload_after_json``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from eservice_desktop.domain import event_values as evv
from eservice_desktop.domain import payloads as pl
from eservice_desktop.domain import values as v
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event
from tests.unit.domain.test_payload_after_json import VALID, changed


def _two_walks(cls: type[pl.Fields], p: Any) -> object:
    try:
        v.check_json(p)
        typed = cls.from_payload(p, json_checked=True)
    except DomainError as e:
        return ("refused", e.code, e.message_zh, e.message_en, e.field)
    except KeyError as e:
        return ("missing", e.args)
    return ("ok", typed, list(typed.extra))


def _same_or_none(cls: type[pl.Fields], p: Any) -> None:
    typed = cls.quick_json(p)
    if typed is not None:
        assert _two_walks(cls, p) == ("ok", typed, list(typed.extra))


def test_every_valid_example_takes_the_one_walk() -> None:
    for type_, payload in VALID.items():
        cls = pl.PAYLOADS[type_]
        assert cls.quick_json(payload) is not None, type_
        _same_or_none(cls, payload)


@given(
    st.sampled_from(sorted(VALID)).flatmap(
        lambda t: st.tuples(st.just(t), changed(pl.PAYLOADS[t], VALID[t]))
    )
)
@settings(max_examples=600)
def test_the_one_walk_gives_what_the_two_give_or_leaves_it_to_them(
    case: tuple[str, dict[str, Any]],
) -> None:
    type_, payload = case
    _same_or_none(pl.PAYLOADS[type_], payload)


def test_json_refusals_are_left_to_check_json() -> None:
    base = VALID["case.supplement_requested"]
    deep: object = "x"
    for _ in range(v.JSON_DEPTH_MAX):
        deep = [deep]
    for bad in (
        {"other": "a\x00b"},
        {"other": {"k\n": 1}},
        {"other": 2**53},
        {"other": float("nan")},
        {"other": deep},
        {"other": list(range(v.JSON_ITEMS_MAX))},
        {"reason": "a\u202eb"},
        {"items": ["\ufffe"]},
        {"x" * 41: 1},
        {1: "a"},
    ):
        payload = {**base, **bad}
        assert pl.SupplementRequested.quick_json(payload) is None, bad
        assert _two_walks(pl.SupplementRequested, payload)[0] == "refused", bad


def test_a_null_optional_field_is_kept_apart_in_the_same_order() -> None:
    payload = {"other": 1, "reference": None, **VALID["case.payment_recorded"], "zz": None}
    payload["reference"] = None
    _same_or_none(pl.PaymentRecorded, payload)
    assert pl.PaymentRecorded.quick_json(payload) is not None


def _event(type_: str, payload: dict[str, Any], office: str = "H01") -> Event:
    at = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    return Event("e-1", "c-1", type_, office, "01", "clerk", at, payload)


def _checked(e: Event) -> object:
    try:
        return ("ok", evv.check_payload(e))
    except DomainError as err:
        return ("refused", err.code, err.message_zh, err.message_en, err.field)
    except KeyError as err:
        return ("missing", err.args)


def test_a_received_case_number_of_another_office_is_refused_as_before() -> None:
    payload = VALID["case.received"]
    number = payload["case_number"]
    other = "H02" if not number.startswith("H02") else "H03"
    got = _checked(_event("case.received", payload, office=other))
    assert got[:2] == ("refused", "case_number.office")
    assert _checked(_event("case.received", payload, office=number[:3]))[0] == "ok"


@given(
    st.sampled_from(sorted(VALID)).flatmap(
        lambda t: st.tuples(st.just(t), changed(pl.PAYLOADS[t], VALID[t]))
    )
)
@settings(max_examples=400)
def test_the_after_json_walk_gives_what_the_full_rules_give_or_leaves_it_to_them(
    case: tuple[str, dict[str, Any]],
) -> None:
    """``Fields._quick`` (after ``check_json``, the county's push) keeps nulls and unnamed
    keys in ``extra`` in the order the full rules keep them."""
    type_, payload = case
    cls = pl.PAYLOADS[type_]
    cls._field_specs()
    if _two_walks(cls, payload)[0] != "ok":
        return
    typed = cls._quick(payload)
    if typed is not None:
        full = cls.from_payload(payload)
        assert (typed, list(typed.extra)) == (full, list(full.extra))


def test_a_null_optional_field_takes_the_after_json_walk() -> None:
    payload = {"other": 1, **VALID["case.payment_recorded"], "reference": None}
    typed = pl.PaymentRecorded._quick(payload)
    assert typed is not None
    full = pl.PaymentRecorded.from_payload(payload)
    assert (typed, list(typed.extra)) == (full, list(full.extra))
