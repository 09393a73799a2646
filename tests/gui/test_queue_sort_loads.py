"""A queue list sorted by a column is sorted whole: the table sorted the rows loaded, and
到期日 sorted over the first 500 of 3,042 open cases put a case due two days before on top,
the cases overdue for a year never loaded."""

from __future__ import annotations

from typing import cast

from gui_keys import open_long_queue
from PySide6.QtCore import Qt

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.queue_page import QueuePage
from eservice_desktop.services.queue_rows import QUEUE_CHUNK, queue_chunk


def test_a_list_sorted_by_its_due_date_loads_all_its_rows_first(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    page, total = open_long_queue(qtbot, ctx, 4500)
    page = cast(QueuePage, page)
    assert total > 2 * QUEUE_CHUNK
    due = min(
        i.due_key
        for offset in range(0, total, QUEUE_CHUNK)
        for i in queue_chunk(ctx.app, "open", "zh_TW", offset).items
    )
    column = [key for key, _label in page.model.columns].index("due_text")
    page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)  # a click on 到期日
    qtbot.waitUntil(lambda: page.model.rowCount() == total, timeout=20000)
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=10000)
    assert page.model.complete
    first = page.model.item(page.proxy.mapToSource(page.proxy.index(0, 0)).row())
    assert first.due_key == due
    assert page.result_label.text() == f"顯示 {total:,} 筆／共 {total:,} 件"
