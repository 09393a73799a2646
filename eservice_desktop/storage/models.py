"""Tables of the office's local database.

``events`` is the source of truth (append-only); ``cases`` is the projection kept in the same
transaction for fast queues and search. Other tables hold counters and reference data.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class EventRow(Base):
    """One case event. ``seq`` is the local append order; ``acked_at`` is set when the county
    acknowledged it (the sync outbox is ``origin='local' AND acked_at IS NULL``)."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    type: Mapped[str] = mapped_column(String(40), nullable=False)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    clerk: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)  # type: ignore[type-arg]
    origin: Mapped[str] = mapped_column(String(8), nullable=False, default="local")
    acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The device's hash chain (domain/chain.py): the previous event's hash and this one's.
    #: Set by ingest for this device's events, kept as received for pulled ones.
    prev: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: Set when retention rewrote the payload (services/retention.py): the hash stays the
    #: original's, so only the event's links can be verified from then on.
    pseudonymised_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )

    #: The outbox by counter (migration 0019): the sync outbox queries name it (``INDEXED BY``,
    #: services/sync/state.py), so the counts read it alone and a push's batch is one range.
    #: The events of a type made in a period (migration 0023): what the daily closing reads
    #: (the day's refunds, voids, reprints, approvals, refusals) is one range of it.
    __table_args__ = (
        Index("ix_events_outbox_counter", "origin", "acked_at", "office", "device", "seq"),
        Index("ix_events_type_at", "type", "at"),
    )


class ChainHeadRow(Base):
    """The last link of this device's event chain, written with every event in the same
    transaction: an event deleted from the end of the chain leaves the head pointing at it."""

    __tablename__ = "event_chain_heads"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    device: Mapped[str] = mapped_column(String(8), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False)
    length: Mapped[int] = mapped_column(Integer, nullable=False)


#: The pickup number inside a case's JSON state, as the short-code index spells it: a query
#: uses the index only when it repeats this expression (and the status) literally. The index,
#: ``ix_cases_ready_pickup_number`` (pickup_office, this expression) WHERE status = READY_STATUS,
#: lives in migration 0010 only: SQLite reflection cannot read expression indexes, so it is
#: left out of this metadata (tests/unit/services/test_pickup_short_code_index.py checks it).
PICKUP_NUMBER_SQL = "json_extract(state, '$.pickup_number')"
READY_STATUS = "ready_for_pickup"


#: Web and kiosk cases not accepted (收件) yet, as SQL: the condition of the partial index
#: ``ix_cases_online_waiting`` and of the queries it serves. Literal values, not parameters:
#: SQLite uses a partial index only when the query repeats its condition term for term. The
#: unary ``+`` (no change of value) keeps the planner from reading every open case through
#: ``ix_cases_office_status_received`` instead (office and status are in that index too).
AWAITING_ACCEPTANCE_SQL = (
    "+channel IN ('kiosk', 'web') "
    "AND +status IN ('received', 'payment_due', 'supplement_requested') "
    "AND json_extract(state, '$.awaiting_acceptance') = 1"
)


class CaseRow(Base):
    """Projection of a case for queues and search; rebuilt from events at any time."""

    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    service_code: Mapped[str] = mapped_column(String(48), nullable=False)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    applicant_id: Mapped[str] = mapped_column(String(16), nullable=False)
    applicant_name: Mapped[str] = mapped_column(String(64), nullable=False)
    applicant_kind: Mapped[str] = mapped_column(String(12), nullable=False)
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    received_day: Mapped[date] = mapped_column(Date, nullable=False)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    fees_due: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    paid: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pickup_office: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    state: Mapped[dict] = mapped_column(JSON, nullable=False)  # type: ignore[type-arg]
    #: Newest-first order of search results and the rowid of the case in the ``case_search``
    #: full-text index (storage/search.py): receipt time in microseconds, unique.
    search_key: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: How the case reached the office (domain.values.CHANNELS): the usage report's key.
    channel: Mapped[str] = mapped_column(String(12), nullable=False, default="counter")
    #: The citizen consented to document-free look-ups (the savings report counts these).
    consent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: 依限辦結: closed (or rejected) by the office's closing time on the due date; None while
    #: open, cancelled or without a due date.
    closed_on_time: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    #: The clerk of the case's latest event (who holds it) — ``updated_at`` is since when.
    holder: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    #: The document kinds looked up for the case (``case.lookup_done``), as
    #: ``storage.case_stats.lookups_text`` spells them: a key of the report counts, so the
    #: savings report adds up counts instead of joining every look-up to its case.
    lookup_kinds: Mapped[str] = mapped_column(Text, nullable=False, default="[]")

    __table_args__ = (
        Index("ix_cases_office_status_due", "office", "status", "due_date"),
        Index("ix_cases_office_status_received", "office", "status", "received_at"),
        Index("ix_cases_office_received", "office", "received_day", "received_at"),
        # The pickup desk's ready list in its order, read without a sort (migration 0016).
        Index("ix_cases_pickup_ready", "pickup_office", "status", "updated_at", "case_number"),
        Index("ix_cases_search_key", "search_key", unique=True),
        # Prefix search reads (value, search_key) from the index alone, then sorts the keys.
        Index("ix_cases_number_key", "case_number", "search_key"),
        Index("ix_cases_applicant_id_key", "applicant_id", "search_key"),
        Index("ix_cases_applicant_name_key", "applicant_name", "search_key"),
        # Only the web and kiosk cases waiting for 收件: the online tab and its count read
        # these few entries instead of every open case's JSON state (migration 0015).
        Index(
            "ix_cases_online_waiting",
            "office",
            "received_at",
            sqlite_where=text(AWAITING_ACCEPTANCE_SQL),
        ),
    )


class CounterRow(Base):
    """Per-device number spaces (case numbers, receipt numbers), incremented inside the
    transaction that uses the number, so a number is never lost or used twice."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


class CalendarDayRow(Base):
    """Days of the DGPA working calendar that were imported (day off or working)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    day_off: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
