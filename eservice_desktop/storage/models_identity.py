"""Tables of the identity checks: single-use challenge nonces and the current CRL/ARL per issuer.

Nonces live in the database (not in memory) so that "single use" holds across the GUI and CLI
processes of one counter and survives a restart inside the nonce's lifetime. The CRL table is the
index of accepted lists; the lists themselves are files in ``DATA_DIR/crl`` named by hash.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.storage.models import Base


class IdentityNonceRow(Base):
    __tablename__ = "identity_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class CrlCacheRow(Base):
    """The accepted list currently used for one issuer (CRL for end entities, ARL for CAs)."""

    __tablename__ = "crl_cache"

    issuer: Mapped[str] = mapped_column(String(500), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    issuer_fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    crl_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    this_update: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    next_update: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    revoked_count: Mapped[int] = mapped_column(Integer, nullable=False)
    url: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
