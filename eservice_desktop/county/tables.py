"""The county's tables of cases and what travels with them: the append-only event store and
its chain links, access logs, the case projections and facts, routes, the change feed,
conflicts, notifications, attachments and the look-up registry; and the declarative base
every county table shares (its naming convention is the migrations').

The tables of devices, credentials and keys are in tables_credentials.py; county/store.py
gathers both (import the models from there) with the engine helpers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

BigId = BigInteger().with_variant(Integer, "sqlite")


class CountyBase(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class CountyEventRow(CountyBase):
    """The append-only county event store: one row per accepted event, never updated."""

    __tablename__ = "county_events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    type: Mapped[str] = mapped_column(String(40), nullable=False)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    clerk: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)

    __table_args__ = (Index("ix_county_events_office", "office", "seq"),)


class CountyPaymentRefRow(CountyBase):
    """A transaction id (交易電子案號) a ``case.payment_recorded`` event holds, as the SHA-256 of
    its text: the payment's ``reference`` (as sent and trimmed) and its ``payment_id``. Written
    with the event in the push transaction, so a kiosk's or web portal's payment finds a
    transaction id already recorded by its key, never by reading every event's payload."""

    __tablename__ = "county_payment_refs"

    ref_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class CountyChainRow(CountyBase):
    """An accepted event's place in its device's hash chain (domain/chain.py), kept beside
    ``county_events`` (a table of its own: county databases from before the chain gained it
    at start), so replays and recovery hand the chain on as it was pushed."""

    __tablename__ = "county_event_chain"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prev: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class CountyChainHeadRow(CountyBase):
    """The last link the county accepted of each device's chain: the next push must go on
    from it. Cleared when the device's credential is replaced (a new PC starts its own)."""

    __tablename__ = "county_chain_heads"

    device_key: Mapped[str] = mapped_column(String(20), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    length: Mapped[int] = mapped_column(BigInteger, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class CountyAccessRow(CountyBase):
    """The offices' access logs (who viewed, searched, printed or exported which case, or
    changed which operator account), as pushed, with each device's chain links; never
    updated."""

    __tablename__ = "county_access_log"

    access_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    operator: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    case_number: Mapped[str] = mapped_column(String(24), nullable=False, default="")
    detail: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    prev: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    #: The counter the record was made under (``H01-01``) when not ``office``-``device``, the
    #: counter that pushed it: a PC whose office code or counter number was corrected after
    #: its first sign-ins. Empty for every other record.
    recorded_as: Mapped[str] = mapped_column(
        String(16), nullable=False, default="", server_default=""
    )

    __table_args__ = (
        Index("ix_county_access_office_operator", "office", "operator", "at"),
        Index("ix_county_access_case_number", "case_number", "at"),
    )


class CountyCaseRow(CountyBase):
    """Projection of a case at the county (for routing, statistics and lookups)."""

    __tablename__ = "county_cases"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    office: Mapped[str] = mapped_column(String(8), nullable=False, index=True)
    pickup_office: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    event_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class CountyCaseFactRow(CountyBase):
    """What the county-level supervisor reports count of a case (county/reports.py): kept
    with ``county_cases`` in the push transaction, one row per case."""

    __tablename__ = "county_case_facts"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(24), nullable=False)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    service_code: Mapped[str] = mapped_column(String(48), nullable=False)
    channel: Mapped[str] = mapped_column(String(12), nullable=False)
    received_day: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    consent: Mapped[bool] = mapped_column(Boolean, nullable=False)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on_time: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    holder: Mapped[str] = mapped_column(String(64), nullable=False)
    held_since: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        Index("ix_county_case_facts_day", "received_day", "office", "service_code", "channel"),
    )


class CountyCaseLookupRow(CountyBase):
    """A document kind a case looked up (``case.lookup_done``), kept with
    ``county_case_facts`` in the push transaction: the county's savings report counts the
    case per document looked up, as the office's does."""

    __tablename__ = "county_case_lookups"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class CountyTargetRow(CountyBase):
    """A monthly target the county set for one department at one office (appendix 18)."""

    __tablename__ = "county_targets"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    department: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class RouteRow(CountyBase):
    """Which offices a case is routed to (origin, pickup office, any office that touched it)."""

    __tablename__ = "county_routes"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    office: Mapped[str] = mapped_column(String(8), primary_key=True)


class FeedRow(CountyBase):
    """The change feed; ``seq`` is the pull cursor. ``office`` NULL = every office.
    ``source`` is the device key that produced an event (not echoed back to that device)."""

    __tablename__ = "county_feed"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    office: Mapped[str | None] = mapped_column(String(8), nullable=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (Index("ix_county_feed_office_seq", "office", "seq"),)


class ConflictRow(CountyBase):
    """An event the county refused (impossible transition); kept so a re-push gets the same
    answer and so the clerk's resolution can refer to it."""

    __tablename__ = "county_conflicts"

    conflict_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    office: Mapped[str] = mapped_column(String(8), nullable=False, index=True)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    reason_code: Mapped[str] = mapped_column(String(64), nullable=False)
    reason_zh: Mapped[str] = mapped_column(Text, nullable=False)
    reason_en: Mapped[str] = mapped_column(Text, nullable=False)
    event: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class NotificationRow(CountyBase):
    """A message to the citizen; sent by the dispatcher, retried, never inside a push."""

    __tablename__ = "county_notifications"

    notification_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)  # sms | email | mms
    stage: Mapped[str] = mapped_column(String(24), nullable=False)
    recipient: Mapped[str] = mapped_column(String(120), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="queued")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_county_notifications_due", "status", "next_attempt_at"),
        # a resend request (pushed, under the feed lock) reads the case's notices by stage
        Index("ix_county_notifications_case", "case_id", "stage"),
        Index("uq_county_notifications_event_channel", "event_id", "channel", unique=True),
    )


class AttachmentRow(CountyBase):
    """A content-addressed attachment of one office; ``received`` bytes are stored so far, in
    order. Keyed by (office, hash): an office never sees, blocks or completes another office's
    upload, even of identical content."""

    __tablename__ = "county_office_attachments"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    received: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AttachmentChunkRow(CountyBase):
    __tablename__ = "county_office_attachment_chunks"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class RegistryRow(CountyBase):
    """The county's registry for document-free look-ups (免書證免謄本; county/lookups.py):
    one record per document kind and subject. ``subject_hash`` is the SHA-256 of the kind and
    the subject's ID (the ID itself is not stored); ``fields`` is the record's data as JSON,
    sealed by the vault (bound to the kind and subject hash). Loaded by IT with
    ``eservice-county-server registry import FILE`` (a demo server seeds a few)."""

    __tablename__ = "county_registry"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    fields: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class LookupLogRow(CountyBase):
    """Every look-up an office asked (county/lookup_log.py), answered or refused: when, which
    office, device and case, which document kind and whose record, by a key of the county's
    secret (``subject_hash``, county/lookup_log.py: the ID itself is not stored), and the
    outcome. The county answers from it who read a citizen's record
    (``eservice-county-server lookups --subject ID``); never updated but to key, once, a row
    an older build wrote under the registry's unkeyed hash (``subject_keyed`` false)."""

    __tablename__ = "county_lookup_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    case_number: Mapped[str] = mapped_column(String(24), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    subject_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: The key is the county's (HMAC); false: a row of an older build, keyed at the next start.
    subject_keyed: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    #: ``answered`` or the refusal's code (``lookup.not_found``, ``lookup.no_consent`` …).
    outcome: Mapped[str] = mapped_column(String(40), nullable=False)
    #: The signed result's id (``result_id``) when answered, else "".
    result_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")

    __table_args__ = (Index("ix_county_lookup_log_subject", "subject_hash", "at"),)
