"""A file a command imports (a working calendar, a settlement file, a county key document, an
escrowed database key, a revocation list), read only when it is a regular file and no
further than its limit.

Apart because every import read its file alike with ``open()`` and ``read(limit)``: a named
pipe's ``open()`` waits for a writer, and the command waited for good; a device (/dev/zero) was
read to the limit and refused as too large or malformed, which sent IT looking at the wrong
thing. In ``storage`` because the county server's imports (``settle-import``) need it too and
the county does not import ``services``; the office's commands reach it through
``services.input_files``.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from eservice_desktop.domain.text_values import NOT_REGULAR, NotRegularFileError


def read_regular(path: Path, size: int) -> bytes:
    """At most ``size`` bytes of the regular file ``path`` (a caller that asks one past its
    limit refuses a longer file as too large); ``NotRegularFileError``, an ``OSError`` naming
    the path, for a pipe, a device or a socket, before anything is read. The open does not wait
    (``O_NONBLOCK`` where there is one), and the kind is read again from the file opened."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):  # said as a folder, as open() said it
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(mode):
        raise NotRegularFileError(None, NOT_REGULAR[1], str(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with open(os.open(path, flags), "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # replaced meanwhile
            raise NotRegularFileError(None, NOT_REGULAR[1], str(path))
        return f.read(size)
