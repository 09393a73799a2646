"""The access log's wire schemas (office -> county): who viewed, searched, printed or exported
which case, changed which account or signed in, pushed as the office's records with their
hash chain (``services/sync/access_push.py``; the county's ``county/access_log.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from eservice_desktop.county_link.wire_base import (
    CODE,
    DEVICE,
    HASH,
    MAX_PUSH_BATCH,
    RECORDED_AS,
    WireModel,
    WireSeq,
    WireTime,
)
from eservice_desktop.domain import values


class WireAccess(WireModel):
    """One access-log record (services/access.py): who viewed, searched, printed or exported
    which case, changed which operator account (``account``) or signed in or out (``signin``),
    with its place in the device's access-log hash chain."""

    access_id: str = Field(min_length=8, max_length=36, pattern=r"^[0-9A-Za-z-]+$")
    office: str = Field(pattern=CODE)
    device: str = Field(pattern=DEVICE)
    operator: str = Field(min_length=1, max_length=values.CLERK_MAX)
    action: Literal["view", "search", "print", "export", "account", "signin"]
    case_id: str = Field(default="", max_length=36, pattern=r"^[0-9A-Za-z-]*$")
    case_number: str = Field(default="", max_length=24)
    detail: str = Field(default="", max_length=200)
    at: WireTime
    prev: str = Field(pattern=HASH)
    hash: str = Field(pattern=HASH)
    #: The counter the record was made under, ``H01-01``, when it is not the pushing one (the
    #: office code or counter number corrected since with ``setup``); its ``hash`` is over
    #: that office and device. Absent for every other record (an older county refuses it).
    recorded_as: str | None = Field(default=None, pattern=RECORDED_AS)

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return values.check_time(value)


class AccessPushRequest(WireModel):
    records: list[WireAccess] = Field(max_length=MAX_PUSH_BATCH)


class AccessPushResponse(WireModel):
    #: Records stored now, and records the county already had (a push sent again).
    stored: WireSeq
    duplicates: WireSeq
    server_time: WireTime
