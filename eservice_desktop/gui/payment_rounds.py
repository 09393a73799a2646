"""The fees page after a sync round: the case shown is read again (what the cashier typed kept)
when the round brought it events, e.g. its fee taken at another counter of the office. The page
went on offering to take the fee again, and the cashier learned of the payment only from the
refusal ("繳費金額 30 元超過應繳餘額 0 元") beside a balance of 30 still on screen.

A child object of the page: destroyed with it, it hears no round after the page is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import payment_screen

if TYPE_CHECKING:
    from eservice_desktop.gui.payment_page import PaymentPage


class RoundWatch(QObject):
    def __init__(self, page: PaymentPage) -> None:
        super().__init__(page)
        self.page = page
        page.ctx.sync_round_done.connect(self.recheck)

    def recheck(self) -> None:
        """Counts the shown case's events on the writer (an index count) and has the page read
        the case again when they are not those it shows."""
        page = self.page
        shown = page.current
        if shown is None or page._loading:
            return

        def compare(seen: int) -> None:
            if page.current is shown and seen != shown.revision:
                page._case_changed(shown.view.case_number)

        page.ctx.tasks.run(
            payment_screen.revision,
            page.ctx.app,
            shown.view.case_id,
            on_done=compare,
            on_error=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        """A refusal (signed out meanwhile) is no news for the cashier: the next action says it."""
        if not isinstance(error, DomainError):
            self.page.ctx.tasks._unhandled(error)
