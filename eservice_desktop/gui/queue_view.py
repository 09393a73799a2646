"""The queue page's widgets and their layout (案件清單): the tabs with their Alt keys, the
search and filter boxes, the table over the model and the line under it.

Why apart from ``gui/queue_page.py``: what the clerk sees reads on its own, and the page's
module is left with what the widgets do (load, search, count, open). ``QueuePage`` is a
``QueueView``; the widgets keep the page's attribute names, so nothing outside changes.

The texts keep the translation context ``QueuePage`` (``_t``): the English file needs no
change and ``self.tr`` in the page finds the same entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
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

from eservice_desktop.gui import accessible
from eservice_desktop.gui.keyboard import mark_lookup
from eservice_desktop.gui.queue_model import COLUMNS, SORT_ROLE, QueueModel
from eservice_desktop.gui.table_fit import ColumnFitter

if TYPE_CHECKING:
    from eservice_desktop.gui.queue_page import QueuePage

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


class QueueView(QWidget):
    """The page's widgets; ``QueuePage`` connects them to what they do."""

    def _build_view(self) -> None:
        page = cast("QueuePage", self)  # the view is always the page's own
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("queue_tabs")
        for i, (_name, label, _key) in enumerate(QUEUE_TABS):
            self.tabs.addTab(f"{_t(str(label))}  Alt+{i + 1}")  # the key shows on the tab
        self.search_box = SearchBox(page)
        self.search_box.setObjectName("search_box")
        self.search_box.setPlaceholderText(_t("搜尋案號、身分證號或姓名（Ctrl+F）"))
        self.search_box.setClearButtonEnabled(True)
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("filter_box")
        self.filter_box.setPlaceholderText(_t("篩選目前清單"))
        self.filter_box.setClearButtonEnabled(True)
        accessible.name(self.search_box, _t("搜尋案件"))
        accessible.name(self.filter_box, _t("篩選目前清單"))
        mark_lookup(self.search_box)
        mark_lookup(self.filter_box)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("result_label")
        self._build_table(page)
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

    def _open_first_shown(self) -> None:
        """Enter in the filter box opens the first case the filter leaves, as Enter in the
        search box opens the first result (it did nothing)."""
        if self.proxy.rowCount():
            self.table.selectRow(0)
            cast("QueuePage", self).open_current()

    def label_tabs(self, counts: dict[str, int]) -> None:
        """Each tab's name with its count of cases (where it has one) and its Alt key."""
        for i, (_name, label, key) in enumerate(QUEUE_TABS):
            text = _t(str(label))
            if key:
                text = f"{text} ({counts.get(key, 0)})"
            self.tabs.setTabText(i, f"{text}  Alt+{i + 1}")

    def _build_table(self, page: QueuePage) -> None:
        """The model, the sorting and filtering proxy over it and the table showing it."""
        self.model = QueueModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter_box.returnPressed.connect(self._open_first_shown)
        self.table = QueueTable(page)
        self.table.setObjectName("queue_table")
        accessible.name(self.table, _t("案件清單"))
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
        self.table.setTabKeyNavigation(False)  # Tab leaves the list
        # No column cut at 1366 px: the service name gives way (elided, full text in its tooltip),
        # and so does a name past four Chinese characters' room (a resident's long name cut
        # every column in proportion, the case number to "H01-01-115-0…").
        keys = [key for key, _ in COLUMNS]
        name, room = (
            keys.index("applicant_name"),
            self.table.fontMetrics().horizontalAdvance("國" * 4),
        )
        self.column_fitter = ColumnFitter(
            self.table,
            (keys.index("service_name"), name),
            keep={name: room + 16},
            whole=(keys.index("case_number"),),  # at 1024 px the rows read "H01-01-115-…"
        )
