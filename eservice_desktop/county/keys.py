"""The county's Ed25519 signing keys (receipts, pickup codes): made, rotated and published; their
private halves stored sealed by the vault.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from eservice_desktop.county import vault
from eservice_desktop.county.store import FeedRow, KeyRow, aware, lock_feed
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.domain.pickup_verify import code_expiry


def _key_aad(key_id: str) -> str:
    return f"county-key:{key_id}"


def _new_key(s: Session, purpose: str, now: datetime) -> KeyRow:
    """A new Ed25519 key; its private half is stored sealed by the vault, never in clear."""
    private = Ed25519PrivateKey.generate()
    raw_priv = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_pub = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    # pickup key ids follow the token format (derived from the key); receipt ids are readable
    kid = pt.key_id(raw_pub) if purpose == "pickup" else f"re-{now:%Y%m%d}-{secrets.token_hex(3)}"
    return KeyRow(
        key_id=kid,
        purpose=purpose,
        private_key=vault.of(s).seal(raw_priv, _key_aad(kid)),
        public_key=base64.b64encode(raw_pub).decode(),
        created_at=now,
    )


def seal_plain_keys(s: Session) -> int:
    """Seals private keys a build before the vault stored in clear (once, at start)."""
    box = vault.of(s)
    n = 0
    for row in s.scalars(select(KeyRow)):
        if not vault.is_sealed(row.private_key):
            row.private_key = box.seal(base64.b64decode(row.private_key), _key_aad(row.key_id))
            n += 1
    return n


def check_keys_open(s: Session) -> None:
    """Every stored private key opens with this vault (else the vault is not this county's)."""
    box = vault.of(s)
    for row in s.scalars(select(KeyRow)):
        try:
            box.open(row.private_key, _key_aad(row.key_id))
        except (InvalidTag, ValueError):
            raise vault.WrongSecret(f"signing key {row.key_id} does not open") from None


def public_keys(s: Session, purpose: str) -> list[dict[str, Any]]:
    rows = s.scalars(select(KeyRow).where(KeyRow.purpose == purpose).order_by(KeyRow.created_at))
    return [
        {
            "key_id": r.key_id,
            "alg": "Ed25519",
            "public_key": r.public_key,
            "not_before": aware(r.created_at).isoformat(),
            "retired_at": aware(r.retired_at).isoformat() if r.retired_at else None,
        }
        for r in rows
    ]


def pickup_key_document(s: Session, now: datetime) -> dict[str, Any]:
    """The pickup keys in the desk's format (``eservice-pickup-keys/1``, docs/pickup.md). A
    rotated key stays valid for the lifetime of the codes it already signed."""
    keys = []
    for r in s.scalars(
        select(KeyRow).where(KeyRow.purpose == "pickup").order_by(KeyRow.created_at)
    ):
        keys.append(
            pt.key_entry(
                pt.CountyKey(
                    kid=r.key_id,
                    public_key=base64.b64decode(r.public_key),
                    not_before=aware(r.created_at).replace(microsecond=0),
                    not_after=code_expiry(aware(r.retired_at)) if r.retired_at else None,
                )
            )
        )
    return {
        "format": pt.KEY_DOCUMENT_FORMAT,
        "issuer": "county",
        "issued_at": now.isoformat(),
        "keys": keys,
    }


def rotate_keys(
    s: Session, now: datetime, purposes: tuple[str, ...] = ("receipt", "pickup")
) -> list[str]:
    """New signing keys; old ones are retired but stay published. Offices learn by pull."""
    lock_feed(s)
    created = []
    for purpose in purposes:
        for old in s.scalars(
            select(KeyRow).where(KeyRow.purpose == purpose, KeyRow.retired_at.is_(None))
        ):
            old.retired_at = now
        key = _new_key(s, purpose, now)
        s.add(key)
        s.flush()
        created.append(key.key_id)
        if purpose == "receipt":
            kind, data = "county_keys", {"purpose": purpose, "keys": public_keys(s, purpose)}
        else:
            kind, data = "pickup_keys", pickup_key_document(s, now)
        s.add(FeedRow(office=None, kind=kind, source=None, created_at=now, data=data))
    return created


def ensure_keys(s: Session, now: datetime) -> None:
    missing = tuple(
        p
        for p in ("receipt", "pickup")
        if s.scalar(select(KeyRow.key_id).where(KeyRow.purpose == p, KeyRow.retired_at.is_(None)))
        is None
    )
    if missing:
        rotate_keys(s, now, missing)


#: The newest key of a purpose that is not retired, its id and sealed private half: built once
#: (every push asks it; building the statement cost more than running it).
_CURRENT_KEY = (
    select(KeyRow.key_id, KeyRow.private_key)
    .where(KeyRow.purpose == bindparam("purpose"), KeyRow.retired_at.is_(None))
    .order_by(KeyRow.created_at.desc())
    .limit(1)
)


def signing_key(s: Session, purpose: str) -> tuple[str, Ed25519PrivateKey]:
    row = s.execute(_CURRENT_KEY, {"purpose": purpose}).first()
    if row is None:
        raise RuntimeError(f"no {purpose} key: run `eservice-county-server keys rotate`")
    key_id, sealed = row
    raw = vault.of(s).open(sealed, _key_aad(key_id))
    return key_id, Ed25519PrivateKey.from_private_bytes(raw)
