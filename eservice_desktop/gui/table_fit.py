"""Columns that fit the table's width: no header cut, no horizontal scroll bar.

A counter screen is 1366 px wide and the identity panel takes a part of it. Sizing columns to
their contents lets a long service name push the last columns off screen; stretching them all
equally cuts "Working days left". :class:`ColumnFitter` gives every column what its header
(text, margins and sort arrow) and its contents need, except the *elastic* columns (long free
text such as a service name), which share what is left and are elided, with the full text in
the tooltip; an elastic column may keep some room of its own first (an applicant's name: a
usual one whole, a long one elided past it, never taking the case number's room). When even
that does not fit, every header still fits and the rest is shared; narrower than the headers
(a small window), the table scrolls and only the elastic columns are cut.
It runs again when the table is shown or resized or its rows are replaced, added, removed or
changed in place (a hidden table waits until it is shown). The clerk can still drag a
column wider; the next resize of the window fits them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView


class ColumnFitter(QObject):
    """Keeps the columns of ``table`` inside its viewport (see the module docstring)."""

    def __init__(
        self,
        table: QTableView,
        elastic: tuple[int, ...] = (),
        keep: dict[int, int] | None = None,
        whole: tuple[int, ...] = (),
        *,
        hold_least: bool = False,
        fold_headers: bool = False,
        widest: dict[int, Callable[[], Iterable[str]]] | None = None,
    ) -> None:
        super().__init__(table)
        self.table = table
        self.elastic = elastic
        #: Column -> every text its cells hold now, visible or not (each distinct one measured):
        #: the contents are measured over the visible rows only, and a wider text scrolled
        #: into view was cut.
        self.widest = dict(widest or {})
        #: Columns kept whole when not every column can be (the case number): see fit_widths.
        self.whole = whole
        #: Elastic column -> the room (px) it keeps of its contents before it gives way.
        self.keep = dict(keep or {})
        #: The table keeps ``least_width()`` as its minimum width (a list beside a panel whose
        #: contents grow: the pickup desk's case side took all but 150 px of it in English).
        self.hold_least = hold_least
        #: Headers of several words go onto two lines while the columns with their headers on
        #: one line do not fit (the English pickup list at 683 px held 402 px in 383).
        self.fold_headers = fold_headers
        #: Column -> its header on one line, for the headers folded now.
        self._one_line: dict[int, str] = {}
        self._wanted: list[int] | None = None
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Contents are measured over the visible rows only: measuring 500 loaded rows on
        # every keystroke cost ~100 ms of the UI thread (the elastic columns elide anyway).
        header.setResizeContentsPrecision(0)
        table.viewport().installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        # The model's signals start this timer (Qt's own slot), not a method of this object:
        # a QTableWidget's model, cleared as the table is destroyed, signalled the fitter
        # being destroyed with it, and PySide crashed on the half-gone receiver (a
        # segmentation fault after "Slot 'ColumnFitter::' not found").
        self._changed = QTimer(self)
        self._changed.setSingleShot(True)
        self._changed.setInterval(0)
        self._changed.timeout.connect(self._refit_contents)
        self._model: QAbstractItemModel | None = None
        self._watch_model()
        self.fit()

    def _watch_model(self) -> None:
        model = self.table.model()
        if model is None or model is self._model:
            return
        self._model = model
        for signal in (model.modelReset, model.layoutChanged, model.headerDataChanged):
            signal.connect(self._changed.start)
        # A row changed in place (the queue's paid case gets its due date) may want more room.
        for changed in (model.rowsInserted, model.rowsRemoved, model.dataChanged):
            changed.connect(self._changed.start)

    def contents_changed(self, *_args: object) -> None:
        """The contents were changed: measured anew once the event loop turns."""
        self._changed.start()

    def _refit_contents(self) -> None:
        self._wanted = None
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._timer.start()
        return False

    def minimum_widths(self) -> list[int]:
        """What each header needs: its text, the style's margins and the sort indicator, and
        never less than the header lets a section shrink to (a narrower width is not taken,
        so the columns would overrun the table by the difference)."""
        header = self.table.horizontalHeader()
        least = header.minimumSectionSize()
        return [
            max(least, header.sectionSizeFromContents(i).width()) for i in range(header.count())
        ]

    def _wanted_widths(self, minimum: list[int]) -> list[int]:
        if self._wanted is None or len(self._wanted) != len(minimum):
            self._wanted = [
                max(m, self.table.sizeHintForColumn(i), self._widest(i))
                for i, m in enumerate(minimum)
            ]
        return self._wanted

    def _widest(self, column: int) -> int:
        """The room the widest text ``widest`` gives for ``column`` takes in a cell."""
        texts = set(self.widest[column]()) if column in self.widest else set()
        if not texts:
            return 0
        margin = self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
        metrics = self.table.fontMetrics()
        return max(metrics.horizontalAdvance(t) for t in texts) + 2 * (margin + 1) + 2

    def _kept(self, minimum: list[int], wanted: list[int]) -> list[int]:
        """``minimum`` with each ``keep`` column's room of its contents (a name's)."""
        kept = list(minimum)
        for i, room in self.keep.items():
            if 0 <= i < len(kept):
                kept[i] = max(kept[i], min(wanted[i], room))
        return kept

    def least_width(self) -> int:
        """The table's width (frame and vertical scroll bar included) at which every header
        fits, the ``whole`` columns show their contents and the ``keep`` ones their room, the
        elastic ones at their header (the pickup list held at its headers' width wrapped
        every name of three characters, the name column at its header's width)."""
        minimum = self._header_minimums(folded=self.fold_headers)
        wanted = self._wanted_widths(self.minimum_widths())
        minimum = self._kept(minimum, wanted)
        columns = sum(wanted[i] if i in self.whole else m for i, m in enumerate(minimum))
        bar = self.table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return columns + 2 * self.table.frameWidth() + bar

    def fit(self) -> None:
        self._watch_model()
        if not self.table.isVisible():
            # Measured when shown (the viewport's Show event): a hidden table measures every
            # row loaded, not the visible ones (Qt's sizeHintForColumn), ~100 ms of the UI
            # thread for each case the intake form adds behind it to a 500-row list.
            return
        header = self.table.horizontalHeader()
        n = header.count()
        if n == 0:
            return
        available = self.table.viewport().width()
        if self.fold_headers and self._fold(available):
            return  # fitted again once the headers are measured anew
        minimum = self.minimum_widths()
        wanted = self._wanted_widths(minimum)
        minimum = self._kept(minimum, wanted)
        widths = fit_widths(minimum, wanted, available, self.elastic, self.whole)
        for i, w in enumerate(widths):
            if header.sectionSize(i) != w:
                header.resizeSection(i, w)
        if self.hold_least:
            self.table.setMinimumWidth(self.least_width())
            self.table.setMinimumHeight(self._least_height())

    def _least_height(self) -> int:
        """Its header and a row of two lines: with its headers on two lines the pickup list
        at 683 px showed half its one row."""
        row = 2 * self.table.fontMetrics().lineSpacing() + 10
        if self.table.model().rowCount():
            row = max(row, self.table.rowHeight(0))
        header = self.table.horizontalHeader().sizeHint().height()
        return header + row + 2 * self.table.frameWidth()

    def _header(self, i: int) -> str:
        model = self.table.model()
        return str(model.headerData(i, Qt.Orientation.Horizontal) or "")

    def _header_minimums(self, *, folded: bool) -> list[int]:
        """:meth:`minimum_widths` with the headers of several words on two lines or on one."""
        minimum = self.minimum_widths()
        if not self.fold_headers:
            return minimum
        metrics = QFontMetrics(self.table.horizontalHeader().font())

        def wide(text: str) -> int:
            return max(metrics.horizontalAdvance(line) for line in text.split("\n"))

        least = self.table.horizontalHeader().minimumSectionSize()
        widths = []
        for i, m in enumerate(minimum):
            one = self._one_line.get(i, self._header(i))
            text = two_lines(one) if folded else one
            widths.append(max(least, m - wide(self._header(i)) + wide(text)))
        return widths

    def _fold(self, available: int) -> bool:
        """Headers on two lines where the columns with their headers on one line (the whole
        ones at their contents, the kept ones at their room) are wider than ``available``, on
        one line again where they fit; True when a header changed."""
        one = self._header_minimums(folded=False)
        shown = self._wanted_widths(self.minimum_widths())
        wanted = [max(w, o) for w, o in zip(shown, one, strict=True)]
        kept = self._kept(one, wanted)
        needed = sum(wanted[i] if i in self.whole else k for i, k in enumerate(kept))
        fold = needed > available
        model = self.table.model()
        changed = False
        for i in range(len(one)):
            text = self._one_line.get(i, self._header(i))
            heading = two_lines(text) if fold else text
            if heading != self._header(i):
                if fold:
                    self._one_line[i] = text
                else:
                    self._one_line.pop(i, None)
                model.setHeaderData(i, Qt.Orientation.Horizontal, heading)
                changed = True
        return changed


def two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle (Pickup no. over two lines: Pickup
    over no.); a text of one word as it is."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if "\n" in text or not spaces:
        return text
    middle = min(spaces, key=lambda i: abs(2 * i - len(text)))
    return f"{text[:middle]}\n{text[middle + 1 :]}"


def fit_widths(
    minimum: list[int],
    wanted: list[int],
    available: int,
    elastic: tuple[int, ...] = (),
    whole: tuple[int, ...] = (),
) -> list[int]:
    """Column widths that sum to ``available`` whenever the headers fit at all.

    Columns not in ``elastic`` get what their contents want; the ``elastic`` ones (long free
    text such as a service name) share the rest in proportion to their wishes, never below
    their header. When even that does not fit, every column keeps its header and the room
    above the headers is shared in proportion to how much more each column wants; the
    ``whole`` ones (a case number: cut, every row read "H01-01-115-…") first get all they
    want and the elastic ones give way first, when there is room for that. With too little
    room for the headers alone a scroll bar is unavoidable, and every column but the elastic
    ones (at their header) gets what its contents want."""
    n = len(minimum)
    floor = sum(minimum)
    want = [max(w, m) for w, m in zip(wanted, minimum, strict=True)]
    if floor >= available:  # a scroll bar anyway: nothing need be cut but the elastic text
        return [minimum[i] if i in elastic else want[i] for i in range(n)]
    flexible = [i for i in elastic if 0 <= i < n] or [n - 1]
    fixed = sum(want[i] for i in range(n) if i not in flexible)
    left = available - fixed
    if left >= sum(minimum[i] for i in flexible):
        widths = list(want)
        total = sum(want[i] for i in flexible) or 1
        for i in flexible:
            widths[i] = want[i] * left // total
        short = [i for i in flexible if widths[i] < minimum[i]]
        for i in short:  # a small elastic column keeps its header; the largest one gives way
            widths[max(flexible, key=lambda j: widths[j])] -= minimum[i] - widths[i]
            widths[i] = minimum[i]
        widths[flexible[-1]] += available - sum(widths)
        return widths
    if whole and (kept := _whole_first(minimum, want, available, flexible, whole)):
        return kept
    extra = [w - m for w, m in zip(want, minimum, strict=True)]
    room = available - floor
    more = sum(extra) or 1
    widths = [m + e * room // more for m, e in zip(minimum, extra, strict=True)]
    widths[max(range(n), key=lambda i: extra[i])] += available - sum(widths)
    return widths


def _whole_first(
    minimum: list[int],
    want: list[int],
    available: int,
    flexible: list[int],
    whole: tuple[int, ...],
) -> list[int] | None:
    """Too little room for every column's contents: the ``whole`` ones get theirs, the
    flexible ones their header, the others share what is left in proportion to how much more
    each wants (None: not even that fits)."""
    n = len(minimum)
    widths = [want[i] if i in whole else minimum[i] for i in range(n)]
    room = available - sum(widths)
    if room < 0:
        return None
    others = [i for i in range(n) if i not in whole and i not in flexible]
    more = sum(want[i] - minimum[i] for i in others)
    for i in others:
        widths[i] += (want[i] - minimum[i]) * room // more if more > room else want[i] - minimum[i]
    widths[flexible[-1]] += available - sum(widths)
    return widths


def name_columns(rows: Sequence[Sequence[object]], count: int) -> tuple[int, ...]:
    """The columns of names (department, service, document, status: text with Chinese in it),
    the elastic ones of a report's table; codes, case numbers, days and figures stay whole."""
    return tuple(
        i
        for i in range(count)
        if rows
        and all(isinstance(row[i], str) for row in rows)
        and any(any("\u4e00" <= ch <= "\u9fff" for ch in str(row[i])) for row in rows)
    )


def two_line_heading(column: str) -> str:
    """A bilingual heading on two lines, its Chinese over its English (``依限辦結率%`` over
    ``Rate``), as the report's PDF wraps it: on one line the on-time report's headings alone
    were wider than the reports page."""
    zh, sep, en = column.partition(" ")
    return f"{zh}\n{en}" if sep and not zh.isascii() and en.isascii() else column


class RowsHeld(QObject):
    """``table`` keeps room for its header and its first ``most`` rows at the height their
    contents need now (a wrapped name's row is taller; the columns' widths change with the
    window), then scrolls. On a page taller than a small screen its scroll area gives each list
    its least height: the fees page's items kept room for one line, and at 683 × 512 in English
    the one item read "Household / registration", a second item below the list's edge."""

    def __init__(self, table: QTableView, *, most: int) -> None:
        super().__init__(table)
        self.table = table
        self.most = most
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.hold)
        model = table.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged, model.modelReset):
            signal.connect(self._timer.start)
        table.viewport().installEventFilter(self)
        self.hold()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._timer.start()
        return False

    def hold(self) -> None:
        table = self.table
        header = table.verticalHeader()
        shown = min(table.model().rowCount(), self.most)
        rows = [max(table.sizeHintForRow(r), header.sectionSizeHint(r)) for r in range(shown)]
        bar = table.horizontalScrollBar()
        height = table.horizontalHeader().sizeHint().height()
        height += sum(rows) if rows else header.defaultSectionSize()
        height += 2 * table.frameWidth() + (bar.sizeHint().height() if bar.isVisible() else 0)
        if table.minimumHeight() != height:
            table.setMinimumHeight(height)
