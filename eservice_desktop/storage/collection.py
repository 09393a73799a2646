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
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collection_paused() -> Iterator[None]:
    """The block runs with the cyclic collector off (see the module docstring)."""
    global _holders, _was_enabled  # noqa: PLW0603 - one process-wide switch, one count
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
