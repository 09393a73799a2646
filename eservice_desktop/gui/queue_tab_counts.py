"""The queue's tab counts (今日收件 (3) …): taken on the database writer, at most one query in
flight, a burst of reasons to count answered by one count a moment later.

They are taken again after every write of this window (``ctx.case_changed``, through the page),
after every sync round (cases another counter took in or the web sent arrive with a round, not
as a write of this window) and on every switch of tab (a case the command line wrote on this
database); the list shown is read again only when the clerk asks, so a round never takes away
the row the clerk is on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from eservice_desktop.gui.context import GuiContext

#: The tab counts are taken again this long after a case changed: the changed list loads
#: first, and a burst of changes (a batch of intakes, a sync) is counted once.
RECOUNT_DELAY_MS = 250


class TabCounts(QObject):
    """``show(counts)`` labels the tabs; ``failed(error)`` reports a count that failed."""

    def __init__(
        self,
        parent: QObject,
        ctx: GuiContext,
        show: Callable[[dict[str, int]], None],
        failed: Callable[[object], None],
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._show, self._failed = show, failed
        self.counts: dict[str, int] = {}
        self._counting = False
        self._dirty = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(RECOUNT_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        ctx.sync_round_done.connect(self.timer.start)

    def soon(self) -> None:
        """Counts again a moment from now (again: from the last call)."""
        self.timer.start()

    def refresh(self) -> None:
        """At most one count query in flight: counting open cases over a big database takes
        a while, and a burst of intakes must not queue a count per case ahead of the lists."""
        if self._counting:
            self._dirty = True
            return
        from eservice_desktop.services.cases import queue_counts

        self._counting = True
        self._dirty = False
        self.ctx.run_on_core(queue_counts, on_done=self._done, on_error=self._error)

    def _error(self, error: object) -> None:
        self._counting = False
        self._failed(error)

    def _done(self, counts: dict[str, int]) -> None:
        self._counting = False
        if self._dirty:
            self.refresh()
        self.counts = counts
        self._show(counts)
