"""Files with personal data outside the database (the intake draft, archived pickup slips),
encrypted with AES-256-GCM under a key derived from the database key (HKDF-SHA256), so that
they are exactly as safe as the database and need no key of their own.

A sealed file is ``MAGIC || nonce (12 bytes) || ciphertext+tag``; the file name is the
associated data, so a sealed file renamed into another's place does not open.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

MAGIC = b"ESVSEAL1"
SUFFIX = ".sealed"


class SealError(ValueError):
    """A sealed file that does not open (wrong key, damaged or tampered with)."""


class Sealer:
    """Built at start-up by every face; cryptography is loaded at the first seal or unseal
    (it costs the window's cold start a tenth of a second otherwise)."""

    def __init__(self, db_key: bytes) -> None:
        self._db_key = db_key
        self._cipher: Any = None

    @property
    def _aead(self) -> Any:
        if self._cipher is None:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            from cryptography.hazmat.primitives.kdf.hkdf import HKDF

            derived = HKDF(
                algorithm=hashes.SHA256(),
                length=32,
                salt=None,
                info=b"eservice-desktop sealed files",
            ).derive(self._db_key)
            self._cipher = AESGCM(derived)
        return self._cipher

    def seal(self, data: bytes, name: str) -> bytes:
        nonce = secrets.token_bytes(12)
        return MAGIC + nonce + bytes(self._aead.encrypt(nonce, data, name.encode()))

    def unseal(self, blob: bytes, name: str) -> bytes:
        if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 12 + 16:
            raise SealError(f"{name}: not a sealed file")
        from cryptography.exceptions import InvalidTag

        nonce = blob[len(MAGIC) : len(MAGIC) + 12]
        try:
            return bytes(self._aead.decrypt(nonce, blob[len(MAGIC) + 12 :], name.encode()))
        except InvalidTag as e:
            raise SealError(f"{name}: does not open with this office's key") from e

    def write(self, path: Path, data: bytes) -> None:
        """Atomically replaces ``path`` with the sealed ``data`` (mode 0600, fsynced)."""
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.seal(data, path.name))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read(self, path: Path) -> bytes:
        return self.unseal(path.read_bytes(), path.name)
