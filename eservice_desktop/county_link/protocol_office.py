"""The wire schemas of a device's own affairs with the county: enrolment, its status, the
attachment upload's state, and the operators the county provisions (``GET /v1/operators``,
``POST /v1/operators/verify``). Importable from county_link/protocol.py as well.
"""

from __future__ import annotations

from pydantic import Field, StrictInt, field_validator

from eservice_desktop.county_link.wire_base import (
    CODE,
    DEVICE,
    MAX_SEQ,
    WireCursor,
    WireModel,
    WireSeq,
    WireTime,
)
from eservice_desktop.domain import values


class EnrolRequest(WireModel):
    code: str = Field(min_length=6, max_length=64)
    device: str = Field(pattern=DEVICE)
    #: The office the device belongs to: a code issued for another office is refused (409)
    #: before it is used.
    office: str = Field(pattern=CODE)
    label: str = Field(default="", max_length=100)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        return values.check_text(value, "label", max_len=100)


class EnrolResponse(WireModel):
    office: str
    device: str
    device_key: str
    #: The device credential: shown once, kept by the office in the OS keyring.
    credential: str
    server_time: WireTime


class StatusResponse(WireModel):
    api_version: str
    office: str
    device: str
    server_time: WireTime


class PublishedKey(WireModel):
    """One of the county's signing keys as ``GET /v1/keys`` lists it (doctor compares the
    pickup keys with the desk's)."""

    key_id: str = Field(max_length=64)
    alg: str = Field(max_length=16)
    public_key: str = Field(max_length=200)
    not_before: WireTime
    retired_at: WireTime | None = None


class PublishedKeys(WireModel):
    receipt: list[PublishedKey]
    pickup: list[PublishedKey]


class AttachmentState(WireModel):
    sha256: str
    size: WireSeq
    #: Bytes the county holds: the office sends the next chunk from there.
    received: WireSeq
    complete: bool
    case_id: str | None = None


class AttachmentStart(WireModel):
    size: StrictInt = Field(ge=0, le=200 * 1024 * 1024)
    case_id: str | None = Field(default=None, max_length=36)
    media_type: str = Field(default="application/octet-stream", max_length=100)


_ACCOUNT = r"^[a-z][a-z0-9._-]{1,31}$"


class OperatorRecord(WireModel):
    """An office operator as the county provisions it (``GET /v1/operators``)."""

    account: str = Field(pattern=_ACCOUNT)
    name: str = Field(min_length=1, max_length=40)
    roles: list[str] = Field(max_length=16)
    departments: list[str] = Field(default_factory=list, max_length=200)
    active: bool
    #: The argon2id hash (PHC string); the office verifies passwords offline with it.
    password_hash: str = Field(max_length=400)
    version: StrictInt = Field(ge=1, le=MAX_SEQ)
    updated_at: WireTime


class OperatorsResponse(WireModel):
    operators: list[OperatorRecord]
    #: The cursor for the next pull (``since``): the highest version the office has now.
    version: WireCursor
    server_time: WireTime


class OperatorVerifyRequest(WireModel):
    account: str = Field(pattern=_ACCOUNT)
    password: str = Field(min_length=1, max_length=256)


class OperatorVerifyResponse(WireModel):
    ok: bool
    #: ``auth.bad_password`` | ``auth.unknown_account`` | ``auth.inactive`` when not ok.
    reason: str = ""
    account: str
    roles: list[str] = Field(default_factory=list)
    server_time: WireTime
