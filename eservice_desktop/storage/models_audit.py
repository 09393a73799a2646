"""The access log (個資法 accountability): who viewed, searched, printed or exported which case.

Append-only, with its own hash chain like the events (``prev``/``hash`` over the canonical
record, services/access.py); pushed to the county (``acked_at`` set when the county stored it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.storage.models import Base


class AccessLogRow(Base):
    """One access to personal data. ``case_id`` is empty for a search (``query`` then holds a
    digest of the search text, never the text: it may be a name or an ID number)."""

    __tablename__ = "access_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    access_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
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
    acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_access_log_operator_at", "operator", "at"),
        Index("ix_access_log_case_number_at", "case_number", "at"),
        Index("ix_access_log_outbox", "acked_at", "seq"),
    )
