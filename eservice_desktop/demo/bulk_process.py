"""The demo seed's batches built in a process of their own (:mod:`demo.bulk`).

A seed is bound by Python's lock: the batch being written is checked, folded, linked and
projected by the one ingest, and the next batch can only be built in the moments SQLite holds
no lock (its commit). Built in a forked copy of this process instead, a batch costs this one
only its unpickling: the copy sends each batch as plain tuples (``event_id``, ``case_id``,
``type``, ``at``, ``payload``: a tenth of the build), and this process makes the events and
hands them to :func:`services.ingest.ingest_many` as before. The copy draws from the same
generators in the same order, so a seed of a given ``seed`` builds the same cases; equal
payloads of a batch stay one object (pickle keeps an object's identity within a batch).

Only where ``fork`` is (POSIX), with a second processor to run the copy on, and for a seed
large enough to gain from it
(:data:`MIN_CASES`, e.g. the CLI's ``demo seed --cases 200000``): the copy runs Python alone,
no thread of the parent goes with it, and a small seed (the GUI's first start, 300 cases) is
built on the writer's side as before. The copy touches no database and ends with the seed;
a failure of the copy is raised here (the seed is then undone), and a failure here ends it.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Generator, Iterator
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from eservice_desktop.domain.events import Event

#: The smallest seed built in a process of its own (two batches of the CLI's 20,000 cases).
MIN_CASES = 40_000

#: An event of the seed as built: (event_id, case_id, type, at, payload); the office, device
#: and clerk are the seed's (:func:`events`).
Row = tuple[str, str, str, datetime, dict[str, Any]]
#: A batch as :func:`demo.bulk._batches` yields it: its case count, rows and counters.
Rows = tuple[int, list[Row], dict[str, int]]


def available(cases: int, batch: int) -> bool:
    """Whether a seed of ``cases`` in batches of ``batch`` is built in a process of its own."""
    forks = "fork" in multiprocessing.get_all_start_methods()
    return forks and (os.cpu_count() or 1) > 1 and cases >= MIN_CASES and cases > batch


def events(rows: list[Row], office: str, device: str, clerk: str) -> list[Event]:
    """The events of a batch's ``rows``, made by the seed's actor."""
    return [
        Event.unchecked(
            {
                "event_id": event_id,
                "case_id": case_id,
                "type": type_,
                "office": office,
                "device": device,
                "clerk": clerk,
                "at": at,
                "payload": payload,
                "prev": None,
                "hash": None,
            }
        )
        for event_id, case_id, type_, at, payload in rows
    ]


def batches_elsewhere(build: Callable[[], Iterator[Rows]]) -> Generator[Rows, None, None]:
    """The batches of ``build()`` (called in the forked copy), received here as they come."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    copy = context.Process(target=_build, args=(build, sending), name="seed-builder")
    copy.start()
    sending.close()
    try:
        while True:
            try:
                kind, value = pickle.loads(receiving.recv_bytes())
            except EOFError:  # the copy ended without a word (killed)
                raise RuntimeError("the demo seed's builder process ended") from None
            if kind == "done":
                return
            if kind == "failed":
                raise value
            yield value
    finally:
        receiving.close()
        if copy.is_alive():
            copy.terminate()
        copy.join()


def _build(build: Callable[[], Iterator[Rows]], sending: Connection) -> None:
    """In the copy: each batch, then "done" (or the failure, to be raised there)."""
    message: tuple[str, Any]
    try:
        for batch in build():
            sending.send_bytes(pickle.dumps(("batch", batch), protocol=5))
        message = ("done", None)
    except Exception as failure:  # raised in the parent, which undoes the seed
        message = ("failed", failure)
    except KeyboardInterrupt:  # Ctrl-C reached both: the parent says so, and undoes the seed
        sending.close()
        return
    try:
        data = pickle.dumps(message, protocol=5)
    except Exception:  # a failure that does not pickle: its kind at least
        data = pickle.dumps(("failed", RuntimeError(type(message[1]).__name__)), protocol=5)
    try:
        sending.send_bytes(data)
    except BrokenPipeError:  # the parent stopped listening
        pass
    finally:
        sending.close()
