"""The clerk's queue (案件清單): today's intake, awaiting supplement, due within two working
days, overdue, all open — plus search as you type over every case.

Rows come from ``services.queue_rows`` on a worker (a million cases must never freeze the
counter), already turned into display rows there, so the Qt model only indexes lists (a
signed-in start's first list: ``services.queue_start``, before the core). Every query carries
a generation number; an answer older than the newest question is dropped, so fast typing never
shows the results of an earlier keystroke last.

The table's model (and how one written case finds its row) is ``gui/queue_model.py``; the
widgets and their layout are ``gui/queue_view.py``; this module is what they do.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.queue_day import DayWatch, queue_days
from eservice_desktop.gui.queue_filter import FilterCount
from eservice_desktop.gui.queue_model import (
    CASE_NUMBER_ROLE,
    COLUMNS,
    ONLINE_COLUMNS,
    QueueModel,
)
from eservice_desktop.gui.queue_tab_counts import TabCounts
from eservice_desktop.gui.queue_view import QUEUE_TABS, QueueView
from eservice_desktop.gui.tasks import Task
from eservice_desktop.services.queue_items import Chunk, Member

#: Names the window's tests and benchmarks take from here (the model and the view live in
#: ``gui/queue_model.py`` and ``gui/queue_view.py``).
__all__ = ["ONLINE_COLUMNS", "QUEUE_TABS", "QueueModel", "QueuePage", "create_page"]

SEARCH_DEBOUNCE_MS = 150
#: The total of a list is counted once its first rows have stayed this long.
COUNT_DELAY_MS = 200


class QueuePage(QueueView):
    """What the queue does; its widgets are built by ``QueueView``."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queue_page")
        self.ctx = ctx
        self._generation = 0
        self._pending: Task | None = None
        self._open_first: int | None = None  # the list (generation) Enter opens the first of
        self._sized = False
        #: ``loaded``: the first list has reached the table; ``answered``: it has, or it failed
        #: (start-up readiness: the start goes on either way, gui/launcher.py).
        self.loaded = self.answered = False
        self._total: int | None = None
        self._total_running = False
        self._total_wanted: tuple[int, tuple[bool, str]] | None = None
        self._count_job: tuple[int, tuple[bool, str]] | None = None
        self._count_timer = self._timer(COUNT_DELAY_MS, self._count_now)
        self.tab_counts = TabCounts(self, ctx, self.label_tabs, self._failed)
        # Totals and further rows answer later: a page gone by then must not hear of them.
        self._background: list[Task] = []
        background = self._background

        def forget(*_args: object) -> None:
            for task in background:
                task.cancel()

        self.destroyed.connect(forget)
        self._build_view()
        self.tabs.currentChanged.connect(self._tab_switched)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self._debounce = self._timer(SEARCH_DEBOUNCE_MS, self.search_now)
        self.search_box.textChanged.connect(self._search_edited)
        self.filter_box.textChanged.connect(lambda _t: self._show_counts())
        self.filter_count = FilterCount(self)  # no row loaded for a filter that has them all

        ctx.case_changed.connect(self._case_changed)
        #: Reads the list again at midnight and after closing, with no write (gui/queue_day.py).
        days = partial(queue_days, ctx.office)
        self.day_watch = DayWatch(self, ctx.now, self.model.days_read, self.refresh, days)
        self.reload()
        ctx.when_core_open(self.tab_counts.refresh)

    def _tab_switched(self, _index: int) -> None:
        """Another list, read now, and the tabs counted again (gui/queue_tab_counts.py)."""
        self.reload()
        self.tab_counts.soon()

    def _search_edited(self, _text: str) -> None:
        """Typing is a new question: an Enter pressed for the text before opens nothing."""
        self._open_first = None
        self._debounce.start()

    def _timer(self, interval_ms: int, then: Any) -> QTimer:
        """A single-shot timer of the page: ``start()`` (again) calls ``then`` once after
        ``interval_ms`` of quiet."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(then)
        return timer

    # -- page hooks --------------------------------------------------------------------------

    def on_shown(self) -> None:
        """F3 (or Esc back from a case) lands in the search box with its last query selected:
        what the clerk types next is the next search. The cursor sat after the old query, and
        王 typed for the next citizen searched 林美玲王, which found nobody."""
        self.focus_search()

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def focus_table(self) -> None:
        self.table.setFocus()
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    # -- loading -----------------------------------------------------------------------------

    @property
    def queue_name(self) -> str:
        return QUEUE_TABS[max(self.tabs.currentIndex(), 0)][0]

    def refresh(self) -> None:
        """The current list (or search) again, e.g. after a case changed, and the tab counts a
        moment later (queue_tab_counts.RECOUNT_DELAY_MS: the list goes first on the writer)."""
        if self.search_box.text().strip():
            self.search_now()
        else:
            self.reload()
        self.tab_counts.soon()

    def _case_changed(self, case_number: str) -> None:
        """A case was written: the queue shown takes that one row as it is now (an index lookup
        on the writer, placed in the list's order: a new intake is at the top of today's list
        in milliseconds, where reading the first rows again took hundreds at a million cases).
        Many cases at once (``""``), a search, or rows still loading: the list is read again."""
        if not case_number or self.search_box.text().strip() or not self._settled():
            self.refresh()
            return
        from eservice_desktop.services.queue_rows import queue_item

        self.tab_counts.soon()
        generation, name, app = self._generation, self.queue_name, self.ctx.app

        def done(member: Member) -> None:
            if generation != self._generation:
                return  # another list is shown (or asked for) since
            if not self._settled() or not self.model.place(name, case_number, member):
                # a chunk loading meanwhile counted its offset without the row, or the list
                # shown was read on another day
                self.refresh()
                return
            self._show_counts()
            self._count_job = (generation, (False, name))
            self._count_timer.start()

        task = self.ctx.tasks.run(
            queue_item, app, name, self.ctx.lang, case_number, on_done=done, on_error=self._failed
        )
        self._track(task)

    def _settled(self) -> bool:
        """The list shown is complete as loaded: no first rows or further chunk on the way."""
        return self._pending is None and not self.model.fetching and self.loaded

    def reload(self) -> None:
        if self.search_box.text():
            self.search_box.blockSignals(True)  # no debounced second load of the same list
            self.search_box.clear()
            self.search_box.blockSignals(False)
            self._debounce.stop()
        self._query(False, self.queue_name, first=True)

    def search_now(self) -> None:
        self._debounce.stop()
        text = self.search_box.text().strip()
        self._query(bool(text), text or self.queue_name)

    def _query(self, searching: bool, key: str, first: bool = False) -> None:
        """First rows of a queue or a search (``key``: the queue's name or the text); the rest
        load as the table scrolls, and the total is counted on a worker meanwhile. ``first``:
        while the core opens, today's list is read without it (``services.queue_start``)."""
        self._generation += 1
        generation = self._generation
        if self._pending is not None:
            self._pending.cancel()
        lang, pending = self.ctx.lang, self.ctx.pending_core
        self._total = None
        if first and key == "today" and pending is not None:
            from eservice_desktop.services.queue_start import first_today

            begin = (first_today, pending.settings, pending.catalogue, pending.operator, lang)
            start: Any = partial(self.ctx.tasks.run, *begin, handed=pending.handed)
        else:
            from eservice_desktop.services import queue_rows

            rows = queue_rows.search_chunk if searching else queue_rows.queue_chunk
            start = partial(self.ctx.run_on_core, rows, key, lang)

        def done(chunk: Chunk | None) -> None:
            if generation != self._generation:
                return  # a newer keystroke asked since: stale
            self._pending = None
            if chunk is None:  # the core reads it (queue_start said why)
                self._query(searching, key)
                return
            self._show(chunk, searching)
            # Counted once the list has stayed for a moment: a total per keystroke of fast
            # typing would only compete with the next keystroke's rows.
            self._count_job = (generation, (searching, key))
            self._count_timer.start()

        self._pending = start(on_done=done, on_error=self._failed)

    def _more(self, generation: int, searching: bool, loaded: Chunk) -> Any:
        """The model's fetchMore for the list shown: loads the next chunk on a worker."""
        if not loaded.more:
            return None
        lang = self.ctx.lang
        text = self.search_box.text().strip()
        queue_name = self.queue_name

        def fetch() -> None:
            from eservice_desktop.services.queue_rows import queue_chunk, search_chunk

            if searching:  # (the first rows may have come before the core)
                job: Any = (search_chunk, text, lang, loaded.after)
            else:
                job = (queue_chunk, queue_name, lang, self.model.rowCount())
            task = self.ctx.run_on_core(*job, on_done=done, on_error=failed)
            self._track(task)

        def done(chunk: Chunk) -> None:
            if generation != self._generation:
                return
            self.model.append_items(chunk.items, self._more(generation, searching, chunk))
            self._show_counts()

        def failed(error: object) -> None:
            if generation == self._generation:
                self.model.stop_fetching()
                self._failed(error)

        return fetch

    def _count_now(self) -> None:
        """The total of the list shown, once the core is open (the first rows may come
        before it)."""
        job, self._count_job = self._count_job, None
        if job is not None:
            self.ctx.when_core_open(partial(self._count, *job))

    def _count(self, generation: int, job: tuple[bool, str]) -> None:
        """At most one total counted at a time; a newer list's count replaces a waiting one.
        ``job``: (a search?, its text or the queue's name)."""
        if generation != self._generation:
            return  # another list is shown since
        if self._total_running:
            self._total_wanted = (generation, job)
            return
        self._total_running = True

        def finish() -> None:
            self._total_running = False
            wanted, self._total_wanted = self._total_wanted, None
            if wanted is not None and wanted[0] == self._generation:
                self._count(*wanted)

        def done(total: int) -> None:
            if generation == self._generation:
                self._total = total
                self._show_counts()
            finish()

        def failed(error: object) -> None:
            finish()
            if generation == self._generation:
                self._failed(error)

        from eservice_desktop.services import cases

        searching, key = job
        count = cases.search_count if searching else cases.queue_total
        self._track(self.ctx.run_on_core(count, key, on_done=done, on_error=failed))

    def _track(self, task: Task) -> None:
        self._background[:] = [t for t in self._background if not t.finished]
        self._background.append(task)

    def _show_counts(self) -> None:
        """The rows loaded and the list's total; with a filter typed, first the rows it leaves
        (the line said 顯示 111 筆 over the four rows 補正中 left in sight)."""
        shown = f"{self.model.rowCount():,}"
        if self._total is None:
            text = self.tr("顯示 {shown} 筆／計算總數中…").format(shown=shown)
        else:
            text = self.tr("顯示 {shown} 筆／共 {total} 件").format(
                shown=shown, total=f"{self._total:,}"
            )
        if self.filter_box.text():
            kept = f"{self.proxy.rowCount():,}"
            text = self.tr("篩選後 {kept} 筆（{text}）").format(kept=kept, text=text)
        self.result_label.settle(text, final=self._total is not None)

    def total(self) -> int | None:
        """Every case of the list shown (None while it is being counted)."""
        return self._total

    def _failed(self, error: object) -> None:
        self._pending = None
        self.answered = True  # the message below is the first screen's answer
        self.result_label.refuse(self.ctx.message(error))

    def _show(self, chunk: Chunk, searching: bool) -> None:
        current = self.current_case_number()
        items = chunk.items
        first = not self._sized and bool(items)
        # A new list starts at its top (left at the bottom, the reset would load a second
        # chunk at once).
        self.table.scrollToTop()
        online = not searching and self.queue_name == "online"
        self.model.set_items(
            items,
            self._more(self._generation, searching, chunk),
            ONLINE_COLUMNS if online else COLUMNS,
            chunk.as_of,
            chunk.judged_on,
        )
        self.loaded = self.answered = True
        if first:
            self._sized = True
            self.table.resizeColumnsToContents()
        self._show_counts()
        if current:
            self.select_case(current)
        if self._open_first is not None:
            asked, self._open_first = self._open_first, None
            if asked == self._generation and self.proxy.rowCount():
                self.table.selectRow(0)
                self.open_current()

    # -- opening -----------------------------------------------------------------------------

    def current_case_number(self) -> str:
        index = self.table.currentIndex()
        if not index.isValid():
            return ""
        return str(self.proxy.data(index, CASE_NUMBER_ROLE) or "")

    def select_case(self, case_number: str) -> bool:
        for row in range(self.proxy.rowCount()):
            if self.proxy.data(self.proxy.index(row, 0), CASE_NUMBER_ROLE) == case_number:
                self.table.selectRow(row)
                return True
        return False

    def open_first_when_loaded(self) -> None:
        """Enter in the search box: the first row of this list (no later one) opens."""
        self._open_first = self._generation

    def open_current(self) -> None:
        number = self.current_case_number()
        if number:
            self.ctx.open_case_requested.emit(number)

    def counts(self) -> dict[str, int]:
        return dict(self.tab_counts.counts)

    def due_of(self, case_number: str) -> date | None:
        for item in self.model.items():
            if item.case_number == case_number and item.due_key != "9999":
                return date.fromisoformat(item.due_key)
        return None


def create_page(ctx: GuiContext) -> QWidget:
    return QueuePage(ctx)
