"""The county's tables of who may talk to it: enrolled devices, enrolment codes and their
audit, signing keys, the vault's wrapped data key and the operators it provisions.

On the declarative base of tables.py; county/store.py gathers both (import the models from
there).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.county.tables import BigId, CountyBase


class DeviceRow(CountyBase):
    """An enrolled office device; only a hash of its credential is stored."""

    __tablename__ = "county_devices"

    device_key: Mapped[str] = mapped_column(String(20), primary_key=True)  # "H01-01"
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    device: Mapped[str] = mapped_column(String(8), nullable=False)
    label: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    credential_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: When it last said, pulling, that nothing of its own waited to be pushed (``pending=0``;
    #: county revision 0007): the office-wide closing's other counters are complete until then.
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The build it last synced with (county_link/build.py, from its User-Agent); None before.
    build: Mapped[str | None] = mapped_column(String(60), nullable=True)


class EnrolCodeRow(CountyBase):
    """A one-time enrolment code for one office (hash only; used once; expires)."""

    __tablename__ = "county_enrol_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    office: Mapped[str] = mapped_column(String(8), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    used_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: Set when county IT issued the code to replace one named device's credential.
    device: Mapped[str | None] = mapped_column(String(8), nullable=True)


class DeviceAuditRow(CountyBase):
    """Who got or lost a credential, when and how (enrolled, replaced, revoked); never updated."""

    __tablename__ = "county_device_audit"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    device_key: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    #: The first 8 hex digits of the code's hash (which code, never the code).
    code_ref: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    label: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class KeyRow(CountyBase):
    """Signing keys (Ed25519): ``purpose`` receipt | pickup. Retired keys stay published so
    receipts and tokens they signed can still be verified."""

    __tablename__ = "county_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    private_key: Mapped[str] = mapped_column(Text, nullable=False)
    public_key: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class VaultRow(CountyBase):
    """The data key that seals the county's secrets, wrapped by a key derived from the
    passphrase or key file given at start (``county/vault.py``); never stored in clear."""

    __tablename__ = "county_vault"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    kdf: Mapped[str] = mapped_column(String(64), nullable=False)
    salt: Mapped[str] = mapped_column(String(64), nullable=False)
    wrapped: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class OperatorRow(CountyBase):
    """An office's operator as the county provisions it; offices pull the rows of their own
    office (``GET /v1/operators``). ``password_hash`` is the argon2id hash, sealed by the
    vault. ``version`` grows on every change (one counter for the county) and is the cursor
    of the pull."""

    __tablename__ = "county_operators"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    account: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    roles: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    departments: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (Index("ix_county_operators_office_version", "office", "version"),)
