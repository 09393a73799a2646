"""New ids are UUID version 7 (RFC 9562): the time first, then random bits, in order within
the process."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable

import pytest

from eservice_desktop.domain import uuid7
from eservice_desktop.domain.uuid7 import new_id, new_ids, uuid7_text
from eservice_desktop.domain.values import check_id


def test_an_id_has_version_7_the_rfc_variant_and_the_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    text = new_id()
    after = time.time_ns() // 1_000_000
    u = uuid.UUID(text)
    assert str(u) == text
    assert u.version == 7
    assert u.variant == uuid.RFC_4122
    assert before <= u.int >> 80 <= after
    assert check_id(text, "event_id") == text  # the form every id is checked against


def test_the_layout_keeps_every_bit_of_time_and_randomness() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        ms, bits = rng.getrandbits(48), rng.getrandbits(74)
        text = uuid7_text(ms << 74 | bits)
        u = uuid.UUID(text)
        assert str(u) == text  # the standard text form, written from the parts
        assert (u.version, u.variant) == (7, uuid.RFC_4122)
        assert u.int >> 80 == ms
        assert (u.int >> 64) & 0xFFF == bits >> 62  # rand_a
        assert u.int & ((1 << 62) - 1) == bits & ((1 << 62) - 1)  # rand_b
    top = uuid.UUID(uuid7_text((1 << 122) - 1))
    assert (top.version, top.variant, top.int >> 80) == (7, uuid.RFC_4122, (1 << 48) - 1)


def test_ids_of_one_millisecond_and_of_a_clock_stepped_back_still_increase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The random bits of a later id may be smaller, and the clock may step back: the id is
    then the previous one plus one, never equal or smaller."""

    clock = [1_700_000_000_000_000_000]
    monkeypatch.setattr(uuid7.time, "time_ns", lambda: clock[0])
    monkeypatch.setattr(uuid7, "_last", 0)
    falling = iter(range(1000, 0, -1))
    ids = [new_id(lambda _n: next(falling)) for _ in range(500)]
    clock[0] -= 5_000_000_000  # five seconds back
    ids += [new_id(lambda _n: next(falling)) for _ in range(500)]
    assert ids == sorted(ids) and len(set(ids)) == 1000
    assert all(uuid.UUID(i).version == 7 for i in ids)


def test_ids_made_on_many_threads_at_once_are_distinct(monkeypatch: pytest.MonkeyPatch) -> None:
    """One millisecond and no random bits: every id is made by the "previous plus one" step,
    from four threads at once, and still no two are equal. (On CPython 3.11 no thread switch
    falls between reading and writing the last id, as there is no call between; the lock is
    for an interpreter that switches anywhere, and this test does not prove it is needed.)"""
    monkeypatch.setattr(uuid7.time, "time_ns", lambda: 1_700_000_000_000_000_000)
    monkeypatch.setattr(uuid7, "_last", 0)
    made: list[list[str]] = [[] for _ in range(4)]

    def make(out: list[str]) -> None:
        out.extend(new_id(lambda _n: 0) for _ in range(20000))

    threads = [threading.Thread(target=make, args=(out,)) for out in made]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({i for out in made for i in out}) == 80000
    assert all(out == sorted(out) for out in made)


def test_ids_made_in_one_go_are_those_made_one_by_one_within_a_millisecond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``new_ids`` (a demo seed's events) gives what as many ``new_id`` calls of one
    millisecond give from the same random bits: each id greater than the one before (a
    smaller draw is the previous id plus one), and the next id made after them greater
    still, whichever way it is made."""
    monkeypatch.setattr(uuid7.time, "time_ns", lambda: 1_700_000_000_000_000_000)
    draws = [5, 9, 3, 3, 1 << 73, 7, (1 << 74) - 1, 0]

    def bits() -> Callable[[int], int]:
        it = iter(draws * 2)
        return lambda n: next(it) if n == 74 else pytest.fail("74 random bits per id")

    monkeypatch.setattr(uuid7, "_last", 0)
    one = bits()
    one_by_one = [new_id(one) for _ in draws]
    monkeypatch.setattr(uuid7, "_last", 0)
    in_one_go = new_ids(len(draws), bits())
    assert in_one_go == one_by_one
    assert in_one_go == sorted(in_one_go) and len(set(in_one_go)) == len(draws)
    assert all(uuid.UUID(i).version == 7 for i in in_one_go)
    assert new_id(lambda _n: 0) > in_one_go[-1]
    assert new_ids(0) == []
