"""How many events and ORM rows a check holds at once, counted as they are made: each one is
counted when it is made and uncounted when it is freed (a weak reference's callback; events are
not hashable, so no ``WeakSet``). A sweep of the whole heap
(``gc.get_objects``) every few rows did the same and took most of these tests' time."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from eservice_desktop.domain.events import Event
from eservice_desktop.storage import repo


class Alive:
    """The events :func:`repo.row_to_event` made and the rows of ``row_classes`` loaded, still
    alive; ``held`` is that count every ``every`` events made."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.made = 0
        self.held: list[int] = []
        self._refs: dict[int, weakref.ref[Any]] = {}

    def count(self) -> int:
        return len(self._refs)

    def _track(self, obj: Any) -> None:
        ref = weakref.ref(obj, self._freed)
        self._refs[id(ref)] = ref

    def _freed(self, ref: weakref.ref[Any]) -> None:
        self._refs.pop(id(ref), None)

    def _loaded(self, target: Any, _context: Any) -> None:
        self._track(target)

    def _event_made(self, made: Event) -> None:
        self._track(made)
        self.made += 1
        if self.made % self.every == 0:
            self.held.append(self.count())


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch, every: int, *row_classes: type) -> Iterator[Alive]:
    alive = Alive(every)
    read = repo.row_to_event

    def counted(row: Any) -> Event:
        made = read(row)
        alive._event_made(made)
        return made

    monkeypatch.setattr(repo, "row_to_event", counted)
    for cls in row_classes:
        event.listen(cls, "load", alive._loaded)
    try:
        yield alive
    finally:
        for cls in row_classes:
            event.remove(cls, "load", alive._loaded)
