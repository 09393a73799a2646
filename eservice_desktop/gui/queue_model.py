"""The queue's table model (案件清單): display rows computed on a worker
(``services.queue_rows``), indexed here, loaded as the view scrolls and placed one by one when
a case is written.

Why apart from ``gui/queue_page.py``: what the table holds and how one written case finds its
row reads on its own; the page keeps the loading, counting and opening. The headers keep the
translation context ``QueuePage``, so the English file needs no change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from eservice_desktop.gui.colours import on_palette
from eservice_desktop.services.queue_items import Member, QueueItem, move

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CASE_NUMBER_ROLE = Qt.ItemDataRole.UserRole + 2


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

_DEADLINE_COLOURS = {"overdue": "#b00020", "due_soon": "#a05a00"}
#: The deadline in words beside the days left: the colour alone said it (and not to a clerk
#: who does not tell red from amber, nor to a screen reader), and an overdue case read "0" on
#: the weekend after its due date.
_DEADLINE_WORDS = {
    "overdue": QT_TRANSLATE_NOOP("QueuePage", "逾期"),
    "due_soon": QT_TRANSLATE_NOOP("QueuePage", "將到期"),
}


def deadline_words() -> list[str]:
    """The deadline's words as the days-left cells show them (a filter may hold them)."""
    return [_t(str(word)) for word in _DEADLINE_WORDS.values()]


def days_left_text(item: QueueItem) -> str:
    """The days-left cell: the number (— when the clock is paused), and the deadline's word
    when the case is due soon or overdue ("-2 逾期")."""
    days = "—" if item.days_left is None else str(item.days_left)
    word = _DEADLINE_WORDS.get(item.deadline)
    return f"{days} {_t(str(word))}" if word else days


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
        #: The office's day the list was read on (None: not known), and the day its deadlines
        #: were judged from (tomorrow once the counters had closed).
        self.as_of: date | None = None
        self.judged_on: date | None = None

    def days_read(self) -> tuple[date, date | None] | None:
        """The days the list was read on and judged from (None: no list yet)."""
        return None if self.as_of is None else (self.as_of, self.judged_on)

    def set_items(
        self,
        items: list[QueueItem],
        fetch_more: Any = None,
        columns: Any = None,
        as_of: date | None = None,
        judged_on: date | None = None,
    ) -> None:
        self.beginResetModel()
        self.columns = columns or COLUMNS
        self.as_of, self.judged_on = as_of, judged_on
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
    def complete(self) -> bool:
        """Every row of the list is loaded (none further to ask for)."""
        return self._fetch_more is None

    @property
    def fetching(self) -> bool:
        """A further chunk is being loaded (its offset counts the rows shown now)."""
        return self._fetching

    def place(self, name: str, case_number: str, member: Member) -> bool:
        """One case as it is now: its row where a fresh query of queue ``name`` has it
        (``queue_items.move``), or gone when ``member.item`` is None (it left the list). A row
        whose place lies past the rows loaded while more are to load arrives with its chunk.
        False, and nothing changed, when the list was read on another day than the row (past
        midnight today's list is another list, days left count from another day; after the
        counters closed deadlines are judged from tomorrow): the caller reads the list again."""
        if self.as_of is not None and (member.as_of, member.judged_on) != (
            self.as_of,
            self.judged_on,
        ):
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
                return days_left_text(item)
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
            return QBrush(QColor(on_palette(colour))) if colour is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "days_left":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
