"""Office-side sync tables: cursor and clock state, conflicts, county receipts, attachments,
reference data pulled from the county, notification outcomes.

The outbox itself needs no table: it is ``events`` with ``origin='local' AND acked_at IS NULL``.
The device credential is never stored here (it lives in the OS keyring).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.storage.models import Base


class SyncStateRow(Base):
    """Small named values: ``cursor``, ``last_success``, ``last_attempt``, ``last_error``,
    ``clock_offset_s``, ``enrolled`` (office/device/server, not the secret); also the pickup
    desk's recent wrong short codes (``pickup.short_code_failures``, services/pickup_short_code)."""

    __tablename__ = "sync_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SyncConflictRow(Base):
    """An event of this office the county refused; open until a clerk resolves it (which is
    itself a ``case.conflict_resolved`` event)."""

    __tablename__ = "sync_conflicts"

    conflict_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    event_type: Mapped[str] = mapped_column(String(40), nullable=False)
    reason_code: Mapped[str] = mapped_column(String(64), nullable=False)
    reason_zh: Mapped[str] = mapped_column(Text, nullable=False)
    reason_en: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolution: Mapped[str] = mapped_column(Text, nullable=False, default="")


class CountyReceiptRow(Base):
    """The county's signed acknowledgement of a case (latest one kept per case), as received:
    its signature is verified wherever it is shown or printed (services/sync/receipts.py)."""

    __tablename__ = "county_receipts"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    events_accepted: Mapped[int] = mapped_column(Integer, nullable=False)
    county_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    key_id: Mapped[str] = mapped_column(String(32), nullable=False)
    signature: Mapped[str] = mapped_column(Text, nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SyncAttachmentRow(Base):
    """A file to upload, content-addressed; ``uploaded`` is the byte offset the county has."""

    __tablename__ = "sync_attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    #: The clerk's file name (services/case_attachments.py), never on the disk; "" for a file
    #: registered by its own path.
    name: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    uploaded: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SyncReferenceRow(Base):
    """Reference data from the county's feed, latest per kind: catalogue, calendar:<year>,
    county_keys, pickup_keys, revocation:<key>."""

    __tablename__ = "sync_reference"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SyncNotificationRow(Base):
    """What happened to the citizen's SMS/e-mail/MMS for a case (reported by the county)."""

    __tablename__ = "sync_notifications"

    notification_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    stage: Mapped[str] = mapped_column(String(24), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
