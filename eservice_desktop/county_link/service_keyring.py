"""Credential store for the background sync service's own account.

The Linux service runs as the system user ``eservice``, which has no login session and so no
Secret Service: the OS keyring the counter window uses cannot exist there. This keyring backend
keeps the device credential in one file inside a directory only the service account can open
(0700, file 0600), written atomically, outside the database and the settings file that clerks
share. It is never chosen automatically: the service unit and the installer's enrolment select
it with
``PYTHON_KEYRING_BACKEND=eservice_desktop.county_link.service_keyring.ServiceKeyring`` and name
the directory in ``ESERVICE_CREDENTIALS_DIR``. (Windows services run as LocalSystem, whose own
Credential Manager is a real keyring; they do not need this.)
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

from jaraco.classes.properties import classproperty
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

ENV_DIR = "ESERVICE_CREDENTIALS_DIR"
FILE_NAME = "credentials.json"


class ServiceKeyring(KeyringBackend):
    @classproperty
    def priority(cls) -> float:  # noqa: N805
        """Viable only where the service's credential directory is named; there it ranks
        below every real backend, so a desktop session's keyring always wins."""
        if not os.environ.get(ENV_DIR):
            raise RuntimeError(f"{ENV_DIR} is not set")
        return 0.1

    @property
    def directory(self) -> Path:
        value = os.environ.get(ENV_DIR)
        if not value:
            raise KeyringError(f"{ENV_DIR} is not set: the service credential store has no home")
        return Path(value)

    def _path(self) -> Path:
        d = self.directory
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        if stat.S_IMODE(d.stat().st_mode) != 0o700:
            os.chmod(d, 0o700)
        return d / FILE_NAME

    def _load(self) -> dict[str, str]:
        path = self._path()
        if not path.exists():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()}

    def _store(self, data: dict[str, str]) -> None:
        path = self._path()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".credentials-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @staticmethod
    def _key(service: str, username: str) -> str:
        return f"{service}\x1f{username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[self._key(service, username)] = password
        self._store(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(self._key(service, username), None) is None:
            raise PasswordDeleteError("no such credential")
        self._store(data)
