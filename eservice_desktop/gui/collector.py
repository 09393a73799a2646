"""Python's cyclic garbage collector, in the window's process, runs on the UI thread between
events only.

Left to itself the collector runs in whichever thread allocates when a count passes its
threshold: the database writer, the sync loop, a card's reader thread, or the UI thread in the
middle of delivering a signal. A cycle holding a Qt object (a page's lambda holding the page,
a dialog and its handlers) was then destroyed there: a widget deleted from a worker thread, or
a receiver deleted while Qt delivered to it. The window's test runs crashed on it now and
then (a segmentation fault after "Slot 'ColumnFitter::' not found", another while a timer of
a page from an earlier test fired). Here the collector is off, and a timer on the UI thread
runs the generation whose count is due, as the collector itself would have, at a moment when
no event is being delivered (the pattern of Spyder and pyqtgraph).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the counts are looked at (ms): a collection due waits at most this long.
INTERVAL_MS = 500


class UiThreadCollector(QObject):
    """Turns the automatic collector off and collects from a timer of the UI thread."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(collect_due)
        self._timer.start()

    def stop(self) -> None:
        """The automatic collector back (the window's process is ending)."""
        self._timer.stop()
        gc.enable()


def collect_due() -> int:
    """What the automatic collector would have run now, run here: once the youngest
    generation's count passed its threshold, the oldest generation whose count did; nothing
    while a batch holds the collector off (a pull applying its page)."""
    from eservice_desktop.services.collector_hold import collection_held

    counts, thresholds = gc.get_count(), gc.get_threshold()
    if counts[0] <= thresholds[0] or collection_held():
        return 0
    return gc.collect(max(g for g in range(3) if counts[g] > thresholds[g]))
