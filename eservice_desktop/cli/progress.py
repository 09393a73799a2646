"""A long check's progress on the terminal: one line on standard error, rewritten in place,
only when standard error is a terminal and the answer is not ``--json`` (a script reading the
output, or a log, gets the answer alone, as before). See ``services/check_progress.py``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from eservice_desktop.cli.common import say
from eservice_desktop.services import check_progress

#: The least time between two lines: a line per few thousand events would flicker.
EVERY_S = 0.5


@contextmanager
def events_read(args: argparse.Namespace) -> Iterator[None]:
    """Says 已檢查 N／M 筆事件… while the checks inside the block read the events, and clears the
    line before the answer is printed."""
    stream = sys.stderr
    if getattr(args, "json", False) or not stream.isatty():
        yield
        return
    shown = {"at": 0.0, "width": 0}

    def hear(done: int, total: int) -> None:
        now = time.monotonic()
        if now - shown["at"] < EVERY_S:
            return
        line = say(
            args, f"已檢查 {done:,}／{total:,} 筆事件…", f"Checked {done:,} of {total:,} events…"
        )
        stream.write("\r" + line)
        stream.flush()
        shown["at"], shown["width"] = now, max(shown["width"], len(line) * 2)

    with check_progress.listening(hear):
        try:
            yield
        finally:
            if shown["width"]:
                stream.write("\r" + " " * int(shown["width"]) + "\r")
                stream.flush()
