"""The case detail's 民眾通知 list: the citizen's notices with the county's outcomes.

重送通知 (Alt+W) acts on the selected notice, so the list keeps the notice the clerk picked when
the case is read again (a sync round, a payment, the resend itself) and keeps the selected row
in sight: it selected the latest notice again, below the list's edge, and the next Alt+W went
for a notice the clerk had not picked and could not see.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from eservice_desktop.gui.case_detail_view import (
    NOTICE_CHANNEL_LABELS,
    NOTICE_STATUS_LABELS,
    format_moment,
)
from eservice_desktop.gui.timeline import NOTICE_STAGE_LABELS
from eservice_desktop.services.notices import Notice


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
