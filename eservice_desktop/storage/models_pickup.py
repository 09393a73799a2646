"""Tables of the pickup desk: the county's signing keys and the pickup codes already used.

``pickup_consumed`` is what makes a code single-use across desks sharing one database: its
``case_id`` and ``token_digest`` are UNIQUE and the row is inserted in the same transaction as
the ``case.picked_up`` event, so of two desks racing on one code exactly one commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.storage.models import Base


class CountyKeyRow(Base):
    """A county public key from the key document (sync). Keys are never edited in place: a kid
    always names the same key (it is derived from it); only its end dates may change."""

    __tablename__ = "county_keys"

    kid: Mapped[str] = mapped_column(String(16), primary_key=True)
    alg: Mapped[str] = mapped_column(String(16), nullable=False, default="Ed25519")
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    not_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class PickupConsumedRow(Base):
    """One handed-over pickup: which code, which case, where and when."""

    __tablename__ = "pickup_consumed"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    clerk: Mapped[str] = mapped_column(String(64), nullable=False)
    via: Mapped[str] = mapped_column(String(8), nullable=False)
    consumed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
