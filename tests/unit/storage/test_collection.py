"""The collector is off while a batch is applied and comes back as it was, whoever else holds
it meanwhile."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from eservice_desktop.storage.collection import collection_paused


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_off_inside_and_on_again_after_even_when_the_batch_fails() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collection_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_a_nested_holder_leaving_first_does_not_turn_it_back_on() -> None:
    gc.enable()
    with collection_paused():
        with collection_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


#: How long one thread of a test waits for the other: only a thread that never comes ends the
#: wait. With 5 s, a thread started 6 s late on a loaded machine failed the test.
WAIT_S = 60.0


def test_holders_on_two_threads_leave_it_on_only_after_the_last() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collection_paused():
            inside.set()
            release.wait(WAIT_S)

    t = threading.Thread(target=other)
    try:
        with collection_paused():
            t.start()
            assert inside.wait(WAIT_S)
        assert not gc.isenabled()  # the other thread still applies its batch
    finally:
        release.set()
    t.join(WAIT_S)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_holders_still_collect_once_the_pause_is_too_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Holders that keep overlapping never bring the count to zero: one leaving after
    ``MAX_OFF_S`` collects once (and the collector stays off for the others)."""
    from eservice_desktop.storage import collection

    collections: list[str] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:  # a full one, as gc.collect() runs
            collections.append(phase)

    gc.enable()
    monkeypatch.setattr(collection, "MAX_OFF_S", 0.0)
    gc.callbacks.append(count)
    try:
        with collection_paused():
            with collection_paused():
                pass
            assert collections == ["start"] and not gc.isenabled()
            with collection_paused():
                pass
            assert len(collections) == 2
        assert len(collections) == 2 and gc.isenabled()  # the last one out only turns it on
        monkeypatch.setattr(collection, "MAX_OFF_S", 3600.0)
        with collection_paused(), collection_paused():
            pass
        assert len(collections) == 2  # a short overlap collects nothing
    finally:
        gc.callbacks.remove(count)
