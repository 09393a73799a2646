"""The clerk's queue (案件清單): today's intake, awaiting supplement, due within two working
days, overdue, all open — plus search as you type over every case.

Rows come from ``services.queue_rows`` on a worker (a million cases must never freeze the
counter), already turned into display rows there, so the Qt model only indexes lists. Every
query carries a generation number; an answer older than the newest question is
dropped, so fast typing never shows the results of an earlier keystroke last.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.keyboard import mark_lookup
from eservice_desktop.gui.table_fit import ColumnFitter
from eservice_desktop.gui.tasks import Task
from eservice_desktop.services import cases
from eservice_desktop.services.queue_rows import (
    Chunk,
    Member,
    QueueItem,
    load_queue,
    move,
    queue_chunk,
    queue_item,
    search_chunk,
    search_items,
)

TAIPEI = ZoneInfo("Asia/Taipei")


SEARCH_DEBOUNCE_MS = 150
#: The total of a list is counted once its first rows have stayed this long.
COUNT_DELAY_MS = 200
#: The tab counts are taken again this long after a case changed: the changed list loads
#: first, and a burst of changes (a batch of intakes, a sync) is counted once.
RECOUNT_DELAY_MS = 250
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CASE_NUMBER_ROLE = Qt.ItemDataRole.UserRole + 2

#: (queue name in services.cases, zh-TW label, key in queue_counts or "")
QUEUE_TABS: tuple[tuple[str, object, str], ...] = (  # labels marked for lupdate
    ("today", QT_TRANSLATE_NOOP("QueuePage", "今日收件"), "today"),
    ("supplement", QT_TRANSLATE_NOOP("QueuePage", "待補正"), "supplement"),
    ("due_soon", QT_TRANSLATE_NOOP("QueuePage", "兩日內到期"), "due_soon"),
    ("overdue", QT_TRANSLATE_NOOP("QueuePage", "逾期"), "overdue"),
    ("open", QT_TRANSLATE_NOOP("QueuePage", "全部未結"), ""),
    # web and kiosk cases waiting for 收件 (open one, Alt+A accepts it)
    ("online", QT_TRANSLATE_NOOP("QueuePage", "線上申辦"), "online"),
)


def _t(text: str) -> str:
    return QCoreApplication.translate("QueuePage", text)


COLUMNS: tuple[tuple[str, object], ...] = (  # headers marked for lupdate
    ("case_number", QT_TRANSLATE_NOOP("QueuePage", "案號")),
    ("service_name", QT_TRANSLATE_NOOP("QueuePage", "申辦項目")),
    ("applicant_name", QT_TRANSLATE_NOOP("QueuePage", "申請人")),
    ("applicant_id_masked", QT_TRANSLATE_NOOP("QueuePage", "身分證號")),
    ("status_label", QT_TRANSLATE_NOOP("QueuePage", "狀態")),
    ("received_text", QT_TRANSLATE_NOOP("QueuePage", "收件時間")),
    ("due_text", QT_TRANSLATE_NOOP("QueuePage", "到期日")),
    ("days_left", QT_TRANSLATE_NOOP("QueuePage", "剩餘工作天")),
)

#: The online tab (線上申辦): channel, submission time and reservation instead of the status.
ONLINE_COLUMNS: tuple[tuple[str, object], ...] = (
    ("case_number", QT_TRANSLATE_NOOP("QueuePage", "案號")),
    ("service_name", QT_TRANSLATE_NOOP("QueuePage", "申辦項目")),
    ("applicant_name", QT_TRANSLATE_NOOP("QueuePage", "申請人")),
    ("applicant_id_masked", QT_TRANSLATE_NOOP("QueuePage", "身分證號")),
    ("channel_text", QT_TRANSLATE_NOOP("QueuePage", "管道")),
    ("received_text", QT_TRANSLATE_NOOP("QueuePage", "送件時間")),
    ("reservation_text", QT_TRANSLATE_NOOP("QueuePage", "預約時間")),
    ("due_text", QT_TRANSLATE_NOOP("QueuePage", "到期日")),
)

_DEADLINE_COLOURS = {"overdue": QColor("#b00020"), "due_soon": QColor("#a05a00")}


class QueueModel(QAbstractTableModel):
    """Read-only table over :class:`QueueItem` rows, loaded as the view scrolls.

    ``set_items(items, fetch_more)`` starts a list; while ``fetch_more`` is set the view's
    ``canFetchMore``/``fetchMore`` call it (once at a time) and the page appends the rows it
    loaded off the UI thread with ``append_items``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QueueItem] = []
        self._fetch_more: Any = None
        self._fetching = False
        #: COLUMNS, or ONLINE_COLUMNS while the online tab is shown.
        self.columns = COLUMNS
        #: The office's day the list was read on (None: not known).
        self.as_of: date | None = None

    def set_items(
        self,
        items: list[QueueItem],
        fetch_more: Any = None,
        columns: Any = None,
        as_of: date | None = None,
    ) -> None:
        self.beginResetModel()
        self.columns = columns or COLUMNS
        self.as_of = as_of
        self._items = list(items)
        self._fetch_more = fetch_more
        self._fetching = False
        self.endResetModel()

    def append_items(self, items: list[QueueItem], fetch_more: Any = None) -> None:
        self._fetching = False
        self._fetch_more = fetch_more
        if items:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
            self._items.extend(items)
            self.endInsertRows()

    @property
    def fetching(self) -> bool:
        """A further chunk is being loaded (its offset counts the rows shown now)."""
        return self._fetching

    def place(self, name: str, case_number: str, member: Member) -> bool:
        """One case as it is now: its row where a fresh query of queue ``name`` has it
        (``queue_rows.move``), or gone when ``member.item`` is None (it left the list). A row
        whose place lies past the rows loaded while more are to load arrives with its chunk.
        False, and nothing changed, when the list was read on another day than the row (past
        midnight today's list is another list, days left count from another day): the caller
        reads the list again."""
        if self.as_of is not None and member.as_of != self.as_of:
            return False
        rows, item = self._items, member.item
        where = move(name, rows, case_number, item, complete=self._fetch_more is None)
        if item is not None and where.old is not None and where.old == where.new:
            rows[where.old] = item
            last = len(self.columns) - 1
            self.dataChanged.emit(self.index(where.old, 0), self.index(where.old, last))
            return True
        if where.old is not None:
            self.beginRemoveRows(QModelIndex(), where.old, where.old)
            del rows[where.old]
            self.endRemoveRows()
        if item is not None and where.new is not None:
            self.beginInsertRows(QModelIndex(), where.new, where.new)
            rows.insert(where.new, item)
            self.endInsertRows()
        return True

    def stop_fetching(self) -> None:
        self._fetching = False
        self._fetch_more = None

    def canFetchMore(  # noqa: N802
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> bool:
        return not parent.isValid() and self._fetch_more is not None and not self._fetching

    def fetchMore(  # noqa: N802
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> None:
        if self.canFetchMore(parent):
            self._fetching = True
            self._fetch_more()

    def items(self) -> list[QueueItem]:
        return list(self._items)

    def item(self, row: int) -> QueueItem:
        return self._items[row]

    def rowCount(  # noqa: N802
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(  # noqa: N802
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return _t(str(self.columns[section][1]))
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._items):
            return section + 1
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        key = self.columns[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if key == "days_left":
                return "—" if item.days_left is None else str(item.days_left)
            return getattr(item, key)
        if role == SORT_ROLE:
            if key == "received_text":
                return item.received_key
            if key == "due_text":
                return item.due_key
            if key == "reservation_text":
                return item.reservation_key
            if key == "days_left":
                return -(10**6) if item.days_left is None else item.days_left
            return getattr(item, key)
        if role == CASE_NUMBER_ROLE:
            return item.case_number
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = _DEADLINE_COLOURS.get(item.deadline)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "days_left":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class QueueTable(QTableView):
    """Enter opens the selected case (a plain table would only move the cursor)."""

    def __init__(self, page: QueuePage) -> None:
        super().__init__(page)
        self._page = page

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._page.open_current()
            return
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """Down arrow moves into the results; Enter opens the first result."""

    def __init__(self, page: QueuePage) -> None:
        super().__init__(page)
        self._page = page

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Down:
            self._page.focus_table()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._page.search_now()
            self._page.open_first_when_loaded()
            return
        super().keyPressEvent(event)


class QueuePage(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queue_page")
        self.ctx = ctx
        self._generation = 0
        self._pending: Task | None = None
        self._counts: dict[str, int] = {}
        self._open_first = False
        self._sized = False
        #: True once the first list has reached the table (start-up readiness).
        self.loaded = False
        self._counting = False
        self._counts_dirty = False
        self._total: int | None = None
        self._total_running = False
        self._total_wanted: tuple[int, tuple[Any, ...]] | None = None
        self._count_job: tuple[int, tuple[Any, ...]] | None = None
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._count_now)
        self._recount_timer = QTimer(self)
        self._recount_timer.setSingleShot(True)
        self._recount_timer.setInterval(RECOUNT_DELAY_MS)
        self._recount_timer.timeout.connect(self.refresh_counts)
        # Totals and further rows answer later: a page gone by then must not hear of them.
        self._background: list[Task] = []
        background = self._background

        def forget(*_args: object) -> None:
            for task in background:
                task.cancel()

        self.destroyed.connect(forget)

        self.tabs = QTabBar(self)
        self.tabs.setObjectName("queue_tabs")
        for i, (_name, label, _key) in enumerate(QUEUE_TABS):
            self.tabs.addTab(f"{self.tr(str(label))}  Alt+{i + 1}")  # the key shows on the tab
        self.tabs.currentChanged.connect(lambda _i: self.reload())

        self.search_box = SearchBox(self)
        self.search_box.setObjectName("search_box")
        self.search_box.setPlaceholderText(self.tr("搜尋案號、身分證號或姓名（Ctrl+F）"))
        self.search_box.setClearButtonEnabled(True)
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("filter_box")
        self.filter_box.setPlaceholderText(self.tr("篩選目前清單"))
        self.filter_box.setClearButtonEnabled(True)
        mark_lookup(self.search_box)
        mark_lookup(self.filter_box)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("result_label")

        self.model = QueueModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)

        self.table = QueueTable(self)
        self.table.setObjectName("queue_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.table.setTabKeyNavigation(False)  # Tab leaves the list
        # No column cut at 1366 px: the service name gives way (elided, full text in its tooltip).
        elastic = ([key for key, _ in COLUMNS].index("service_name"),)
        self.column_fitter = ColumnFitter(self.table, elastic)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(lambda _t: self._debounce.start())

        top = QHBoxLayout()
        top.addWidget(self.search_box, 3)
        top.addWidget(self.filter_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_label)

        for i in range(len(QUEUE_TABS)):
            sc = QShortcut(QKeySequence(f"Alt+{i + 1}"), self)
            sc.activated.connect(lambda i=i: self.tabs.setCurrentIndex(i))

        ctx.case_changed.connect(self._case_changed)
        self.reload()
        self.refresh_counts()

    # -- page hooks --------------------------------------------------------------------------

    def on_shown(self) -> None:
        self.search_box.setFocus()

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
        moment later (RECOUNT_DELAY_MS: the list goes first on the database thread)."""
        if self.search_box.text().strip():
            self.search_now()
        else:
            self.reload()
        self._recount_timer.start()

    def _case_changed(self, case_number: str) -> None:
        """A case was written: the queue shown takes that one row as it is now (an index lookup
        on the writer, placed in the list's order: a new intake is at the top of today's list
        in milliseconds, where reading the first rows again took hundreds at a million cases).
        Many cases at once (``""``), a search, or rows still loading: the list is read again."""
        if not case_number or self.search_box.text().strip() or not self._settled():
            self.refresh()
            return
        self._recount_timer.start()
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
            self._count_job = (generation, (cases.queue_total, app, name))
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
        self._query(load_queue, self.ctx.app, self.queue_name, self.ctx.lang)

    def search_now(self) -> None:
        self._debounce.stop()
        text = self.search_box.text().strip()
        if not text:
            self._query(load_queue, self.ctx.app, self.queue_name, self.ctx.lang)
            return
        self._query(search_items, self.ctx.app, text, self.ctx.lang)

    def _query(self, fn: Any, *args: Any) -> None:
        """First rows of a queue (``load_queue``) or search (``search_items``); the rest load
        as the table scrolls, and the total is counted on a worker meanwhile."""
        self._generation += 1
        generation = self._generation
        if self._pending is not None:
            self._pending.cancel()
        searching = fn is search_items
        app, key, lang = args[0], args[1], args[2]
        self._total = None
        if searching:
            first: Any = (search_chunk, app, key, lang)
            count: Any = (cases.search_count, app, key)
        else:
            first = (queue_chunk, app, key, lang)
            count = (cases.queue_total, app, key)

        def done(chunk: Chunk) -> None:
            if generation != self._generation:
                return  # a newer keystroke asked since: stale
            self._pending = None
            self._show(chunk, searching)
            # Counted once the list has stayed for a moment: a total per keystroke of fast
            # typing would only compete with the next keystroke's rows.
            self._count_job = (generation, count)
            self._count_timer.start()

        self._pending = self.ctx.tasks.run(*first, on_done=done, on_error=self._failed)

    def _more(self, generation: int, searching: bool, loaded: Chunk) -> Any:
        """The model's fetchMore for the list shown: loads the next chunk on a worker."""
        if not loaded.more:
            return None
        app, lang = self.ctx.app, self.ctx.lang
        text = self.search_box.text().strip()
        queue_name = self.queue_name

        def fetch() -> None:
            if searching:
                task = self.ctx.tasks.run(
                    search_chunk, app, text, lang, loaded.after, on_done=done, on_error=failed
                )
            else:
                offset = self.model.rowCount()
                task = self.ctx.tasks.run(
                    queue_chunk, app, queue_name, lang, offset, on_done=done, on_error=failed
                )
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
        job, self._count_job = self._count_job, None
        if job is not None and job[0] == self._generation:
            self._count(*job)

    def _count(self, generation: int, job: tuple[Any, ...]) -> None:
        """At most one total counted at a time; a newer list's count replaces a waiting one."""
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

        self._track(self.ctx.tasks.run(*job, on_done=done, on_error=failed))

    def _track(self, task: Task) -> None:
        self._background[:] = [t for t in self._background if not t.finished]
        self._background.append(task)

    def _show_counts(self) -> None:
        shown = f"{self.model.rowCount():,}"
        if self._total is None:
            text = self.tr("顯示 {shown} 筆／計算總數中…").format(shown=shown)
        else:
            text = self.tr("顯示 {shown} 筆／共 {total} 件").format(
                shown=shown, total=f"{self._total:,}"
            )
        self.result_label.setText(text)

    def total(self) -> int | None:
        """Every case of the list shown (None while it is being counted)."""
        return self._total

    def _failed(self, error: object) -> None:
        self._pending = None
        msg = self.ctx.message(error) if isinstance(error, DomainError) else str(error)
        self.result_label.setText(msg)

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
        )
        self.loaded = True
        if first:
            self._sized = True
            self.table.resizeColumnsToContents()
        self._show_counts()
        if current:
            self.select_case(current)
        if self._open_first:
            self._open_first = False
            if self.proxy.rowCount():
                self.table.selectRow(0)
                self.open_current()

    def refresh_counts(self) -> None:
        """At most one count query in flight: counting open cases over a big database takes
        a while, and a burst of intakes must not queue a count per case ahead of the lists."""
        if self._counting:
            self._counts_dirty = True
            return
        self._counting = True
        self._counts_dirty = False
        self.ctx.tasks.run(
            cases.queue_counts, self.ctx.app, on_done=self._set_counts, on_error=self._count_failed
        )

    def _count_failed(self, error: object) -> None:
        self._counting = False
        self._failed(error)

    def _set_counts(self, counts: dict[str, int]) -> None:
        self._counting = False
        if self._counts_dirty:
            self.refresh_counts()
        self._counts = counts
        for i, (_name, label, key) in enumerate(QUEUE_TABS):
            text = self.tr(str(label))
            if key:
                text = f"{text} ({counts.get(key, 0)})"
            self.tabs.setTabText(i, f"{text}  Alt+{i + 1}")

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
        self._open_first = True

    def open_current(self) -> None:
        number = self.current_case_number()
        if number:
            self.ctx.open_case_requested.emit(number)

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def due_of(self, case_number: str) -> date | None:
        for item in self.model.items():
            if item.case_number == case_number and item.due_key != "9999":
                return date.fromisoformat(item.due_key)
        return None


def create_page(ctx: GuiContext) -> QWidget:
    return QueuePage(ctx)
