"""The quick forms the bulk ingest runs give exactly what their plain definitions give: the
first refused character, the JSON document check, the chain's canonical bytes, the case
number's check digit and the fold's copy of a state."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eservice_desktop.domain import case_number as cn
from eservice_desktop.domain import chain
from eservice_desktop.domain import events as ev
from eservice_desktop.domain import values as v
from eservice_desktop.domain.case import CaseState, Payment
from eservice_desktop.domain.case_fold import replace
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import Event

#: Characters around every edge of the refused classes, in and beyond the BMP.
EDGES = [
    *map(chr, range(0x00, 0x30)),
    *map(chr, range(0x7E, 0xA2)),
    *"\u061b\u061c\u200d\u200e\u200f\u2027\u2028\u2029\u202a\u202e\u202f\u2065\u2066\u2069",
    *map(chr, range(0xD7FE, 0xD802)),
    *map(chr, range(0xDFFE, 0xE002)),
    *map(chr, range(0xFDCE, 0xFDF2)),
    *map(chr, range(0xFFFC, 0x10000)),
    *"\U00010000\U0001fffd\U0001fffe\U0001ffff\U00020000\U0002a6d6\U000f0000\U0010fffe\U0010ffff",
    *"桃園王小明號（）",
]
TEXT = st.text(alphabet=st.sampled_from(EDGES), max_size=8)


@given(TEXT)
@settings(max_examples=800)
def test_first_refused_character_is_the_full_class_first(text: str) -> None:
    for multiline in (False, True):
        full = (v._REFUSED_MULTILINE if multiline else v._REFUSED).search(text)
        assert v.bad_char(text, multiline=multiline) == (full.group() if full else None)


def _outcome(fn: object, *args: object, **kwargs: object) -> object:
    try:
        return ("ok", fn(*args, **kwargs))  # type: ignore[operator]
    except DomainError as e:
        return ("refused", e.code, e.message_en)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**54), max_value=2**54)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
@settings(max_examples=600)
def test_json_check_accepts_and_refuses_as_the_value_walk_does(doc: object) -> None:
    for exact in (True, False):
        assert _outcome(v.check_json, doc, "payload", exact_ints=exact) == _outcome(
            v._check_json_values, doc, "payload", exact_ints=exact
        )


def test_json_check_limits_and_odd_types_take_the_value_walk() -> None:
    deep: object = "x"
    for _ in range(v.JSON_DEPTH_MAX + 1):
        deep = [deep]
    for doc in (deep, list(range(v.JSON_ITEMS_MAX)), {1: "a"}, {"k": object()}, "x" * 2001):
        assert _outcome(v.check_json, doc) == _outcome(
            v._check_json_values, doc, "payload", exact_ints=True
        )
        assert _outcome(v.check_json, doc)[0] == "refused"


@given(
    clerk=TEXT.filter(bool),
    payload=st.dictionaries(TEXT, JSON, max_size=5),
    prev=TEXT,
)
@settings(max_examples=400)
def test_canonical_bytes_equal_the_sorted_document(clerk: str, payload: dict, prev: str) -> None:
    e = Event(
        "e-1", "c-1", ev.CLOSED, "H01", "01", clerk, datetime(2026, 3, 2, tzinfo=UTC), payload
    )
    try:
        want = chain._canonical_document(e, prev)
    except ValueError:  # NaN or infinity: neither encoding takes it
        with pytest.raises(ValueError):
            chain.canonical(e, prev)
        return
    assert chain.canonical(e, prev) == want
    # the bulk append's form: the same link, and the payload's part of the same bytes
    linked, payload_json = chain.link_encoded(e, prev)
    assert linked == chain.link(e, prev) and json.loads(payload_json) == payload
    assert chain.digest_encoded(e, prev) == (chain.event_hash(e, prev), payload_json)
    # the county's feed form: the text those bytes are
    assert chain.digest_text(e, prev) == (chain.event_hash(e, prev), payload_json, want.decode())
    assert linked.hash == chain.event_hash(e, prev) and linked.prev == prev
    assert f',"payload":{payload_json},"prev":'.encode() in want
    assert chain.payload_json(payload) == chain._PAYLOAD.encode(payload)


class _OddTime(datetime):
    """A time whose ISO text is not a datetime's (the quick form writes that text unquoted)."""

    def isoformat(self, *args: object, **kwargs: object) -> str:
        return 'a "quoted" time'


def test_canonical_bytes_of_odd_envelopes_are_the_documents() -> None:
    """Fields that are not text, or a time that is not a plain ``datetime``, take the
    document's encoding: the same bytes as its definition, never the quick form's."""
    fields = {
        "event_id": "e-1",
        "case_id": "c-1",
        "type": ev.CLOSED,
        "office": "H01",
        "device": "01",
        "clerk": "王",
        "at": datetime(2026, 3, 2, 8, tzinfo=UTC),
        "payload": {"note": ""},
        "prev": None,
        "hash": None,
    }
    odd_time = _OddTime(2026, 3, 2, 8, tzinfo=UTC)
    for change in ({}, {"office": 1}, {"clerk": None}, {"type": 7}, {"at": odd_time}):
        e = Event.unchecked({**fields, **change})
        assert chain.canonical(e, chain.GENESIS) == chain._canonical_document(e, chain.GENESIS)
    assert b'"prev":1' in chain.canonical(Event.unchecked(fields), 1)  # type: ignore[arg-type]
    assert b'a \\"quoted\\" time' in chain.canonical(
        Event.unchecked({**fields, "at": odd_time}), chain.GENESIS
    )


def test_a_circular_payload_is_refused_by_the_encoder() -> None:
    """The made-once encoder keeps no circular-reference bookkeeping: such a payload still
    fails (it can only come from code, never from JSON), and the next encoding is unharmed."""
    loop: dict = {"a": 1}
    loop["self"] = loop
    with pytest.raises((ValueError, RecursionError)):
        chain.payload_json(loop)
    assert chain.payload_json({"b": [1, "二"], "a": None}) == '{"a":null,"b":[1,"二"]}'


def _luhn(body: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(cn._digits(body))):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


@given(st.from_regex(r"[A-Z][0-9]{0,14}", fullmatch=True))
def test_check_digit_is_luhn(body: str) -> None:
    assert cn.check_digit(body) == _luhn(body)


def test_fold_copy_equals_dataclasses_replace() -> None:
    state = CaseState(
        "c",
        "n",
        "S",
        "H01",
        datetime(2026, 3, 2, tzinfo=UTC),
        3,
        "person",
        "national_id",
        "A1",
        "王",
    )
    changes = {"phone": "0912", "event_count": 4, "pauses": ((state.received_at, None),)}
    assert replace(state, **changes) == dataclasses.replace(state, **changes)
    assert state.phone == ""  # the original is untouched
    pay = Payment("p", "cash", 10, state.received_at, "R1")
    assert replace(pay, voided=True) == dataclasses.replace(pay, voided=True)
    with pytest.raises(TypeError):
        replace(state, no_such_field=1)


def _twin(bad: str, good: str) -> str:
    """``bad`` text that claims to be ``good`` (a hostile subclass: same hash, equal to all)."""

    class Twin(str):
        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return hash(good)

    return Twin(bad)


def test_envelope_values_seen_before_are_still_refused_when_bad(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Office codes, devices and clerks accepted once are remembered (values._ACCEPTED_*):
    a bad value is refused every time, whatever was accepted before, a subclass of text is
    never taken for a remembered one, and past the bound new values are checked as before."""
    checks = (
        (v.check_office, "H01", "h01"),
        (v.check_device, "01", "0 1"),
        (v.check_clerk, "王", "\u202e王"),
    )
    for check, good, bad in checks:
        for _ in range(2):
            assert check(good) == good
            with pytest.raises(DomainError):
                check(bad)
            with pytest.raises(DomainError):
                check(_twin(bad, good))  # the remembered value by its own word only
            with pytest.raises(DomainError):
                check(None)
    monkeypatch.setattr(v, "_ACCEPTED_MAX", len(v._ACCEPTED_OFFICES) + 1)
    for n in range(20):
        assert v.check_office(f"Z{n:02d}") == f"Z{n:02d}"
    assert len(v._ACCEPTED_OFFICES) == v._ACCEPTED_MAX
    assert "Z19" not in v._ACCEPTED_OFFICES  # accepted past the bound by its rule, not kept
    with pytest.raises(DomainError):
        v.check_office("Z100")  # and a bad one is still refused


def _envelope_outcome(check: object, e: Event) -> object:
    try:
        check(e)  # type: ignore[operator]
    except DomainError as err:
        return ("refused", err.code, err.message_zh, err.message_en, err.field)
    return "ok"


class _Stamp(datetime):
    """A time whose comparisons fail: who compares it first decides which refusal comes."""

    def __lt__(self, other: object) -> bool:
        raise TypeError("no order")

    __gt__ = __le__ = __ge__ = __lt__


class _Type(str):
    """A type name that cannot be looked up: a set test on it fails."""

    def __hash__(self) -> int:
        raise TypeError("no hash")


def test_the_envelope_quick_test_decides_as_the_rules_in_order() -> None:
    from datetime import timedelta, timezone
    from zoneinfo import ZoneInfo

    from eservice_desktop.domain.event_values import check_envelope, check_envelope_in_order

    good: dict[str, object] = {
        "event_id": "e-1",
        "case_id": "c-1",
        "type": ev.RECEIVED,
        "office": "H01",
        "device": "01",
        "clerk": "王",
        "at": datetime(2026, 3, 10, 1, 0, tzinfo=UTC),
        "payload": {},
        "prev": None,
        "hash": None,
    }
    plus8 = timezone(timedelta(hours=8))
    odd: list[dict[str, object]] = [
        {},
        {"event_id": "e 1"},
        {"event_id": "x" * 37},
        {"case_id": ""},
        {"case_id": 1},
        {"office": "h01", "type": "case.nope"},
        {"device": "0 1", "at": datetime(1999, 1, 1, tzinfo=UTC)},
        {"clerk": "\u202e王"},
        {"at": v.EARLIEST},
        {"at": v.EARLIEST + timedelta(microseconds=1)},
        {"at": v.LATEST},
        {"at": v.LATEST - timedelta(microseconds=1)},
        {"at": datetime(2000, 1, 1, 7, tzinfo=plus8)},  # the wall clock is inside
        {"at": datetime(2099, 12, 31, 23, tzinfo=timezone(-timedelta(hours=2)))},
        {"at": datetime(2026, 1, 1)},
        {"type": "case.nope"},
        {"type": ["case.received"], "office": "h01"},
        # UTC by another object (ZoneInfo, a named zero offset): the rules decide, alike
        *(
            {"at": datetime(*wall, tzinfo=zone)}
            for zone in (ZoneInfo("UTC"), timezone(timedelta(0), "Z"), ZoneInfo("Asia/Taipei"))
            for wall in ((2000, 1, 1), (2000, 1, 1, 0, 0, 0, 1), (2099, 12, 31, 23, 59, 59))
        ),
        {"at": datetime(2000, 1, 1, 7, tzinfo=ZoneInfo("Asia/Taipei"))},
        # inside the window in UTC, its wall clock outside it: the rules refuse it
        {"at": datetime(2100, 1, 1, 5, tzinfo=ZoneInfo("Asia/Taipei"))},
        {"at": datetime(1999, 12, 31, 20, tzinfo=ZoneInfo("America/Los_Angeles"))},
        {"at": datetime(2026, 3, 10, 1, tzinfo=timezone(timedelta(0)))},  # the UTC object
        # a subclass of datetime, of str for the type: a plain one, a hostile one
        {"at": _Stamp(2026, 3, 10, 1, tzinfo=UTC)},
        {"at": _Stamp(2026, 3, 10, 1, tzinfo=UTC), "office": "h01"},
        {"at": _Stamp(1999, 3, 10, 1, tzinfo=UTC), "device": "0 1"},
        {"type": _Type(ev.RECEIVED)},
        {"type": _Type(ev.RECEIVED), "office": "h01"},
        {"type": _Type(ev.RECEIVED), "clerk": "\u202e王"},
        {"type": type("Name", (str,), {})(ev.RECEIVED)},
        {"type": type("Name", (str,), {})("case.nope"), "device": "0 1"},
    ]
    for change in odd:
        e = Event.unchecked({**good, **change})  # what a wire or a database may hold
        try:
            want = _envelope_outcome(check_envelope_in_order, e)
        except TypeError:
            want = "TypeError"
        try:
            got = _envelope_outcome(check_envelope, e)
        except TypeError:
            got = "TypeError"
        assert got == want, change
