"""Custody of the office database key: 256 random bits held by the operating system.

The key never goes into ``settings.json`` or into the database. Two stores, chosen by the
``db_key_store`` setting (empty = the platform's default):

- ``file`` (default on Linux): one file ``db.key`` (64 hex digits) in the key directory
  (``db_key_dir``, default ``DATA_DIR/keys``). The directory is created 0700, or kept as IT made
  it; the key file is readable by the directory's group only when the directory itself is
  group-readable. The .deb makes ``/var/lib/eservice-desktop/keys`` 2750 ``eservice:eservice``:
  the sync service (user ``eservice``) and the clerks who run the window (members of the
  ``eservice`` group, who can already write the database file) read the same key; nobody else.
  A key broker would hand the same key to the same group, so it adds a process without
  narrowing who can read the data.
- ``keyring`` (default on Windows): the OS keyring through ``keyring``; on Windows that is the
  Credential Manager, whose secrets DPAPI encrypts for the account (LocalSystem for the service,
  the signed-in user for the window); on a Linux desktop the Secret Service.

A headless machine (CI, the test suite) uses the file store, the same path as an installed
Linux counter. Losing the key loses the database and every backup: IT keeps a sealed copy
(``db key export``, docs/it-guide.md).
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import sys
import tempfile
from pathlib import Path

from eservice_desktop.config import Settings

log = logging.getLogger("eservice.storage")

KEY_FILE = "db.key"
KEYRING_SERVICE = "eservice-desktop database"
KEY_BYTES = 32


class KeyUnavailable(RuntimeError):
    """The database is encrypted but its key is not where this machine keeps it."""


def store_kind(settings: Settings) -> str:
    kind = settings.db_key_store or ("keyring" if sys.platform == "win32" else "file")
    if kind not in {"file", "keyring"}:
        raise KeyUnavailable(
            f"db_key_store 設定值「{kind}」無效（應為 file 或 keyring）。"
            f" / db_key_store must be file or keyring, not {kind!r}."
        )
    return kind


def key_dir(settings: Settings) -> Path:
    return Path(settings.db_key_dir) if settings.db_key_dir else settings.data_dir / "keys"


def _keyring_user(settings: Settings) -> str:
    return str(settings.db_path.resolve())


def _parse(text: str) -> bytes:
    value = text.strip()
    try:
        key = bytes.fromhex(value)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(
            "資料庫金鑰格式錯誤（應為 64 個十六進位字元）。"
            " / The database key is malformed (64 hexadecimal digits expected)."
        )
    return key


def _read_file(directory: Path) -> bytes | None:
    path = directory / KEY_FILE
    if not path.exists():
        return None
    # bytes that are not ASCII make it malformed like any other damage (not a UnicodeError)
    return _parse(path.read_bytes()[:4096].decode("ascii", errors="replace"))


def _write_file(directory: Path, key: bytes) -> None:
    """Replaces the key file (``db key import``)."""
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True)
    tmp = _written_temp(directory, key)
    try:
        os.replace(tmp, directory / KEY_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(directory)


def _written_temp(directory: Path, key: bytes) -> str:
    """The key in a new file beside the key file, on disk, with the key file's mode."""
    group = bool(stat.S_IMODE(directory.stat().st_mode) & stat.S_IRGRP)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".db-key-")
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o640 if group else 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex() + "\n")
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _sync_directory(directory: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        dfd = os.open(directory, os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def restrict_key_file(settings: Settings) -> None:
    """The key file readable by its owner only (0600), or by the group too where the key folder
    grants the group read (the .deb's 2750: 0640), as it is written. A key copied back by hand
    (``cp`` from the escrow's USB stick under umask 022) stayed 0644: every account of the PC
    could read the key that opens the database and every backup. Called where the program
    opens the database, never by doctor (which only reads)."""
    if os.name != "posix" or store_kind(settings) != "file":
        return
    path = key_dir(settings) / KEY_FILE
    try:
        group = bool(stat.S_IMODE(path.parent.stat().st_mode) & stat.S_IRGRP)
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    wanted = 0o640 if group else 0o600
    if mode & ~wanted:
        try:
            os.chmod(path, wanted)
            log.warning("key file mode %o set to %o", mode, wanted)
        except PermissionError:  # another account's file: its owner sets the mode
            log.warning("cannot set the mode of the key file (owned by another account)")


def read_key(settings: Settings) -> bytes | None:
    """The stored key, or None when this machine holds none."""
    if store_kind(settings) == "file":
        return _read_file(key_dir(settings))
    import keyring
    from keyring.errors import KeyringError

    try:
        value = keyring.get_password(KEYRING_SERVICE, _keyring_user(settings))
    except KeyringError as e:
        raise KeyUnavailable(
            f"無法讀取作業系統金鑰庫：{e}。 / The OS keyring cannot be read: {e}."
        ) from e
    return _parse(value) if value else None


def store_key(settings: Settings, key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise KeyUnavailable("金鑰長度錯誤。 / The key must be 32 bytes.")
    if store_kind(settings) == "file":
        _write_file(key_dir(settings), key)
        return
    import keyring

    keyring.set_password(KEYRING_SERVICE, _keyring_user(settings), key.hex())


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def database_key(settings: Settings, create: bool) -> bytes:
    """The office database key; a new one is made and stored only when ``create`` is true
    (a database that does not exist yet, or a plain one about to be encrypted)."""
    key = read_key(settings)
    if key is not None:
        return key
    if not create:
        where = (
            str(key_dir(settings) / KEY_FILE)
            if store_kind(settings) == "file"
            else f"keyring {KEYRING_SERVICE}"
        )
        raise KeyUnavailable(
            f"找不到資料庫金鑰（{where}）：資料庫已加密，請由資訊人員以 `db key import`"
            f" 匯入保管的金鑰。 / The database key is missing ({where}): the database is"
            " encrypted; IT imports the escrowed key with `db key import`."
        )
    return _store_first_key(settings, new_key())


def _store_first_key(settings: Settings, key: bytes) -> bytes:
    """Stores ``key`` unless another process stored one first, and returns the key that is
    stored. The window and the sync service start together on a new install: each found no
    key, made one and stored it with a replace, so the last writer's key was kept while the
    first had already made the database with its own, and the database no longer opened
    ("file is not a database"; make test's run of `make run` saw it). A file key is taken with
    a hard link, which fails when the file exists; the key then is the one found there."""
    if store_kind(settings) != "file":
        store_key(settings, key)
        stored = read_key(settings)
        if stored is None:  # a keyring that takes and forgets (keyring.backends.null)
            raise KeyUnavailable(
                "作業系統金鑰庫沒有保存資料庫金鑰，未建立資料庫：請啟用金鑰庫，或設定"
                " db_key_store 為 file。 / The OS keyring did not keep the database key; no"
                " database was made: enable a keyring, or set db_key_store to file."
            )
        return stored
    directory = key_dir(settings)
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = _written_temp(directory, key)
    try:
        os.link(tmp, directory / KEY_FILE)
    except FileExistsError:
        found = _read_file(directory)
        if found is None:
            raise
        return found
    finally:
        Path(tmp).unlink(missing_ok=True)
    _sync_directory(directory)
    return key
