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
        """The plain bytes; SealError says why not, never naming the file: an attachment's
        name is the clerk's file name (王小明身分證.png), and the error reached the log and the
        command's traceback whole."""
        if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 12 + 16:
            raise SealError("not a sealed file")
        from cryptography.exceptions import InvalidTag

        nonce = blob[len(MAGIC) : len(MAGIC) + 12]
        try:
            return bytes(self._aead.decrypt(nonce, blob[len(MAGIC) + 12 :], name.encode()))
        except InvalidTag:
            raise SealError("does not open with this office's key") from None

    def write(self, path: Path, data: bytes) -> None:
        """Atomically replaces ``path`` with the sealed ``data`` (mode 0600, fsynced; 0660 in a
        folder 2770 of a data directory shared with the clerks' group, see :func:`_folder`)."""
        shared = _folder(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
        try:
            if shared:
                os.fchmod(fd, 0o660)
            with os.fdopen(fd, "wb") as f:
                f.write(self.seal(data, path.name))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read(self, path: Path) -> bytes:
        """The plain bytes of ``path``; an OSError says why (gone, no access) without the path,
        which holds the file's name (see :meth:`unseal`)."""
        try:
            blob = path.read_bytes()
        except OSError as e:
            raise OSError(e.errno, e.strerror) from None
        return self.unseal(blob, path.name)


def _folder(directory: Path) -> bool:
    """Makes ``directory`` (``attachments/<sha256>``, ``drafts``, ``pickup-slips``) and says
    whether it is shared with the group. In the .deb's data directory (setgid 2770: the sync
    service's account and every clerk) a sealed file was its writer's alone, in a folder of
    its own alone: the service could not read a clerk's attachment to upload it, so every one
    of its sync rounds failed there (no pull either), as did another clerk's window's, and a
    second clerk could not attach or keep a draft. There the folder is 2770 and the file 0660,
    as every other file of that directory."""
    from eservice_desktop.storage.cipher import shared_with_group

    existing = directory
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    shared = shared_with_group(existing)
    directory.mkdir(mode=0o770 if shared else 0o700, parents=True, exist_ok=True)
    if shared and directory.stat().st_uid == os.geteuid():
        os.chmod(directory, 0o2770)
    return shared
