"""The case detail's 民眾通知 list: the citizen's notices with the county's outcomes.

重送通知 (Alt+W) acts on the selected notice, so the list keeps the notice the clerk picked when
the case is read again (a sync round, a payment, the resend itself) and keeps the selected row
in sight: it selected the latest notice again, below the list's edge, and the next Alt+W went
for a notice the clerk had not picked and could not see.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from eservice_desktop.domain.notice_labels import (
    NOTICE_CHANNEL_LABELS,
    NOTICE_STAGE_LABELS,
    NOTICE_STATUS_LABELS,
)
from eservice_desktop.gui.case_detail_view import format_moment
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import notices
from eservice_desktop.services.notices import Notice


class CaseNoticesPage(Protocol):
    """The case detail as :class:`PendingNotices` sees it."""

    case_number: str
    notices: list[Notice]

    def show_notices(self, sent: list[Notice]) -> None: ...


def fill(table: QTableWidget, sent: list[Notice], *, zh: bool, keep: str = "") -> None:
    """Shows ``sent`` and selects the notice ``keep`` (its notification id) when it is there,
    else the latest; the selected row scrolled into sight."""
    table.setRowCount(len(sent))
    for i, n in enumerate(sent):
        cells = (
            NOTICE_STAGE_LABELS.get(n.stage, (n.stage, n.stage))[0 if zh else 1],
            NOTICE_CHANNEL_LABELS.get(n.channel, (n.channel, n.channel))[0 if zh else 1],
            format_moment(n.at, zh),
            NOTICE_STATUS_LABELS.get(n.status, (n.status, n.status))[0 if zh else 1],
        )
        for col, text in enumerate(cells):
            table.setItem(i, col, QTableWidgetItem(text))
    if not sent:
        return
    ids = [n.notification_id for n in sent]
    row = ids.index(keep) if keep in ids else len(sent) - 1
    table.selectRow(row)
    table.scrollTo(table.model().index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)


class PendingNotices(QObject):
    """The outcome of a notice still on its way (排隊中, 重試中) shown when a sync round brings
    it. Outcomes are no events of the case (``case_rounds`` rereads a page for new events
    only): the list said 排隊中 until the case was opened again, 重送通知 stayed off, and the
    refusal to resend said to wait for an outcome that never came on screen. After each round
    the notices of the case shown are read again while one of them is pending; not otherwise
    (an idle round every few seconds reads nothing)."""

    def __init__(self, parent: QObject, page: CaseNoticesPage, ctx: GuiContext) -> None:
        super().__init__(parent)  # destroyed with the page: it hears no round after it
        self.page, self.ctx = page, ctx
        ctx.sync_round_done.connect(self.recheck)

    def recheck(self) -> None:
        number = self.page.case_number
        if not number or not any(n.status in notices.PENDING for n in self.page.notices):
            return

        def show(sent: list[Notice]) -> None:
            if self.page.case_number == number:  # still that case
                self.page.show_notices(sent)

        tasks = self.ctx.tasks
        tasks.run(notices.of_case, self.ctx.app, number, on_done=show, on_error=tasks.quiet_refusal)
