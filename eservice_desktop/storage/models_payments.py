"""Receipts (收據) and the per-device key that signs their verification codes.

``receipts`` is a projection of the payment and receipt events, one row per payment, kept in the
same transaction as the events so that the daily closing, the reconciliation statement and a
receipt look-up by number never fold event streams. It can be rebuilt from ``events``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.storage.models import Base


class ReceiptRow(Base):
    """One receipt number and the payment it acknowledges. A void keeps the row (and number)."""

    __tablename__ = "receipts"

    number: Mapped[str] = mapped_column(String(24), primary_key=True)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    roc_year: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    case_number: Mapped[str] = mapped_column(String(24), nullable=False)
    payment_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    method: Mapped[str] = mapped_column(String(12), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    tendered: Mapped[int | None] = mapped_column(Integer, nullable=True)
    change: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reference: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    payment_tool: Mapped[str] = mapped_column(String(24), nullable=False, default="")
    authorised_at: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    deposit_date: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    settlement_number: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    deposited: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    issued_day: Mapped[date] = mapped_column(Date, nullable=False)
    clerk: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="valid")
    void_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    refunded: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    print_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    verification: Mapped[str] = mapped_column(String(16), nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)

    __table_args__ = (
        Index("ix_receipts_day", "issued_day", "office", "device"),
        Index("ix_receipts_series", "office", "device", "roc_year", "seq", unique=True),
    )


class ReceiptKeyRow(Base):
    """The device's secret for receipt verification codes (HMAC); never printed or logged."""

    __tablename__ = "receipt_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    secret_hex: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
