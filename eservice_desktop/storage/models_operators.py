"""Tables of the office's operators: accounts with their argon2id hashes, and CLI sessions.

``operators.password_hash`` is an argon2id PHC string (argon2-cffi); the county provisions
accounts by sync with hashes made the same way (``source='county'``), so a login works offline.
``failed_attempts`` and ``locked_until`` are the lockout after repeated wrong passwords; they are
kept here, not in memory, so that a lockout holds across processes (GUI and CLI).

``operator_sessions`` holds a CLI session by the SHA-256 of its random token (the token itself is
only in the owner-only session file of the OS user); a session ends at ``expires_at``, which
each use moves forward by the idle time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.storage.models import Base


class OperatorRow(Base):
    __tablename__ = "operators"

    account: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    #: Role values separated by spaces, e.g. ``clerk cashier``.
    roles: Mapped[str] = mapped_column(String(120), nullable=False)
    #: Department or service codes separated by spaces; empty = every service of the office kind.
    departments: Mapped[str] = mapped_column(Text, nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: local (made at this office) | county (provisioned by sync).
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="local")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The password was set by someone other than the account (created, an office admin's
    #: reset): a one-time password, which the owner replaces with their own before anything
    #: else (``services.operators_signin.require``).
    password_must_change: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class OperatorSessionRow(Base):
    __tablename__ = "operator_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    os_user: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
