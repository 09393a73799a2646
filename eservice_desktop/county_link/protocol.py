"""The office <-> county wire protocol, version 1: one set of schemas for client and server.

Every path is under ``/v1``; a breaking change gets ``/v2`` served beside it, so offices can be
upgraded one by one. Bodies are JSON (gzip accepted both ways). Every route except enrolment,
health and the OpenAPI document needs ``Authorization: Bearer <device credential>``.

Design points (see docs/protocol.md):

- push is idempotent by ``event_id`` and answered per event (accepted / duplicate / conflict);
- pull returns a page of the office's change feed after an opaque server-issued cursor, so it can
  resume from any cursor the office kept;
- every response carries ``server_time`` so the office learns its clock offset each round.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import Field, PrivateAttr, StrictInt, field_validator, model_validator

from eservice_desktop.county_link.protocol_access import (
    AccessPushRequest,
    AccessPushResponse,
    WireAccess,
)
from eservice_desktop.county_link.protocol_lookups import (
    LOOKUP_FORMAT,
    LOOKUP_SIGNED_FIELDS,
    LookupRequest,
    lookup_signed_bytes,
)
from eservice_desktop.county_link.protocol_office import (
    AttachmentStart,
    AttachmentState,
    EnrolRequest,
    EnrolResponse,
    OperatorRecord,
    OperatorsResponse,
    OperatorVerifyRequest,
    OperatorVerifyResponse,
    PublishedKey,
    PublishedKeys,
    StatusResponse,
)
from eservice_desktop.county_link.wire_base import (
    CODE,
    DEVICE,
    HASH,
    MAX_PUSH_BATCH,
    MAX_SEQ,
    WireCursor,
    WireModel,
    WireSeq,
    WireTime,
    no_nul,
)
from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import ALL_TYPES, Event

#: The enrolment, status, attachment and operator schemas live in protocol_office.py, the
#: look-ups' in protocol_lookups.py, the access log's in protocol_access.py, the base every
#: schema shares in wire_base.py; the names both ends use are importable from here.
__all__ = [
    "LOOKUP_FORMAT",
    "LOOKUP_SIGNED_FIELDS",
    "MAX_PUSH_BATCH",
    "AccessPushRequest",
    "AccessPushResponse",
    "AttachmentStart",
    "AttachmentState",
    "EnrolRequest",
    "EnrolResponse",
    "LookupRequest",
    "OperatorRecord",
    "OperatorVerifyRequest",
    "OperatorVerifyResponse",
    "OperatorsResponse",
    "PublishedKey",
    "PublishedKeys",
    "StatusResponse",
    "WireAccess",
    "lookup_signed_bytes",
]

API_VERSION = "v1"
PREFIX = f"/{API_VERSION}"
#: The most changes one pull page returns.
MAX_PULL_PAGE = 2000
#: Attachment chunk size the client uses (the server accepts any size up to this).
CHUNK_SIZE = 256 * 1024

PushStatus = Literal["accepted", "duplicate", "conflict"]
ChangeKind = Literal[
    "event",
    "catalogue",
    "calendar",
    "pickup_keys",
    "county_keys",
    "revocation",
    "notification",
    "targets",
]


class CheckedPayload(dict[str, Any]):
    """A wire event's payload that passed ``values.check_json`` with every rule (the wire
    itself asks only for its structure): the mark lets the county's value check of the event
    (``event_values.check_payload``) skip its own walk of the same JSON. A plain dict to
    every other reader; :meth:`WireEvent.to_event` copies it into a plain dict."""

    __slots__ = ()


class WireEvent(WireModel):
    """A case event as it travels; ``at`` is the device's (offset-corrected) UTC time."""

    # the ids' rule (``values.check_id``: letters, digits, dashes, at most 36) is their pattern
    # and lengths: checked in the validator's own code, no second check in Python per event
    event_id: str = Field(min_length=8, max_length=36, pattern=r"^[0-9A-Za-z-]+$")
    case_id: str = Field(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z-]+$")
    type: str = Field(max_length=40)
    office: str = Field(pattern=CODE)
    device: str = Field(pattern=DEVICE)
    clerk: str = Field(min_length=1, max_length=values.CLERK_MAX)
    at: WireTime
    payload: dict[str, Any] = Field(default_factory=dict)
    #: The device's hash chain (domain/chain.py): the previous event's hash of the same device
    #: and this event's own; absent only from events of builds before the chain and from the
    #: county's own events.
    prev: str | None = Field(default=None, pattern=HASH)
    hash: str | None = Field(default=None, pattern=HASH)

    # ids, codes and hashes by pattern, the type by name, the clerk by check_text, every key
    # and text of the payload by check_json: none lets U+0000 through (each event is checked
    # on push and on pull; the walk over the payload's JSON text cost as much as the rest)
    _nul_checked: ClassVar[bool] = True

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in ALL_TYPES:
            raise ValueError(f"unknown event type {value!r}")
        return value

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        # the domain's window: no year 1 or 9999 that overflows on conversion or in a database
        return values.check_time(value)

    @field_validator("clerk")
    @classmethod
    def _clerk(cls, value: str) -> str:
        return values.check_clerk(value)

    @field_validator("payload")
    @classmethod
    def _payload(cls, value: dict[str, Any]) -> dict[str, Any]:
        # structure only (text, numbers, size) refuses the batch; the per-type checks are the
        # county's, so one odd event becomes a conflict instead of refusing the whole batch.
        # One walk with every rule (integers' range too) nearly always settles both: the
        # county's value check then takes the payload as checked (``payload_checked``)
        try:
            return CheckedPayload(values.check_json(value))
        except DomainError:
            values.check_json(value, exact_ints=False)
            return value

    @property
    def payload_checked(self) -> bool:
        """True when the payload passed every rule of ``values.check_json`` at the door
        (integers within ±2^53 included), so the county's value check need not walk it again."""
        return type(self.payload) is CheckedPayload

    @classmethod
    def of(cls, event: Event) -> WireEvent:
        return cls.model_validate(event.to_dict())

    def to_event(self, *, checked: bool = True) -> Event:
        """The domain event, its payload a plain dict. ``checked=False``: without ``Event``'s
        own checks, for a caller that refuses what they would by this model's field checks on
        this very event (the county's push door: an unknown type, a time without zone), at
        1.3 instead of 3.3 µs an event."""
        # the model's fields are the event's, by name (a copy: the event's dict is its own)
        fields: dict[str, Any] = {**self.__dict__, "payload": dict(self.payload)}
        return Event(**fields) if checked else Event.unchecked(fields)


class ChainGap(WireModel):
    """The chain link of an event the office set aside instead of sending (stored before
    today's value rules, so the wire would refuse it): the county's chain of the device goes on
    over it. ``position`` is the index in ``events`` the event would have had."""

    event_id: str = Field(min_length=8, max_length=36, pattern=r"^[0-9A-Za-z-]+$")
    prev: str = Field(pattern=HASH)
    hash: str = Field(pattern=HASH)
    position: StrictInt = Field(ge=0, le=MAX_PUSH_BATCH)


class PushRequest(WireModel):
    events: list[WireEvent] = Field(max_length=MAX_PUSH_BATCH)
    gaps: list[ChainGap] = Field(default_factory=list, max_length=MAX_PUSH_BATCH)


#: Push bodies as the wire carries them: compact UTF-8 JSON; NaN and infinities refused (JSON
#: has none: the county's strict reader would refuse the whole body).
_BODY = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def push_body(events: list[dict[str, Any]], gaps: list[dict[str, Any]] | None = None) -> bytes:
    """The body of ``POST /v1/events``: ``events`` as ``Event.to_dict`` (or a wire event's
    JSON dump) gives them; the ``gaps`` key only when there are gaps (a county from before
    the chain still takes the body). Raises ValueError for a value JSON cannot carry (a float
    that is not finite, a lone surrogate)."""
    doc: dict[str, Any] = {"events": events}
    if gaps:
        doc["gaps"] = gaps
    return _BODY.encode(doc).encode()


class PushResult(WireModel):
    # bounded as the office stores them (sync_conflicts: an id of 36, a code of 64)
    event_id: str = Field(max_length=36)
    status: PushStatus
    #: For conflicts: the county's conflict record id and the reason in both languages.
    conflict_id: str | None = Field(default=None, max_length=36, pattern=r"^[0-9A-Za-z-]*$")
    reason_code: str | None = Field(default=None, max_length=64)
    reason_zh: str | None = Field(default=None, max_length=2000)
    reason_en: str | None = Field(default=None, max_length=2000)


class CountyReceipt(WireModel):
    """Signed proof that a case reached the county (Ed25519 over :meth:`signed_bytes`)."""

    case_id: str
    case_number: str
    office: str
    events_accepted: WireSeq
    county_time: WireTime
    key_id: str
    signature: str

    def signed_bytes(self) -> bytes:
        return receipt_bytes(
            self.case_id, self.case_number, self.office, self.events_accepted, self.county_time
        )


def receipt_bytes(
    case_id: str, case_number: str, office: str, events_accepted: int, county_time: datetime
) -> bytes:
    """Canonical text both ends sign/verify; a fixed layout, not JSON, so no library differs."""
    return receipt_bytes_at(
        case_id, case_number, office, events_accepted, receipt_time(county_time)
    )


def receipt_time(county_time: datetime) -> str:
    """The county time as :func:`receipt_bytes` writes it (UTC, microseconds, ``Z``)."""
    return county_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def receipt_bytes_at(
    case_id: str, case_number: str, office: str, events_accepted: int, at: str
) -> bytes:
    """:func:`receipt_bytes` with the time already written by :func:`receipt_time`: a push
    signs every receipt at one county time, written once instead of once per receipt."""
    return f"eservice-receipt/1|{case_id}|{case_number}|{office}|{events_accepted}|{at}".encode()


class PushResponse(WireModel):
    results: list[PushResult]
    receipts: list[CountyReceipt] = Field(default_factory=list)
    server_time: WireTime


class Change(WireModel):
    """One entry of an office's change feed. ``data`` depends on ``kind``:
    event -> a WireEvent; catalogue -> the services document; calendar -> {"year", "csv"};
    pickup_keys / county_keys -> {"keys": [{"key_id", "alg", "public_key", "not_before"}]};
    revocation -> {"kind": "device"|"crl", ...}; notification -> {"notification_id", "case_id",
    "channel", "stage", "status", "attempts", "detail"}; targets -> {"office", "targets":
    [{"office", "department", "month", "metric", "value"}]} (the office's whole set)."""

    seq: WireSeq
    kind: ChangeKind
    data: dict[str, Any]

    @model_validator(mode="after")
    def _refuse_nul(self) -> Any:
        # an event's data is checked as a WireEvent when the page is applied (services/sync/
        # inbox.py), which refuses U+0000 and keeps the event aside: not walked here first
        if self.kind != "event":
            no_nul(self.data)
        return self


class OfficeDevice(WireModel):
    """Another counter of the office as the county last heard from it, for the office-wide
    closing (services/closing_behind.py): a counter's receipts reach the others only by sync."""

    device: str = Field(pattern=DEVICE)
    #: When it last said, pulling, that nothing of its own waited to be pushed (``pending=0``):
    #: everything it had recorded until then is at the county. None: never said so.
    synced_at: WireTime | None = None
    #: When it last talked to the county at all (a push, or a pull noted every few minutes).
    last_seen_at: WireTime | None = None


class RevokedDevice(OfficeDevice):
    """A counter the county revoked (a stolen PC): what it took after it last synced never
    comes, and the closings say so (services/closing_behind.py). Its own list: a build before
    it refuses an unknown field in ``devices``, and never asks for ``revoked``."""

    revoked_at: WireTime


#: Counters of one office a pull names at most (``devices=true``).
MAX_OFFICE_DEVICES = 200


class PullResponse(WireModel):
    #: At most what the office asks for (it asks for MAX_PULL_PAGE): a page is applied in one
    #: transaction, which a county sending a million changes at once would hold for long.
    changes: list[Change] = Field(max_length=MAX_PULL_PAGE)
    #: Opaque: send it back as ``since`` to continue; stored by the office after applying.
    cursor: WireCursor
    more: bool
    server_time: WireTime
    #: Changes of this office still to pull after this page, when the pull asked for the
    #: count (``count=true``; a catch-up shows its progress); absent otherwise and from
    #: counties before it.
    remaining: WireSeq | None = None
    #: When the feed row at ``cursor`` was written, for a pull that asked (``stamped=true``):
    #: the office sends it back as ``since_at``, and the county tells by it that it no longer
    #: holds the feed the office pulled (restored from an older backup). Absent otherwise.
    cursor_at: WireTime | None = None
    #: The county no longer holds the feed as the office last pulled it (the row at ``since``
    #: is gone or another, written since ``since_at``): the page starts after this cursor, the
    #: last one both hold, and the office's cursor goes back to it. Absent otherwise.
    rewound_to: WireCursor | None = None
    #: The office's enrolled counters (revoked ones left out) and when each last synced, for
    #: a pull that asked (``devices=true``; the office asks on a round's first page). Absent
    #: otherwise and from counties before it.
    devices: list[OfficeDevice] | None = Field(default=None, max_length=MAX_OFFICE_DEVICES)
    #: The office's revoked counters, for a pull that asked (``revoked=true``); else absent.
    revoked: list[RevokedDevice] | None = Field(default=None, max_length=MAX_OFFICE_DEVICES)
    #: Changes of the page that are no :class:`Change` (a kind this build does not know, data
    #: that is no object, U+0000), as they came: the office sets them aside and applies the
    #: rest (``county_link/client.py``, ``read_page``); not part of the wire document.
    _unreadable: list[Any] = PrivateAttr(default_factory=list)

    @property
    def unreadable(self) -> list[Any]:
        return self._unreadable


class ErrorBody(WireModel):
    code: str
    message_zh: str
    message_en: str


def cursor_of(seq: int) -> str:
    return str(seq)


def seq_of(cursor: str | None) -> int:
    """The seq a cursor names (0 for none); ValueError for one no feed can hold."""
    if not cursor:
        return 0
    value = int(cursor)
    if not 0 <= value <= MAX_SEQ:
        raise ValueError("cursor out of range")
    return value
