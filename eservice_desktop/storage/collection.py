"""Python's cyclic garbage collector held off while a bulk batch is applied: a pulled page, a
pushed batch (the office's, and the county's push door), a demo seed's batch. Here, below
``services`` and the county, because both ends use it and may run in one process (the
benchmarks, the tests): one count for the process.

Applying a pulled page makes tens of thousands of small objects that live until the page is
committed (events, their payload dicts, typed payloads, case states, row tuples). Each of them
counts towards the collector's thresholds, so a page set off several collections, the later
ones walking every object of the process (a signed-in counter holds millions): measured, a
quarter of a pull's CPU time, finding nothing, since those objects are freed by reference
counting when the page is done. :func:`collection_paused` disables the collector for the
span of a batch and turns it back on afterwards; cycles made meanwhile (by any thread) are
collected by the next collection as usual. Nested and concurrent holders are counted, so the
collector comes back on when the last one leaves, and only if it was on before the first.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False
_off_since = 0.0
#: The longest the collector stays off while holders overlap (a county taking pushes from many
#: devices at once may never see its count reach zero): a holder leaving after that collects
#: once, so cycles made meanwhile cannot pile up for the life of the process.
MAX_OFF_S = 30.0


@contextmanager
def collection_paused() -> Iterator[None]:
    """The block runs with the cyclic collector off (see the module docstring)."""
    global _holders, _was_enabled, _off_since  # noqa: PLW0603 - one process-wide switch
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            _off_since = time.monotonic()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        overdue = False
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
            elif _holders and _was_enabled and time.monotonic() - _off_since > MAX_OFF_S:
                overdue, _off_since = True, time.monotonic()
        if overdue:
            gc.collect()  # outside the lock: a finaliser may pause in turn


def is_paused() -> bool:
    """A batch holds the collector off now (the window's UI-thread collector waits for it)."""
    return _holders > 0
