"""This build as a reader of the county's feed, and how it names itself to the county.

An office whose build does not know an event type the county sends sets that event aside
(services/sync/parked_retry.py tries it again once a build that reads the feed differently
runs); the county keeps each device's build from its User-Agent so that county IT sees which
counters are behind before an upgrade brings a new type (`eservice-county devices`).
"""

from __future__ import annotations

import hashlib
import re

from eservice_desktop import __version__
from eservice_desktop.domain.events import ALL_TYPES

#: The User-Agent's product; the build follows in parentheses.
PRODUCT = "eservice-desktop-sync/1"
#: A build as the county takes it from a User-Agent (anything else is kept as unknown).
_BUILD = re.compile(r"^eservice-desktop-sync/1 \(([0-9A-Za-z.+_-]{1,60})\)$")


def reader_build(version: str = __version__, types: frozenset[str] = ALL_TYPES) -> str:
    """Its version and the event types it knows: a build that learns a type is another
    reader even when nobody bumped the version."""
    known = hashlib.sha256("\n".join(sorted(types)).encode()).hexdigest()[:12]
    return f"{version}+{known}"


def user_agent() -> str:
    return f"{PRODUCT} ({reader_build()})"


def build_of(agent: str) -> str:
    """The build a User-Agent names; "" for one of an older build or of no counter at all."""
    found = _BUILD.match(agent)
    return found.group(1) if found else ""
