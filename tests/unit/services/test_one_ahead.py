"""One request at a time on a thread of its own (services/sync/one_ahead.py), as the push and
the pull use it: a second cannot start before the first is taken, the answer or the error
comes back to the round's thread, and leaving waits for a request still under way."""

from __future__ import annotations

import threading

import pytest

from eservice_desktop.services.sync.one_ahead import OneAhead


def test_answers_come_back_in_turn_from_a_thread_of_its_own() -> None:
    with OneAhead[str]("test-one") as one:
        one.start(lambda: threading.current_thread().name)
        assert one.take().startswith("test-one")
        one.start(lambda: "second")
        assert one.take() == "second"


def test_a_second_request_waits_for_the_first_to_be_taken() -> None:
    with OneAhead[int]("test-one") as one:
        one.start(lambda: 1)
        with pytest.raises(RuntimeError, match="already under way"):
            one.start(lambda: 2)
        assert one.take() == 1
        with pytest.raises(RuntimeError, match="no request under way"):
            one.take()


def test_the_request_s_error_is_raised_where_it_is_taken() -> None:
    def refused() -> int:
        raise ConnectionError("refused")

    with OneAhead[int]("test-one") as one:
        one.start(refused)
        with pytest.raises(ConnectionError, match="refused"):
            one.take()


def test_leaving_waits_for_a_request_under_way() -> None:
    release, done = threading.Event(), threading.Event()

    def slow() -> None:
        release.wait(5)
        done.set()

    with pytest.raises(KeyError), OneAhead[None]("test-one") as one:
        one.start(slow)
        threading.Timer(0.1, release.set).start()
        raise KeyError("the round failed meanwhile")
    assert done.is_set()
    assert not [t for t in threading.enumerate() if t.name.startswith("test-one")]
