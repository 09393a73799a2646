"""The command line's session file: ``session-<user>`` in the data directory, readable by this
OS user only, holding the token of ``login`` (``services.operators_sessions`` keeps its hash
with the OS user it was opened for)."""

from __future__ import annotations

import os
from pathlib import Path

from eservice_desktop.config import Settings


def os_user() -> str:
    """This OS user as the system knows the process's user id, never ``$USER`` or ``$LOGNAME``:
    anyone sets those, and a session file taken to another user's account on the same PC
    signed in there with ``USER=`` its owner."""
    try:
        if hasattr(os, "geteuid"):
            import pwd

            return pwd.getpwuid(os.geteuid()).pw_name
        return os.getlogin()  # Windows: GetUserNameW, not %USERNAME%
    except (KeyError, OSError):  # no name for this uid (containers): the uid itself
        if hasattr(os, "geteuid"):
            return f"uid{os.geteuid()}"
    import getpass  # Windows without a console session (a service): %USERNAME% as before

    return getpass.getuser()


def session_file(settings: Settings) -> Path:
    """This OS user's CLI session: ``session-<user>`` in the data directory, owner-only."""
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in os_user())[:64]
    return settings.data_dir / f"session-{safe}"


def write_session_file(settings: Settings, token: str) -> Path:
    path = session_file(settings)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(token + "\n")
    os.replace(tmp, path)
    return path
