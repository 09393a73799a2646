"""A page's refusal of a restore not yet recovered goes once the sync round recovered it.

A restored database waiting for its recovery from the county refuses every write of its own
(``restore.recover_pending``, services/restore_guard.py), and the page says so in red beside
its button. The round that reaches the county recovers it and the status bar says so
(``ctx.restore_recovered``), but the page kept the refusal (…尚未自縣府取回…本次未儲存) as if
the fee still could not be taken: it is cleared, the amounts typed left as they are. A page
whose label says more than refusals (the pickup desk's verdict of the code on screen) passes
``then``, which says what is true now in its place.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import restore_guard


class RecoveredWatch(QObject):
    """Clears ``label`` (or calls ``then``) when, the recovery done, it still shows the
    refusal of the restore."""

    def __init__(
        self, ctx: GuiContext, label: QLabel, then: Callable[[], None] | None = None
    ) -> None:
        super().__init__(label)
        self.ctx, self.label, self.then = ctx, label, then
        ctx.restore_recovered.connect(self.recovered)

    def recovered(self) -> None:
        if self.label.text() != self.ctx.message(restore_guard.refusal()):
            return
        if self.then is None:
            self.label.clear()
        else:
            self.then()
