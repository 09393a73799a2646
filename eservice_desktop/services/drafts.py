"""Sealed drafts of a form's unsent input, written in order on a thread of their own.

A draft holds personal data, so it is sealed with the office key and replaced atomically
(fsynced): a crash mid-write keeps the previous one. That costs a disk flush on every pause in
typing, tens of milliseconds on an office PC with a slow disk or a scanning antivirus, which the
counter window must not spend on its UI thread. :class:`DraftKeeper` therefore hands saves and
deletions to one background thread in the order they were asked, so a later state never loses
to an earlier one, and every read first waits for the writes asked before it.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eservice_desktop.services.core import Sealer

DRAFT_VERSION = 1
#: How long a read or the window's closing waits for the pending writes.
FLUSH_TIMEOUT_S = 10.0

log = logging.getLogger("eservice.drafts")


class DraftStore:
    """One JSON draft per form, encrypted with the office key and replaced atomically."""

    def __init__(self, path: Path, sealer: Sealer) -> None:
        self.path = path
        self.sealer = sealer

    def save(self, state: dict[str, Any], saved_at: datetime | None = None) -> None:
        data = {
            "version": DRAFT_VERSION,
            "saved_at": (saved_at or datetime.now(UTC)).isoformat(),
            "form": state,
        }
        self.sealer.write(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def load(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.sealer.read(self.path).decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("draft unreadable; starting with an empty form")
            return None
        form = data.get("form") if isinstance(data, dict) else None
        return form if isinstance(form, dict) else None

    def saved_at(self) -> datetime | None:
        """When the draft on disk was written (its own record, else the file's time)."""
        try:
            data = json.loads(self.sealer.read(self.path).decode("utf-8"))
            return datetime.fromisoformat(str(data["saved_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        try:
            return datetime.fromtimestamp(self.path.stat().st_mtime, UTC)
        except OSError:
            return None

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class _Writer:
    """The one thread that writes the drafts of one path, and the last write asked of it."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="draft-writer")
        self.last: Future[None] | None = None
        self.lock = threading.Lock()


_writers: dict[Path, _Writer] = {}
_writers_lock = threading.Lock()


def _writer_of(path: Path) -> _Writer:
    """One writer per draft file for the whole process: a form built again after a sign-out
    reads what the form before it asked to write."""
    key = path.absolute()
    with _writers_lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = _Writer()
        return writer


class DraftKeeper:
    """A :class:`DraftStore` whose writes run on the draft file's background thread, in order.

    ``save`` and ``clear`` return at once; ``load``, ``saved_at`` and ``flush`` wait for the
    writes asked before them (a failed write is logged without the draft's content: the form
    keeps what was typed, and the next save tries again). Pending writes finish before the
    process exits (the pool's threads are joined at exit)."""

    def __init__(self, store: DraftStore) -> None:
        self.store = store
        self._writer = _writer_of(store.path)

    def save(self, state: dict[str, Any], saved_at: datetime | None = None) -> None:
        self._submit(self.store.save, state, saved_at)

    def clear(self) -> None:
        self._submit(self.store.clear)

    def flush(self, timeout: float = FLUSH_TIMEOUT_S) -> bool:
        """Waits for the writes asked so far; False when they did not finish in ``timeout``."""
        with self._writer.lock:
            last = self._writer.last
        if last is None:
            return True
        try:
            last.result(timeout)
        except TimeoutError:
            return False
        return True

    def load(self) -> dict[str, Any] | None:
        self.flush()
        return self.store.load()

    def saved_at(self) -> datetime | None:
        self.flush()
        return self.store.saved_at()

    def _submit(self, fn: Any, *args: Any) -> None:
        with self._writer.lock:
            self._writer.last = self._writer.pool.submit(_logged, fn, *args)


def _logged(fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except OSError as e:
        log.warning("could not write the draft: %s", type(e).__name__)
