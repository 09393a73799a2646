"""The window's process collects cyclic garbage on the UI thread only (``gui/collector.py``):
a cycle holding a Qt object was freed in whichever thread happened to allocate (the database
writer, the sync loop), deleting the object there."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.collector import UiThreadCollector, collect_due


class _Cycle:
    """Garbage only the cyclic collector frees; says in which thread it was freed."""

    freed_in: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_in.append(threading.current_thread().name)


def _allocate_on_a_worker() -> None:
    """A worker making many objects, as the writer does applying a pulled page."""

    def work() -> None:
        kept = [[i] for i in range(200_000)]
        del kept

    t = threading.Thread(target=work, name="writer")
    t.start()
    t.join()


@pytest.fixture
def collector(qapp: QApplication) -> Iterator[UiThreadCollector]:
    was = gc.isenabled()
    gc.enable()
    c = UiThreadCollector(qapp)
    yield c
    c.stop()
    c.deleteLater()
    if not was:
        gc.disable()


def test_garbage_made_on_the_ui_thread_is_freed_there_not_on_a_worker(
    collector: UiThreadCollector,
) -> None:
    assert not gc.isenabled()
    _Cycle.freed_in.clear()
    for _ in range(50):
        _Cycle()
    _allocate_on_a_worker()  # with the collector on, a collection ran here and freed them
    assert _Cycle.freed_in == []
    while not _Cycle.freed_in:  # what the timer does between events
        for _ in range(1000):
            _Cycle()
        collect_due()
    assert set(_Cycle.freed_in) == {threading.current_thread().name}


def test_stopped_it_gives_the_collector_back(collector: UiThreadCollector) -> None:
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()


def test_it_waits_while_a_batch_holds_the_collector_off(collector: UiThreadCollector) -> None:
    """A pulled page applied on the writer holds the collector off (storage/collection.py):
    collected meanwhile from the UI thread, the page's objects were walked for nothing."""
    from eservice_desktop.storage.collection import collection_paused

    for _ in range(2000):
        _Cycle()
    with collection_paused():
        assert collect_due() == 0
    assert collect_due() > 0


def test_asking_whether_a_batch_holds_it_loads_no_database_driver() -> None:
    """The collector asks every half second from the Qt application's start: asked of
    ``services.database``, it loaded the SQLCipher driver before the login screen was up (the
    cold-start test, on a busy machine, once), the import the window's start defers."""
    import subprocess
    import sys

    probe = (
        "import gc, json, sys\n"
        "from eservice_desktop.gui.collector import collect_due\n"
        "gc.disable(); gc.set_threshold(10)\n"
        "kept = [[i] for i in range(100)]\n"
        "collect_due()\n"
        "print(json.dumps(sorted(m for m in ('sqlcipher3', 'sqlalchemy',"
        " 'eservice_desktop.storage.cipher') if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
