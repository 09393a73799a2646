"""Tables of the supervisor reports: the case counts they add up, and the county's targets.

``case_stats`` counts the ``cases`` rows per office, day of receipt, service, channel,
status, consent, on-time verdict and document kinds looked up (migration 0020);
``case_stats_month`` the same per month of receipt.
The writers of ``cases`` keep both in the same transaction as every insert and update of a
case row (storage/case_stats.py, migration 0017; a delete trigger of migration 0011 counts a
deleted row out), so a year of reports reads a few thousand rows instead of a million.

``case_lookups`` holds one row per document-free look-up done on a case (``case.lookup_done``,
projected by ingest, migration 0014); the savings report counts a closed case with consent
per document kind looked up (docs/reports.md) from the kinds in the counts' key, not from
this table.

``report_targets`` is reference data: the county sets it (``eservice-county-server targets
set``) and every sync round's pull replaces this office's rows with the county's
(services/sync/inbox.py); nothing at the office edits it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.storage.models import Base

#: ``case_stats.on_time`` for a case with no verdict (open, cancelled, no due date).
NO_VERDICT = -1


class CaseStatRow(Base):
    """How many cases share one combination of the reports' keys."""

    __tablename__ = "case_stats"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    received_day: Mapped[date] = mapped_column(Date, primary_key=True)
    service_code: Mapped[str] = mapped_column(String(48), primary_key=True)
    channel: Mapped[str] = mapped_column(String(12), primary_key=True)
    status: Mapped[str] = mapped_column(String(24), primary_key=True)
    consent: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    #: 1 on time, 0 late, NO_VERDICT none (``cases.closed_on_time`` NULL).
    on_time: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The document kinds looked up (``cases.lookup_kinds``; ``[]`` for none).
    lookups: Mapped[str] = mapped_column(Text, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)


class CaseStatMonthRow(Base):
    """The same counts per month of receipt (``YYYY-MM``): a report adds up whole months
    here and only the days of a partial month at either end of its period in ``case_stats``."""

    __tablename__ = "case_stats_month"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(48), primary_key=True)
    channel: Mapped[str] = mapped_column(String(12), primary_key=True)
    status: Mapped[str] = mapped_column(String(24), primary_key=True)
    consent: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    on_time: Mapped[int] = mapped_column(Integer, primary_key=True)
    lookups: Mapped[str] = mapped_column(Text, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)


class TargetRow(Base):
    """One monthly target: office, department, month (YYYY-MM) and metric (``cases``: cases
    received; ``online``: of those, filed on the web or at a kiosk)."""

    __tablename__ = "report_targets"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    department: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class CaseLookupRow(Base):
    """One document-free look-up of a case (``case.lookup_done``): the document kind, the
    county's result id and the hash of the stored result (an attachment of the case)."""

    __tablename__ = "case_lookups"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    result_id: Mapped[str] = mapped_column(String(36), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (Index("ix_case_lookups_case_kind", "case_id", "kind"),)
