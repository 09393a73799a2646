"""The office's counters as the county last said, and when each last synced: kept from a
round's first pull (``PullResponse.devices``) for the closings (services/closing_behind.py).

Read by every closing, which the fees page imports at start: kept as plain values, so neither
reading it nor the closing imports the wire's models (pydantic; the window's cold start loads
the sync stack only once the link starts, tests/gui/test_cold_start_imports.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import get_state, set_state

if TYPE_CHECKING:
    from eservice_desktop.county_link.protocol import OfficeDevice

#: The ``sync_state`` entry holding the county's last word on the office's counters.
OFFICE_DEVICES = "office_devices"
#: How old the kept word may grow, on rounds that bring nothing else, before it is written
#: again: an idle round writes nothing (services/sync/round.py), and a word that never aged
#: would make a closing of today judge the counters by the time it was first said.
KEEP_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class CounterSeen:
    """One counter as the county said: when it last had nothing left to push, and when it
    last talked to the county (None: never)."""

    device: str
    synced_at: datetime | None
    last_seen_at: datetime | None
    #: When the county revoked it (a stolen or retired PC; ``PullResponse.revoked``), else None.
    revoked_at: datetime | None = None

    @classmethod
    def of(cls, d: OfficeDevice) -> CounterSeen:
        return cls(d.device, d.synced_at, d.last_seen_at, getattr(d, "revoked_at", None))

    def to_json(self) -> dict[str, str | None]:
        def iso(at: datetime | None) -> str | None:
            return at.isoformat() if at is not None else None

        out = {
            "device": self.device,
            "synced_at": iso(self.synced_at),
            "last_seen_at": iso(self.last_seen_at),
        }
        if self.revoked_at is not None:
            out["revoked_at"] = iso(self.revoked_at)
        return out

    @classmethod
    def from_json(cls, value: dict[str, str | None]) -> CounterSeen:
        def at(text: str | None) -> datetime | None:
            return datetime.fromisoformat(text) if text else None

        return cls(
            str(value["device"]),
            at(value.get("synced_at")),
            at(value.get("last_seen_at")),
            at(value.get("revoked_at")),
        )


@dataclass(frozen=True)
class CountersSynced:
    """The county's last word on the office's counters (:data:`OFFICE_DEVICES`)."""

    as_of: datetime
    devices: tuple[CounterSeen, ...]
    #: The office's revoked counters (``revoked_at`` set); empty from a county before it.
    revoked: tuple[CounterSeen, ...] = ()


def keep_office_devices(
    s: Session,
    devices: Sequence[OfficeDevice],
    server_time: datetime,
    now: datetime,
    revoked: Sequence[OfficeDevice] | None = None,
) -> None:
    """Keeps what a pull said of the office's counters (and of its revoked ones, when the
    county said), with the county's time of saying."""
    value = {
        "as_of": server_time.isoformat(),
        "devices": [CounterSeen.of(d).to_json() for d in devices],
        "revoked": [CounterSeen.of(d).to_json() for d in revoked or ()],
    }
    set_state(s, OFFICE_DEVICES, json.dumps(value, separators=(",", ":")), now)


def office_devices(s: Session) -> CountersSynced | None:
    """The counters as the county last said (None: it never did: no sync yet, or a county
    before it). An entry that does not read is as none: it is only ever written above."""
    text = get_state(s, OFFICE_DEVICES)
    if not text:
        return None
    try:
        value = json.loads(text)
        devices = tuple(CounterSeen.from_json(d) for d in value["devices"])
        revoked = tuple(CounterSeen.from_json(d) for d in value.get("revoked") or ())
        return CountersSynced(datetime.fromisoformat(value["as_of"]), devices, revoked)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def keep_if_changed(
    app: App,
    devices: Sequence[OfficeDevice] | None,
    server_time: datetime,
    revoked: Sequence[OfficeDevice] | None = None,
) -> None:
    """After a page that brought nothing else: what it said of the counters, when it differs
    from what is kept or that is older than :data:`KEEP_EVERY` (one small write then). What
    this process kept last is remembered (``app.extras``): an idle round reads nothing for it."""
    if devices is None:
        return
    known = app.extras.get(OFFICE_DEVICES)
    if not isinstance(known, CountersSynced):
        with app.reading() as s:
            known = office_devices(s)
    said = tuple(CounterSeen.of(d) for d in devices)
    gone = tuple(CounterSeen.of(d) for d in revoked or ())
    same = known is not None and (known.devices, known.revoked) == (said, gone)
    if known is not None and server_time - known.as_of < KEEP_EVERY and same:
        return
    with app.transaction() as s:
        keep_office_devices(s, devices, server_time, app.now(), revoked)
    app.extras[OFFICE_DEVICES] = CountersSynced(server_time, said, gone)
