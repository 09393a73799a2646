"""The status bar's sync state: whole while the bar has room, else elided at its end.

A failed round's reason is a sentence ("○ Offline: Cannot reach the county server (connection
refused or no answer)"; the county being older than the counter, some 60 Chinese characters).
A plain label cannot shrink below its text, so on a 1,024 px screen at 125 %, or at 1,366 px in
Chinese with the longest reason, the bar's layout squeezed it anyway and Qt cut it with no mark
("…(connection refused or"), the rest of the bar pushed to the edge. It now gives way after the
office's name (``status_room.GivingWayLabel``) and before anything else, elided with "…",
never below its state word ("○ 離線：…"); the whole reason is its tooltip (``SyncStatusWidget``
sets the error there) and what a screen reader reads. While a message shows in the bar it gives
the message the room the operator's line could not (``status_room.make_room``): offline, a
message was painted in the few pixels left and cut ("This page ha").
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QWidget


class SyncStateLabel(QLabel):
    """``set_state(text, keep)``: ``text`` shown whole when the room allows; ``keep``, its
    start, is never elided."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.whole = ""
        self.keep = ""
        #: Pixels of its width given, for now, to the status bar's message (``make_room``).
        self.given = 0

    def set_state(self, text: str, keep: str = "") -> None:
        if text == self.whole and keep == self.keep:
            return
        self.whole = text
        self.keep = keep or text
        self.setAccessibleName(text)
        self.setText(text)
        self.updateGeometry()
        self._elide()

    def _width(self, text: str) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right() + 2

    def give(self, pixels: int) -> None:
        if pixels != self.given:
            self.given = pixels
            self.updateGeometry()

    def full_width(self) -> int:
        return self._width(self.whole)

    def most_given(self) -> int:
        """What it can give a message: all but its state word."""
        return max(0, self.full_width() - self.minimumSizeHint().width())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        width = max(self.full_width() - self.given, self.minimumSizeHint().width())
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        keep = self.keep if self.keep == self.whole else self.keep + "…"
        return QSize(self._width(keep), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._elide()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._elide()

    def _elide(self) -> None:
        """To the room the bar gave it; whole until shown (a label not laid out yet has Qt's
        first size, not the bar's)."""
        if not self.isVisible():
            self.setText(self.whole)
            return
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self.whole, Qt.TextElideMode.ElideRight, room)
        if shown != self.text():
            self.setText(shown)
