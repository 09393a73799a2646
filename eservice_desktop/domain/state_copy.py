"""A case state (or payment) copied with some fields changed, fast: every fold of every rule
module copies the state once per event, and a bulk batch folds hundreds of thousands.

Here, below ``case_fold`` and the rule modules that fold for it (``supply_by``, ``phone_rule``,
``reopen_rule`` …), so that each uses this copy rather than ``dataclasses.replace``: the
supplement request's fold took the library's and folding the sync benchmark's 10,000 events
took twice as long (67 → 127 ms), a tenth more CPU on both ends of a push and a pull."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from eservice_desktop.domain.case_state import CaseState, Payment

_D = TypeVar("_D", CaseState, Payment)


def replace(obj: _D, **changes: Any) -> _D:
    """``dataclasses.replace`` for the fold's two frozen dataclasses (plain fields: no
    ``__post_init__``, no ``init=False``, no slots), without its generated ``__init__`` of some
    fifty keyword arguments each set through ``object.__setattr__``: the fold copies the state
    for every event, and a bulk batch folds hundreds of thousands. A name that is not a field
    is refused as ``dataclasses.replace`` refuses it."""
    cls = type(obj)
    if not changes.keys() <= FIELDS[cls]:
        raise TypeError(f"{cls.__name__} has no field {sorted(changes.keys() - FIELDS[cls])}")
    new = object.__new__(cls)
    state = new.__dict__
    state.update(obj.__dict__)
    state.update(changes)
    return new


#: The field names of each dataclass :func:`replace` copies.
FIELDS: dict[type, frozenset[str]] = {
    cls: frozenset(f.name for f in fields(cls)) for cls in (CaseState, Payment)
}
