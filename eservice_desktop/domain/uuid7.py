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

__all__ = ["new_id", "new_ids", "uuid7_text"]

_RANDOM_BITS = 74  # rand_a (12) and rand_b (62)
_LOW74 = (1 << _RANDOM_BITS) - 1
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


def new_ids(count: int, randbits: Callable[[int], int] = _urandom_bits) -> list[str]:
    """``count`` new ids, as ``count`` calls of :func:`new_id` made within one millisecond
    give them (the same random bits drawn in the same order, each id greater than the one
    before): the clock read and the lock taken once, for a demo seed's events (150,000 a
    batch, where reading the clock and taking the lock for each cost as much as its text)."""
    global _last  # noqa: PLW0603 - one sequence per process
    now = (time.time_ns() // 1_000_000) << _RANDOM_BITS
    values = [now | randbits(_RANDOM_BITS) for _ in range(count)]
    with _lock:
        last = _last
        for i, drawn in enumerate(values):
            last = values[i] = drawn if drawn > last else last + 1
        _last = last
    return [uuid7_text(v) for v in values]


def uuid7_text(value: int) -> str:
    """The id of ``value`` ((milliseconds << 74) | random bits) as text: the time in the
    first 48 bits, then version 7, 12 bits, the variant (binary 10) and 62 bits.

    Its five groups are written from those parts by one ``%`` (the time's upper 32 and lower
    16 bits; 7 and rand_a; the variant and the upper 14 bits of rand_b; its lower 48), not
    cut from the hex text of the 128-bit number: every event and case id is written here."""
    ms, bits = value >> _RANDOM_BITS, value & _LOW74
    return "%08x-%04x-7%03x-%04x-%012x" % (  # noqa: UP031 (the quickest form)
        ms >> 16,
        ms & 0xFFFF,
        bits >> 62,
        0x8000 | (bits >> 48) & 0x3FFF,
        bits & 0xFFFF_FFFF_FFFF,
    )
