"""The county's secrets at rest: signing keys and operator password hashes are stored sealed.

Envelope encryption: one random 256-bit data key seals every secret (AES-256-GCM, a fresh
nonce each time, the row's identity as associated data, so a sealed value copied onto another
row does not open). The data key itself is stored only wrapped by a key derived from what IT
gives at start (a passphrase in ``ESERVICE_COUNTY_PASSPHRASE`` or a key file, ``--key-file``)
with scrypt and a per-database salt. A wrong passphrase cannot unwrap it: the server refuses
to start (:class:`WrongSecret`). Changing the passphrase re-wraps the data key only.

Nothing here is ever logged; the data key lives in the process memory only.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from eservice_desktop.county.store import VaultRow
from eservice_desktop.domain.text_values import os_reason, printable_path

#: Environment variable carrying the passphrase (or use a key file).
PASSPHRASE_ENV = "ESERVICE_COUNTY_PASSPHRASE"
#: Environment variable naming a key file (same as ``--key-file``).
KEY_FILE_ENV = "ESERVICE_COUNTY_KEY_FILE"
#: A key file holds a secret of some bytes: one past this is none (/dev/zero never ends; read
#: whole, it took the machine's memory). A pipe (``--key-file <(vault read …)``) is read too.
KEY_FILE_MAX = 64 * 1024
#: Prefix of a sealed value (version 1: AES-256-GCM under the data key).
SEALED_PREFIX = "sealed1:"
#: Shortest passphrase accepted when a database is first sealed.
MIN_SECRET_LEN = 12
_WRAP_AAD = b"eservice-county-data-key/1"
# scrypt: 2^15 x 8 x 128 bytes = 32 MiB, ~0.1 s: once per start, not per request
_N, _R, _P = 2**15, 8, 1


class SecretMissing(Exception):
    """No passphrase or key file was given (or the key file cannot be used); said in both
    languages, as the county's command line says everything (``str`` is the English)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message_zh, self.message_en = zh, en


class WrongSecret(Exception):
    """The passphrase or key file does not open this county database."""


class WeakSecret(Exception):
    """A passphrase too short to seal a new database with."""


def _kek(secret: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def secret_from(key_file: str | None = None, env: dict[str, str] | None = None) -> bytes:
    """The secret IT gives at start: ``--key-file`` (or ``ESERVICE_COUNTY_KEY_FILE``), else the
    passphrase in ``ESERVICE_COUNTY_PASSPHRASE``. Raises SecretMissing when there is neither."""
    environ = os.environ if env is None else env
    path = key_file or environ.get(KEY_FILE_ENV) or ""
    if path:
        try:
            with Path(path).open("rb") as f:
                data = f.read(KEY_FILE_MAX + 1).strip()
        except OSError as e:
            zh, en = os_reason(e)
            shown = printable_path(path)
            raise SecretMissing(
                f"無法讀取金鑰檔 {shown}（{zh}）", f"cannot read the key file {shown} ({en})"
            ) from None
        if not data:
            shown = printable_path(path)
            raise SecretMissing(f"金鑰檔 {shown} 是空的", f"the key file {shown} is empty")
        if len(data) > KEY_FILE_MAX:
            shown = printable_path(path)
            raise SecretMissing(
                f"金鑰檔 {shown} 過大（上限 64 KB），不是金鑰檔",
                f"the key file {shown} is too large (64 KB at most): no key file",
            )
        return data
    phrase = environ.get(PASSPHRASE_ENV, "")
    if not phrase:
        raise SecretMissing("未提供密語或金鑰檔", "no passphrase or key file")
    return phrase.encode("utf-8")


@dataclass
class Vault:
    """The unwrapped data key; seals and opens secrets bound to a row identity."""

    _key: bytes

    def seal(self, plaintext: bytes, aad: str) -> str:
        nonce = secrets.token_bytes(12)
        ct = AESGCM(self._key).encrypt(nonce, plaintext, aad.encode())
        return SEALED_PREFIX + base64.b64encode(nonce + ct).decode()

    def open(self, sealed: str, aad: str) -> bytes:
        if not sealed.startswith(SEALED_PREFIX):
            raise ValueError("not a sealed value")
        raw = base64.b64decode(sealed[len(SEALED_PREFIX) :])
        return AESGCM(self._key).decrypt(raw[:12], raw[12:], aad.encode())

    def derive(self, purpose: str) -> bytes:
        """A 256-bit key of its own for ``purpose`` (HKDF-SHA256 of the data key): kept
        nowhere, made again at each start from the data key, so it outlives a passphrase
        change (which re-wraps the data key only) and a restore (with its secret) as the
        sealed secrets do."""
        return HKDF(hashes.SHA256(), 32, None, purpose.encode()).derive(self._key)

    def __repr__(self) -> str:  # never print the key
        return "Vault(<sealed>)"


def is_sealed(value: str) -> bool:
    return value.startswith(SEALED_PREFIX)


def unlock(s: Session, secret: bytes, now: datetime) -> Vault:
    """Opens the database's data key with ``secret``; the first start creates it (the secret
    must then be at least MIN_SECRET_LEN bytes). Raises WrongSecret."""
    row = s.scalar(select(VaultRow).where(VaultRow.name == "data-key"))
    if row is None:
        if len(secret) < MIN_SECRET_LEN:
            raise WeakSecret(f"the passphrase must have at least {MIN_SECRET_LEN} characters")
        key = AESGCM.generate_key(bit_length=256)
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        wrapped = AESGCM(_kek(secret, salt, _N, _R, _P)).encrypt(nonce, key, _WRAP_AAD)
        s.add(
            VaultRow(
                name="data-key",
                kdf=f"scrypt:{_N}:{_R}:{_P}",
                salt=base64.b64encode(salt).decode(),
                wrapped=base64.b64encode(nonce + wrapped).decode(),
                created_at=now,
                updated_at=now,
            )
        )
        s.flush()
        return Vault(key)
    return Vault(_unwrap(row, secret))


def _unwrap(row: VaultRow, secret: bytes) -> bytes:
    _name, n, r, p = row.kdf.split(":")
    raw = base64.b64decode(row.wrapped)
    kek = _kek(secret, base64.b64decode(row.salt), int(n), int(r), int(p))
    try:
        return AESGCM(kek).decrypt(raw[:12], raw[12:], _WRAP_AAD)
    except InvalidTag:
        raise WrongSecret("the passphrase or key file does not open this database") from None


def rewrap(s: Session, old: bytes, new: bytes, now: datetime) -> None:
    """Changes the passphrase (or key file): the data key is wrapped anew, nothing else moves."""
    row = s.scalar(select(VaultRow).where(VaultRow.name == "data-key"))
    if row is None:
        raise WrongSecret("this database has no sealed secrets yet")
    if len(new) < MIN_SECRET_LEN:
        raise WeakSecret(f"the passphrase must have at least {MIN_SECRET_LEN} characters")
    key = _unwrap(row, old)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    row.kdf = f"scrypt:{_N}:{_R}:{_P}"
    row.salt = base64.b64encode(salt).decode()
    row.wrapped = base64.b64encode(
        nonce + AESGCM(_kek(new, salt, _N, _R, _P)).encrypt(nonce, key, _WRAP_AAD)
    ).decode()
    row.updated_at = now


def of(s: Session) -> Vault:
    """The vault the session was opened with (``sessionmaker(info={"vault": ...})``)."""
    vault = s.info.get("vault")
    if not isinstance(vault, Vault):
        raise RuntimeError("this county session was opened without its secrets unlocked")
    return vault
