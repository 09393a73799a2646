"""The App across threads: write transactions of one process take turns; reference data is a
frozen snapshot that swaps are made of, never edits."""

from __future__ import annotations

import dataclasses
import threading
from datetime import time

import pytest

from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.domain.catalogue import Catalogue
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.state import get_state, set_state

#: How long a thread of the test waits for the other: only a thread that never comes ends the
#: wait. 5 s was too short on a loaded machine: a first thread starting 6 s late let the
#: second one in first, and the test failed with a write lock that worked.
WAIT_S = 60.0


def test_two_threads_never_hold_a_write_transaction_at_once(app: App) -> None:
    inside = threading.Event()
    release = threading.Event()
    log: list[str] = []

    def first() -> None:
        with app.transaction() as s:
            set_state(s, "test_lock", "first", app.now())
            log.append("first in")
            inside.set()
            release.wait(WAIT_S)
            log.append("first out")

    def second() -> None:
        inside.wait(WAIT_S)
        with app.transaction() as s:
            log.append("second in")
            set_state(s, "test_lock", "second", app.now())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    try:
        assert inside.wait(WAIT_S)
        threading.Event().wait(0.2)  # the second one had time to begin, had it not waited
        assert log == ["first in"]
        # it waits on the process's write lock (no busy timeout there), not on SQLite's
        assert not app.write_lock.acquire(blocking=False)
    finally:
        release.set()
    for t in threads:
        t.join(WAIT_S)
    assert log == ["first in", "first out", "second in"]
    with app.reading() as s:
        assert get_state(s, "test_lock") == "second"


def test_reference_is_swapped_whole_never_edited(app: App) -> None:
    held = app.reference
    with pytest.raises(dataclasses.FrozenInstanceError):
        held.clock_offset_s = 5.0  # type: ignore[misc]
    new = app.swap_reference(calendar=WorkingCalendar({}), clock_offset_s=2.5)
    assert app.reference is new and new is not held
    assert new.catalogue is held.catalogue and app.calendar is new.calendar
    assert held.clock_offset_s == 0.0 and held.calendar is not new.calendar
    app.reload_calendar()  # a calendar reload swaps again, keeping the offset
    assert app.reference is not new and app.reference.clock_offset_s == 2.5


def _with_hours(catalogue: Catalogue, code: str, opens: time, closes: time) -> Catalogue:
    """The catalogue with office ``code`` open from ``opens`` to ``closes``."""
    return Catalogue(
        version=catalogue.version + "+hours",
        departments=catalogue.departments,
        services=catalogue.services,
        offices=[
            dataclasses.replace(o, opens=opens, closes=closes) if o.code == code else o
            for o in catalogue.offices
        ],
        kiosk=catalogue.kiosk,
    )


def test_hours_are_built_once_per_catalogue_and_follow_a_swapped_one(app: App) -> None:
    code = app.settings.office_code
    office = app.catalogue.office(code)
    first = app.hours
    assert (first.opens, first.closes) == (office.opens, office.closes)
    assert app.hours is first  # not built again for each reader
    app.swap_reference(clock_offset_s=1.0)  # a new snapshot (each sync round), same catalogue
    assert app.hours is first
    app.swap_reference(catalogue=_with_hours(app.catalogue, code, time(7, 30), time(19)))
    later = app.hours
    assert (later.opens, later.closes) == (time(7, 30), time(19))
    assert app.hours is later
    app.reload_calendar()  # a calendar reload keeps the catalogue's hours
    assert app.hours is later
