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

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QPaintEvent, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyleOptionTab,
    QStylePainter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eservice_desktop.gui import accessible
from eservice_desktop.gui.keyboard import mark_lookup
from eservice_desktop.gui.queue_filter import QueueProxy
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


#: What a compact tab keeps clear each side of its text (px).
TAB_TEXT_MARGIN = 8


class QueueTabs(QTabBar):
    """The tabs on one row, every one in sight, each reading ``name (count)  Alt+n``. At
    200 % (1366×768 is 683×384) or on half a screen the six tabs overran the page and 逾期,
    全部未結 and 線上申辦 hid behind scroll arrows; short of room, a tab is painted without
    its key (its text, read by a screen reader, and its tooltip keep it; Alt+n still
    switches) and a name still too long is elided in its middle, keeping its count."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setUsesScrollButtons(False)
        self.setElideMode(Qt.TextElideMode.ElideMiddle)
        #: Painted without the keys (``_fit``).
        self.compact = False

    def set_labels(self, labels: list[str]) -> None:
        while self.count() < len(labels):
            self.addTab("")
        for i, text in enumerate(labels):
            self.setTabText(i, f"{text}  Alt+{i + 1}")
        self._fit()

    def shown_text(self, i: int) -> str:
        """The tab's text as painted (before eliding): without its key when compact."""
        text = self.tabText(i)
        return text.rpartition("  Alt+")[0] or text if self.compact else text

    def painted_text(self, i: int, width: int) -> str:
        """What a compact tab paints in ``width``: its name elided, its count whole."""
        text = self.shown_text(i)
        name, sep, count = text.rpartition(" (")
        metrics = self.fontMetrics()
        if not sep:
            return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        count = sep + count
        room = width - metrics.horizontalAdvance(count)
        return metrics.elidedText(name, Qt.TextElideMode.ElideRight, room) + count

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        full = sum(super(QueueTabs, self).tabSizeHint(i).width() for i in range(self.count()))
        compact = full > self.width()
        for i in range(self.count()):
            self.setTabToolTip(i, self.tabText(i) if compact else "")
        if compact != self.compact:
            self.compact = compact
            self.updateGeometry()
            self.setTabText(0, self.tabText(0))  # the tabs laid out again
            self.update()

    def tabSizeHint(self, index: int) -> QSize:  # noqa: N802 (Qt API)
        hint = super().tabSizeHint(index)
        if self.compact:
            metrics = self.fontMetrics()
            cut = metrics.horizontalAdvance(self.tabText(index))
            hint.setWidth(hint.width() - cut + metrics.horizontalAdvance(self.shown_text(index)))
        return hint

    def minimumTabSizeHint(self, index: int) -> QSize:  # noqa: N802 (Qt API)
        """Compact, a tab keeps its name's first character and its count (a name without a
        count, two characters)."""
        hint = super().minimumTabSizeHint(index)
        if self.compact:
            full = self.tabSizeHint(index)
            metrics = self.fontMetrics()
            name, sep, count = self.shown_text(index).rpartition(" (")
            least = f"{name[:1]}…{sep}{count}" if sep else f"{count[:2]}…"
            least_width = metrics.horizontalAdvance(least) + 2 * TAB_TEXT_MARGIN
            hint.setWidth(min(full.width(), least_width))
        return hint

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        if not self.compact:
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        current = self.currentIndex()
        for i in [*(i for i in range(self.count()) if i != current), current]:
            if i < 0:
                continue
            option = QStyleOptionTab()
            self.initStyleOption(option, i)
            # the text over the tab's whole room: the style's text rectangle, narrower, cut it
            rect = self.tabRect(i)
            option.text = ""
            painter.drawControl(QStyle.ControlElement.CE_TabBarTab, option)
            painter.setPen(option.palette.color(self.foregroundRole()))
            text = self.painted_text(i, rect.width() - 2 * TAB_TEXT_MARGIN)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class QueueView(QWidget):
    """The page's widgets; ``QueuePage`` connects them to what they do."""

    def _build_view(self) -> None:
        page = cast("QueuePage", self)  # the view is always the page's own
        self.tabs = QueueTabs(self)
        self.tabs.setObjectName("queue_tabs")
        self.tabs.set_labels([_t(str(label)) for _name, label, _key in QUEUE_TABS])
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
        self.result_label = accessible.SettledLabel(self)  # said once it stands
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
            sc.activated.connect(lambda i=i: self._tab_asked(i))
        # a click on the tab already shown asks for its list too (another tab: currentChanged)
        self.tabs.tabBarClicked.connect(
            lambda i: self._tab_asked(i) if i == self.tabs.currentIndex() else None
        )

    def _tab_asked(self, index: int) -> None:
        """Alt+n (or a click): that tab's list; on the tab already shown, its list read again.
        A sync round counts the tabs but leaves the list shown as it is (the row the clerk is
        on stays), so this is how the clerk asks for it: 今日收件 (4) stood above an empty list,
        the key doing nothing, until the clerk turned to another tab and back."""
        if index != self.tabs.currentIndex():
            self.tabs.setCurrentIndex(index)
        else:
            cast("QueuePage", self)._tab_switched(index)

    def _open_first_shown(self) -> None:
        """Enter in the filter box opens the first case the filter leaves, as Enter in the
        search box opens the first result (it did nothing)."""
        if self.proxy.rowCount():
            self.table.selectRow(0)
            cast("QueuePage", self).open_current()

    def label_tabs(self, counts: dict[str, int]) -> None:
        """Each tab's name with its count of cases (where it has one) and its Alt key."""
        labels = []
        for _name, label, key in QUEUE_TABS:
            text = _t(str(label))
            labels.append(f"{text} ({counts.get(key, 0)})" if key else text)
        self.tabs.set_labels(labels)

    def _build_table(self, page: QueuePage) -> None:
        """The model, the sorting and filtering proxy over it and the table showing it."""
        self.model = QueueModel(self)
        self.proxy = QueueProxy(page)  # loads no row for a filter that has all it leaves
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_box.textChanged.connect(self.proxy.set_text)
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
            # a fee unpaid 26 working days scrolled into view read 待繳逾 2…: every row's due
            widest={keys.index("due_text"): lambda: (i.due_text for i in self.model.items())},
        )
