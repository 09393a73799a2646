"""The county's devices as county IT reads them (`eservice-county-server devices`): which
counters are enrolled, revoked, when each was last seen, when it last had nothing left to push
and which build it syncs with.

Before an upgrade that brings a new event type, county IT looks here for counters still on an
older build: those set the new events aside until they are upgraded too (docs/protocol.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import DeviceRow, aware


@dataclass(frozen=True)
class DeviceView:
    device_key: str
    office: str
    device: str
    label: str
    enrolled_at: str
    #: None: never synced since it was enrolled (or since before the county kept it).
    last_seen_at: str | None
    #: When it last said it had nothing left to push (revision 0007); None: never said so.
    synced_at: str | None
    revoked_at: str | None
    #: The build it last pulled with (``county_link.build``); None before one named itself.
    build: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def list_devices(s: Session, office: str = "") -> list[DeviceView]:
    """Every device (of ``office`` when given), by office and device number."""
    query = select(DeviceRow).order_by(DeviceRow.device_key)
    if office:
        query = query.where(DeviceRow.office == office)
    return [_view(d) for d in s.scalars(query)]


def _iso(at: datetime | None) -> str | None:
    return None if at is None else aware(at).isoformat()


def _view(d: DeviceRow) -> DeviceView:
    return DeviceView(
        device_key=d.device_key,
        office=d.office,
        device=d.device,
        label=d.label,
        enrolled_at=aware(d.enrolled_at).isoformat(),
        last_seen_at=_iso(d.last_seen_at),
        synced_at=_iso(d.synced_at),
        revoked_at=_iso(d.revoked_at),
        build=d.build,
    )
