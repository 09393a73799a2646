"""The channels' wire models (``POST /v1/channel/applications``, ``/v1/channel/payments``):
bounds and JSON types checked before the counter's rules (county/channel_checks.py)."""

# no `from __future__ import annotations`: FastAPI must see the real annotation objects.

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, field_validator

from eservice_desktop.county_link.wire_base import iso_text
from eservice_desktop.domain.settlement_file import TOOLS, known_tool

CASE_NUMBER = r"^[A-Za-z][0-9]{2}-?[0-9]{2}-?[0-9]{3}-?[0-9]{6}-?[0-9]$"


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_code: str = Field(min_length=1, max_length=40)
    applicant_id: str = Field(min_length=1, max_length=16)
    applicant_name: str = Field(min_length=1, max_length=60)
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=120)
    # numbers are JSON numbers: true, "2" or 2.0 are refused, not coerced (true was 1)
    copies: StrictInt = Field(default=1, ge=1, le=99)
    fields: dict[str, str | StrictInt] = Field(default_factory=dict, max_length=40)
    office: str = Field(default="", pattern=r"^([A-Z][0-9]{2})?$", description="handling office")
    pickup_method: str = Field(default="counter", pattern=r"^(counter|mail|other_office)$")
    pickup_office: str = Field(default="", pattern=r"^([A-Z][0-9]{2})?$")
    # ISO-8601 text, never a number (read as seconds since 1970); the offset is checked by
    # channel_checks, with its own words
    reservation_at: Annotated[datetime, BeforeValidator(iso_text)] | None = Field(
        default=None, description="requested appointment, with a UTC offset"
    )


class ApplicationOut(BaseModel):
    case_id: str
    case_number: str
    office: str
    channel: str
    submitted_at: str
    reservation_at: str | None
    fees_due: int


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_number: str = Field(pattern=CASE_NUMBER)
    amount: StrictInt = Field(ge=1, le=10_000_000)
    transaction_id: str = Field(
        min_length=1, max_length=40, pattern=r"^[0-9A-Za-z-]+$", description="交易電子案號"
    )
    payment_tool: str = Field(default="", max_length=24)

    @field_validator("payment_tool")
    @classmethod
    def _known_tool(cls, value: str) -> str:
        """Empty (the channel's usual tool) or one of the treasury's: any other text was
        stored, and the office's reconciliation listing it came back refused by ``payment
        settle-import``."""
        tool = known_tool(value)
        if value.strip() and tool is None:
            raise ValueError(f"payment_tool must be one of {', '.join(TOOLS)}")
        return tool or ""


class PaymentOut(BaseModel):
    case_number: str
    payment_id: str
    amount: int
    balance: int
    transaction_id: str
