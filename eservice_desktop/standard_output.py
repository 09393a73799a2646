"""Standard output that a command's answer may fail to reach, for both command lines.

A script's output goes to a pipe or a file, block-buffered: ``… | head -1`` (the reader gone)
or ``… > log`` on a full disk failed only when the interpreter flushed it at exit, after the
command had returned: Python then printed two English lines of its own (``Exception ignored
in: <_io.TextIOWrapper name='<stdout>'…>``) and exited 120, where the same command run with
``PYTHONUNBUFFERED=1`` (a systemd unit's habit) or with a longer answer failed inside the
command and exited 0 or 2. And the 2 said 磁碟空間已滿，這次的資料都沒有儲存 after ``case intake``
had stored the case: a script that believed it took the citizen in twice.

So a command writes through :class:`GuardedOutput`: a write that fails is kept, not raised
into the command (which ends as it would have, its transaction committed or not by its own
logic), later writes are dropped, and the command line says afterwards, once, in the user's
language, that the answer was not written (``lost_output``): a reader that went away is no
error (the command's own exit status stands), anything else is exit 2 saying the command
itself was carried out.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class GuardedOutput:
    """A text stream over ``stream`` whose write and flush never raise ``OSError``: the first
    one is kept in ``error`` and what follows goes nowhere."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.error: OSError | None = None

    def write(self, text: str) -> int:
        if self.error is None:
            try:
                return self.stream.write(text)
            except OSError as e:
                self._lost(e)
        return len(text)

    def flush(self) -> None:
        if self.error is None:
            try:
                self.stream.flush()
            except OSError as e:
                self._lost(e)

    def _lost(self, e: OSError) -> None:
        """Keeps the error and points the descriptor at the null device, so what the stream
        still buffers is not written again (and refused again) when the interpreter exits."""
        self.error = e
        try:
            null = os.open(os.devnull, os.O_WRONLY)
        except OSError:
            return
        try:
            os.dup2(null, self.stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass  # no descriptor of its own (a test's StringIO): nothing buffered to refuse
        finally:
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)  # encoding, isatty, fileno, reconfigure …


@contextmanager
def guarded_stdout() -> Iterator[GuardedOutput]:
    """``sys.stdout`` guarded while the block runs, flushed at its end (so a failure is
    seen here, not at the interpreter's exit), and the stream the caller had put back."""
    original = sys.stdout
    if original is None:  # started with its standard output closed: print() writes nothing
        yield GuardedOutput(io.StringIO())
        return
    guard = GuardedOutput(original)
    sys.stdout = guard
    try:
        yield guard
    finally:
        guard.flush()
        sys.stdout = original


def lost_output(guard: GuardedOutput) -> OSError | None:
    """The failure that kept the answer from standard output, when it is one to report: a
    reader that went away (``| head``) is not."""
    e = guard.error
    if e is None or isinstance(e, BrokenPipeError) or e.errno == errno.EPIPE:
        return None
    return e
