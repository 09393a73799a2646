"""How far a long check has come, for whoever asked for it at a terminal.

``audit verify`` and ``backup verify`` read every event of the office, a few thousand at a time
(services/audit.py): a year of a busy office, a million events, takes about a minute, and a
backup's copy several, with nothing said until the end, so IT took the silent command for hung
and stopped it. The command line listens around the check (:func:`listening`, from
``cli/progress.py``); the chain walk tells the listener (:func:`listener`) how many events it
has read of how many. Nothing listens elsewhere: the window's checks show their own busy line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: (events read, events in all).
Listener = Callable[[int, int], None]

_LISTENER: ContextVar[Listener | None] = ContextVar("check_progress", default=None)


@contextmanager
def listening(hear: Listener | None) -> Iterator[None]:
    """``hear`` is told how far every chain check run inside the block has come."""
    token = _LISTENER.set(hear)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def listener() -> Listener | None:
    """Who listens to a check starting now, if anyone."""
    return _LISTENER.get()
