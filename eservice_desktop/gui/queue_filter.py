"""The queue's filter (篩選目前清單) and the rows it loads.

The filter is a ``QSortFilterProxyModel`` over the rows loaded; the table loads more while its
rows do not fill it, so a filter that left it short (one that matched nothing above all) read
the whole list, 500 rows at a time, before the line under it said 篩選後 0 筆: 2,000 chunks,
each further in, over a queue of a million cases. Now the cases of the whole list the filter
leaves are counted in the database as it is typed (``services.queue_filter``), and no row is
loaded for it once they all are, nor while they are counted. A text the database cannot count
(a date, the days left) and a search's results load on as before.

A list sorted by a column (a click on its header) loads all its rows, a chunk at a time: the
proxy sorts the rows loaded, and the first 500 sorted are not the list's first.

Apart from ``gui/queue_page.py``: the proxy's rule and its count read on their own.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, QTimer

from eservice_desktop.gui.queue_model import deadline_words

if TYPE_CHECKING:
    from eservice_desktop.gui.queue_page import QueuePage


class QueueProxy(QSortFilterProxyModel):
    """Sorts and filters the queue's rows; asks for more rows for a filter only while some
    case it leaves is not loaded yet."""

    def __init__(self, parent: QueuePage) -> None:
        super().__init__(parent)
        #: The filter as typed ("" for none).
        self.text = ""
        #: Cases of the whole list the filter leaves (None: not known, the rows load on).
        self.total: int | None = None
        #: The total is being counted: nothing loads meanwhile.
        self.counting = False

    def set_text(self, text: str) -> None:
        self.text = text
        self.total, self.counting = None, False
        self.setFilterFixedString(text)

    def canFetchMore(  # noqa: N802 (Qt API)
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> bool:
        if self.text and (self.counting or (self.total is not None and self.all_in())):
            return False
        return super().canFetchMore(parent)

    def all_in(self) -> bool:
        """Every case the filter leaves is loaded (its total known)."""
        return self.total is not None and self.rowCount() >= self.total


class FilterCount:
    """Counts the filter's cases over the list shown whenever the filter or the list changes
    (the newest question only), then lets the table load what it still lacks."""

    def __init__(self, page: QueuePage) -> None:
        self.page = page
        self._asked = 0
        page.filter_box.textChanged.connect(lambda _text: self.recount())
        page.model.modelReset.connect(self.recount)  # another list: its own total
        # Rows the filter hides lay nothing out, and the table asks for more only as it lays
        # rows out: while cases it leaves are still to load, the next rows are asked for here.
        page.model.rowsInserted.connect(lambda *_: self._on_to_the_rest())
        # A list sorted by a column is sorted whole: the proxy sorts the rows loaded, and
        # 到期日 sorted over the first 500 of 3,042 open cases put a case due two days ago on
        # top, the ones overdue for a year not loaded. Sorted, the list loads the rest.
        page.table.horizontalHeader().sortIndicatorChanged.connect(lambda *_: self.load_rest())
        page.model.modelReset.connect(lambda: QTimer.singleShot(0, page, self.load_rest))

    def recount(self) -> None:
        page, proxy = self.page, self.page.proxy
        self._asked += 1
        asked = self._asked
        proxy.total, proxy.counting = None, False
        searching = bool(page.search_box.text().strip())
        if not proxy.text or searching or page.model.complete:
            return  # no filter, a search's results (not counted), or the whole list loaded
        proxy.counting = True
        from eservice_desktop.services.queue_filter import filter_total

        keys = [key for key, _label in page.model.columns]

        def done(total: int | None) -> None:
            if asked == self._asked:
                proxy.counting, proxy.total = False, total
                page._show_counts()
                self.fetch_if_short()

        def failed(error: object) -> None:
            page.ctx.tasks.quiet_refusal(error)  # a bug is reported, not hidden
            if asked == self._asked:  # not counted: the rows load on as before
                proxy.counting = False
                self.fetch_if_short()

        count = partial(filter_total, words=deadline_words())
        args = (page.queue_name, page.ctx.lang, proxy.text, keys)
        page._track(page.ctx.run_on_core(count, *args, on_done=done, on_error=failed))

    def _on_to_the_rest(self) -> None:
        proxy = self.page.proxy
        if proxy.sortColumn() >= 0:
            QTimer.singleShot(0, self.page, self.load_rest)
        elif proxy.text and proxy.total is not None and not proxy.all_in():
            QTimer.singleShot(0, self.page, self.fetch_if_short)

    def load_rest(self) -> None:
        """A sorted list asks for its next rows, one chunk after the other (off the UI
        thread, as scrolling does), until every row is in and the sort is the whole list's
        (a filter's: until every case it leaves is in)."""
        proxy = self.page.proxy
        if proxy.sortColumn() >= 0 and not self.page.model.fetching and proxy.canFetchMore():
            proxy.fetchMore(QModelIndex())

    def fetch_if_short(self) -> None:
        """The table asks for rows as it lays them out: once the count is in, the next rows
        are asked for here when the rows shown do not fill it."""
        table, proxy = self.page.table, self.page.proxy
        if not proxy.canFetchMore():
            return
        last = proxy.rowCount() - 1
        if last < 0 or table.viewport().rect().intersects(table.visualRect(proxy.index(last, 0))):
            proxy.fetchMore(QModelIndex())
