"""Logging: one logger per area (eservice.sync, eservice.card, ...), rotating files in the data
directory, and redaction so an ID number, a phone number, an e-mail address or a PIN never
reaches a log.

Redaction applies to the fully formatted record: the message with its arguments, the exception
text and traceback, and the stack (``RedactingFilter`` and ``RedactingFormatter`` both run, so a
handler that formats on its own is covered too). Log files and their directory are the owner's
only (0600/0700). ``install_crash_handlers`` sends uncaught exceptions and fatal signals
(faulthandler) to the log directory."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import logging.handlers
import os
import re
import stat
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

# Nothing of ours goes to Python's last-resort stderr handler when no handler is set up (a data
# directory where the log folder cannot be made): the CLI says what failed in its one line.
logging.getLogger("eservice").addHandler(logging.NullHandler())

#: An ID number however it was typed: lower case and full-width forms too, and next to Chinese
#: text ("身分證A123456789已存在"), where ``\b`` found no word boundary (CJK characters are word
#: characters) and the number went through whole. Only ASCII letters and digits around it
#: keep it from matching, so a hex hash or a UUID is left as it is.
_ID = re.compile(
    r"(?<![0-9A-Za-z])[A-Za-zＡ-Ｚａ-ｚ][A-Da-d1289Ａ-Ｄａ-ｄ１２８９][0-9０-９]{8}(?![0-9０-９])"
)
#: An 8-digit business number (統一編號), masked on purpose; so is any 8-digit run, a date
#: included, except the one shape the program itself stamps file names with (backups:
#: ``eservice-H01-01-closing-20261203T083015Z.sqlite3``): a real day of 2000-2099 followed by
#: ``T``, a real time to the second and ``Z``. No business number is written that way, and
#: free text (where someone could type one so) never reaches a log; a date of another shape
#: (``20261203``, ``re-20261203-…``) cannot be told from a business number and stays masked.
_UBN = re.compile(r"(?<!\d)\d{8}(?!\d)")
_STAMP = re.compile(r"T(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]Z(?![0-9A-Za-z])")
#: A mobile number with dashes or spaces between its groups, or in full-width digits.
_PHONE = re.compile(
    r"(?<!\d)(?:[+＋]?[8８][8８][6６][- 　]?|[0０])[9９]\d{2}[- 　]?\d{3}[- 　]?\d{3}(?!\d)"
)


#: An e-mail address's local part (the citizen's notices go to one); the domain is kept.
_EMAIL = re.compile(r"[^\s@<>()\[\]\"',;:=]+@(?=[^\s@]+\.[^\s@])")


def redact(text: str) -> str:
    text = _EMAIL.sub("***@", text)
    text = _ID.sub(lambda m: m.group(0)[:2] + "********", text)
    text = _PHONE.sub("09********", text)
    return _UBN.sub(_business_number, text)


def _business_number(m: re.Match[str]) -> str:
    """An 8-digit run masked, unless it is the date of a file name's time stamp (``_UBN``)."""
    run = m.group(0)
    if run.isascii() and run.startswith("20") and _STAMP.match(m.string, m.end()):
        try:
            date(int(run[:4]), int(run[4:6]), int(run[6:]))
        except ValueError:
            return "********"
        return run
    return "********"


class RedactingFilter(logging.Filter):
    """Rewrites every record's message, exception text and stack before any handler formats
    it; names are never logged by the code in the first place."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the final text of whatever formatter it wraps (message, traceback, all)."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            data["exc"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(data, ensure_ascii=False)


def redacting(handler: logging.Handler, fmt: logging.Formatter | None = None) -> logging.Handler:
    """Makes ``handler`` redact everything it writes."""
    handler.setFormatter(
        RedactingFormatter(
            fmt or logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
    )
    handler.addFilter(RedactingFilter())
    return handler


def _private(path: Path, mode: int) -> None:
    """``path`` at ``mode``; one another account owns (the sync service's log folder, a
    clerk's log file in the shared data directory) is left as its owner made it: the chmod
    would be refused, and the command with it."""
    if os.name != "posix" or not path.exists():
        return
    st = path.stat()
    if stat.S_IMODE(st.st_mode) != mode and st.st_uid == os.geteuid():
        os.chmod(path, mode)


def _modes(log_dir: Path) -> tuple[int, int]:
    """The log folder's mode and its files': the owner's only (0700, 0600), or the group's too
    (2770, 0660) in a data directory IT shares with the clerks' group (the .deb's setgid 2770
    directory, where the sync service's account and every clerk write the same logs). Before,
    the first program to log made them the owner's only: after the .deb's ``db upgrade`` as the
    service's account, every clerk's window and command stopped with 無法存取
    …/logs/eservice.log（沒有權限）."""
    parent = log_dir.parent
    shared = os.name == "posix" and parent.exists() and bool(parent.stat().st_mode & stat.S_ISGID)
    return (0o2770, 0o660) if shared else (0o700, 0o600)


class _SaysFailureOnce:
    """A record the handler could not write (the disk full, the log folder removed) is said
    as one redacted line on stderr, once per handler: logging's own ``handleError`` prints the
    whole traceback, the failed record's message and arguments with it, past the redaction,
    and again for every later record."""

    _failed = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        error = sys.exc_info()[1]
        if self._failed or error is None or sys.stderr is None:
            return
        self._failed = True
        reason = redact(f"{type(error).__name__}: {error}")
        with contextlib.suppress(OSError, ValueError):  # stderr closed, or on the same disk
            sys.stderr.write(f"無法寫入紀錄 / the log could not be written ({reason})\n")


#: Seconds a rotation waits after one that could not be made (see the handler).
ROTATION_RETRY_S = 60.0


class _PrivateRotatingFileHandler(_SaysFailureOnce, logging.handlers.RotatingFileHandler):
    """Log files readable by their owner only, the rotated ones too.

    The window, the sync service's commands and IT's commands write the same ``eservice.log``.
    Windows does not rename a file another process has open: a rotation there raised
    PermissionError, the handler was left without its file, and every later record of that
    process was lost (each tried the rotation again) while the other kept the file open, the
    window all day. A rotation that cannot be made now keeps writing to the file as it is and is
    tried again :data:`ROTATION_RETRY_S` later; the file grows a little past its size meanwhile.

    The log folder removed under a running process (IT freeing a full disk: ``rm -r logs``):
    the process wrote on into the deleted file, whose space no one got back, and from its next
    rotation on it lost every record (the folder was not there to open a file in) until it was
    restarted, the sync service weeks later. A file no folder holds any more is left for a new
    one, the folder made again as at start-up.
    """

    _rotation_held_until = 0.0

    def _open(self) -> io.TextIOWrapper:
        folder = Path(self.baseFilename).parent
        if not folder.is_dir():
            folder_mode = _modes(folder)[0]
            folder.mkdir(mode=folder_mode & 0o777, parents=True, exist_ok=True)
            _private(folder, folder_mode)
        stream = super()._open()
        _private(Path(self.baseFilename), _modes(folder)[1])
        return stream

    def _removed(self) -> bool:
        """The open file is no folder's any more (deleted with its folder, or alone)."""
        try:
            return self.stream is not None and os.fstat(self.stream.fileno()).st_nlink == 0
        except (OSError, ValueError, AttributeError):  # no real file: nothing to tell
            return False

    def emit(self, record: logging.LogRecord) -> None:
        stream = self.stream
        if stream is not None and self._removed():
            with contextlib.suppress(OSError, ValueError):
                stream.close()
            self.stream = None  # reopened by the emit below, its folder made again
        super().emit(record)

    def shouldRollover(self, record: logging.LogRecord) -> bool:  # noqa: N802 (logging's name)
        if time.monotonic() < self._rotation_held_until:
            return False
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:  # noqa: N802 (logging's name)
        try:
            super().doRollover()
        except OSError:  # the file is open in another process (Windows): write on, retry later
            self._rotation_held_until = time.monotonic() + ROTATION_RETRY_S
            if self.stream is None:
                self.stream = self._open()


class _StderrHandler(_SaysFailureOnce, logging.StreamHandler):  # type: ignore[type-arg]
    """``--verbose``'s stderr."""


def setup_logging(
    log_dir: Path | None,
    level: int = logging.INFO,
    json_lines: bool = False,
    stderr: bool = False,
    name: str = "eservice",
) -> None:
    root = logging.getLogger("eservice")
    root.setLevel(level)
    for h in list(root.handlers):
        if getattr(h, "_eservice_setup", False):  # ours from an earlier call; others stay
            root.removeHandler(h)
            h.close()
    fmt: logging.Formatter = (
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handlers: list[logging.Handler] = []
    if log_dir is not None:
        folder_mode = _modes(log_dir)[0]
        log_dir.mkdir(mode=folder_mode & 0o777, parents=True, exist_ok=True)
        _private(log_dir, folder_mode)
        handlers.append(
            _PrivateRotatingFileHandler(
                log_dir / f"{name}.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
            )
        )
    if stderr:
        handlers.append(_StderrHandler())
    for h in handlers:
        redacting(h, fmt)
        h._eservice_setup = True  # type: ignore[attr-defined]
        root.addHandler(h)


CRASH_FILE = "crash.log"
#: A crash.log past this size is set aside (``crash.log.1``, the one before it removed) when a
#: program starts: it was only ever appended to, each fatal error adding every thread's stack,
#: and a counter whose service crashed at each restart grew it without end.
CRASH_MAX_BYTES = 1_000_000


def _set_aside_large(crash: Path) -> None:
    """``crash`` renamed to ``crash.log.1`` when past :data:`CRASH_MAX_BYTES`. Another program
    may hold it open: on Linux it writes on into the file set aside; on Windows the rename is
    refused and the file is set aside at a later start."""
    try:
        if crash.stat().st_size <= CRASH_MAX_BYTES:
            return
        os.replace(crash, crash.with_name(CRASH_FILE + ".1"))
    except OSError:
        return


def install_crash_handlers(log_dir: Path) -> Path:
    """Uncaught exceptions go to the log (redacted) and fatal signals (segfaults in Qt or a
    driver) to ``crash.log`` via faulthandler, both in ``log_dir``; returns the crash file."""
    import faulthandler
    import sys

    folder_mode, file_mode = _modes(log_dir)
    log_dir.mkdir(mode=folder_mode & 0o777, parents=True, exist_ok=True)
    crash = log_dir / CRASH_FILE
    _set_aside_large(crash)
    fd = os.open(crash, os.O_WRONLY | os.O_CREAT | os.O_APPEND, file_mode)
    _private(crash, file_mode)
    stream = os.fdopen(fd, "a", encoding="utf-8")
    faulthandler.enable(stream)
    _CRASH_STREAMS.append(stream)  # faulthandler needs the file kept open
    previous = sys.excepthook

    def excepthook(kind, value, tb):  # type: ignore[no-untyped-def]
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        logging.getLogger("eservice.crash").critical(
            "uncaught exception", exc_info=(kind, value, tb)
        )
        for hook in list(CRASH_LISTENERS):
            hook(log_dir)

    sys.excepthook = excepthook
    return crash


_CRASH_STREAMS: list[object] = []
#: Called with the log directory after an uncaught exception was logged (the GUI's dialog).
CRASH_LISTENERS: list[Callable[[Path], None]] = []
