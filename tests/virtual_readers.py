"""The virtual card readers are one pair per machine (pcscd + vpcd), shared by both xdist workers.

A test that puts cards in them (marked ``pcsc``) has them to itself; a test that watches them
(marked ``readers``: every counter window's identity panel and screen lock do, so all of
``tests/gui``) never runs beside one. Without this, a card inserted by one worker fills the
intake form of the other worker's window (and its 300 ms draft save lands on that test's disk),
or its removal locks that window's screen: failures that depend on which tests ran side by side.

The lock is a file in the run's shared temporary directory, held with ``flock``: exclusive for
``pcsc``, shared for ``readers``. It is held from before the test's fixtures to after their
teardown, so the cards fixture's "let pcscd notice the removal" pause is inside it too.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

LOCK_NAME = "virtual-card-readers.lock"


def lock_mode(item: pytest.Item) -> int | None:
    """``LOCK_EX`` for a test that inserts cards, ``LOCK_SH`` for one that watches, else None."""
    if item.get_closest_marker("pcsc") is not None:
        return fcntl.LOCK_EX
    if item.get_closest_marker("readers") is not None:
        return fcntl.LOCK_SH
    return None


@contextmanager
def holding(run_dir: Path, mode: int) -> Iterator[None]:
    """The readers lock of this run (``run_dir`` is shared by the run's workers)."""
    with open(run_dir / LOCK_NAME, "a+b") as f:
        fcntl.flock(f, mode)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
