"""Time-ordered ids for new events and cases: UUID version 7 (RFC 9562, section 5.7).

An id begins with the Unix time in milliseconds, so the ids a device makes sort by when they
were made and a new row's key lands at the end of the ``events`` and ``cases`` indexes instead
of on a random page of them (with SQLCipher each touched page is encrypted again into the
log at commit). The other 74 bits are random, as in a version 4 id, and within this process
each id is greater than the one before (RFC 9562 6.2, method 2: an id of the same
millisecond, or of a clock that stepped back, is the previous one plus one), so two ids made
by one process never collide (another process of the same device draws its own random bits).
What an id is checked against everywhere (``domain.values.check_id``) is unchanged: a
version 7 id is text of the same form as a version 4 one.

The one place the domain reads the clock and the system's entropy (docs/architecture.md): the
time an id is made is part of the id, not of the event it names.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

__all__ = ["new_id", "uuid7_text"]

_RANDOM_BITS = 74  # rand_a (12) and rand_b (62)
_LOW62 = (1 << 62) - 1
_lock = threading.Lock()
#: The last id this process made, as (milliseconds << 74) | random bits.
_last = 0


def _urandom_bits(n: int) -> int:
    return int.from_bytes(os.urandom((n + 7) // 8)) >> (-n % 8)


def new_id(randbits: Callable[[int], int] = _urandom_bits) -> str:
    """A new version 7 id as text (``str(uuid.UUID(...))``'s form), greater than every id
    this process made before. ``randbits``: where its random bits come from (the system's
    entropy; a demo seed passes its own generator, seeded from that entropy)."""
    global _last  # noqa: PLW0603 - one sequence per process
    value = (time.time_ns() // 1_000_000) << _RANDOM_BITS | randbits(_RANDOM_BITS)
    with _lock:
        if value <= _last:
            value = _last + 1
        _last = value
    return uuid7_text(value)


def uuid7_text(value: int) -> str:
    """The id of ``value`` ((milliseconds << 74) | random bits) as text: the time in the
    first 48 bits, then version 7, 12 bits, the variant (binary 10) and 62 bits."""
    bits = (
        (value >> _RANDOM_BITS) << 80
        | 0x7 << 76
        | ((value >> 62) & 0xFFF) << 64
        | 0x2 << 62
        | (value & _LOW62)
    )
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
