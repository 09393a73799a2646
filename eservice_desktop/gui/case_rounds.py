"""A page's case read again after a sync round that brought it events: its fee taken, its case
closed or handed over at another counter of the office. The fees page went on offering to take
the fee again, and the cashier learned of the payment only from the refusal ("繳費金額 30 元超過
應繳餘額 0 元") beside a balance of 30 still on screen; the case detail offered to close a case
closed meanwhile.

After every round the case shown has its events counted on the writer (``cases.revision``, an
index count, no personal data read) and the page reads it again only when the count is not the
one it showed, so an idle round every few seconds never moves the clerk's cursor. A child
object of the page: destroyed with it, it hears no round after the page is gone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases

#: What a page shows: (case id, its events as counted when it was read), or None (no case, or
#: one still loading).
Shown = Callable[[], tuple[str, int] | None]


class CaseRoundWatch(QObject):
    def __init__(
        self, page: QObject, ctx: GuiContext, shown: Shown, reread: Callable[[], None]
    ) -> None:
        super().__init__(page)
        self.ctx = ctx
        self._shown, self._reread = shown, reread
        ctx.sync_round_done.connect(self.recheck)

    def recheck(self) -> None:
        first = self._shown()
        if first is None:
            return
        case_id, count = first

        def compare(seen: int) -> None:
            if seen != count and self._shown() == first:  # still that case, as it was read
                self._reread()

        tasks = self.ctx.tasks
        tasks.run(
            cases.revision, self.ctx.app, case_id, on_done=compare, on_error=tasks.quiet_refusal
        )
