"""Devices of the machine that the xdist workers share: the virtual card readers (one pcscd
with vpcd) and the X display (one Xvfb).

- A test that puts cards in the readers (marked ``pcsc``) has them to itself; a test that watches
  them (marked ``readers``: every counter window's identity panel and screen lock do, so all of
  ``tests/gui``) never runs beside one. Without this, a card inserted by one worker fills the
  intake form of the other worker's window (and its 300 ms draft save lands on that test's disk),
  or its removal locks that window's screen.
- A test on the real X display (marked ``xvfb``) has it to itself: real key events (xdotool) go
  to whichever window has the focus, and another worker's window may have taken it.

Each is a file lock in the run's shared temporary directory, held with ``flock`` from before the
test's fixtures to after their teardown (so the cards fixture's "let pcscd notice the removal"
pause is inside it too).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

READERS_LOCK = "virtual-card-readers.lock"
DISPLAY_LOCK = "x-display.lock"


def locks_of(item: pytest.Item) -> list[tuple[str, int]]:
    """The locks a test holds, in one order for every test (no two tests wait on each other)."""
    locks: list[tuple[str, int]] = []
    if item.get_closest_marker("pcsc") is not None:
        locks.append((READERS_LOCK, fcntl.LOCK_EX))
    elif item.get_closest_marker("readers") is not None:
        locks.append((READERS_LOCK, fcntl.LOCK_SH))
    if item.get_closest_marker("xvfb") is not None:
        locks.append((DISPLAY_LOCK, fcntl.LOCK_EX))
    return locks


@contextmanager
def holding(run_dir: Path, locks: list[tuple[str, int]]) -> Iterator[None]:
    """Holds ``locks`` (from :func:`locks_of`) in ``run_dir``, shared by the run's workers."""
    with ExitStack() as stack:
        for name, mode in locks:
            f = stack.enter_context(open(run_dir / name, "a+b"))
            fcntl.flock(f, mode)  # closing the file releases it
        yield
