"""The status bar's room: who gives way, in what order, when the bar is short of it.

The office's name gives way first (``GivingWayLabel``), then a failed round's reason
(``gui/sync_state_label.py``); the operator's line and the reason give way to a message while
it shows (:func:`make_room`). The counts and the state words stay whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QLabel

from eservice_desktop.gui.sync_state_label import SyncStateLabel

if TYPE_CHECKING:
    from eservice_desktop.gui.main_window import MainWindow


class GivingWayLabel(QLabel):
    """The status bar's office name: the first part to give way when the bar is short of
    room (then the sync state's reason, ``gui/sync_state_label.py``), elided at its end with
    the whole name in its tooltip. A plain label never shrinks
    below its text, so in English at 1,024 px the sync state at the other end was cut instead
    ("Offline: Sync faile"), the one thing there the clerk must read. The operator's line
    (``always=False``) gives way only to a message (:func:`make_room`)."""

    def __init__(self, text: str, *, always: bool = True) -> None:
        super().__init__(text)
        self.whole = text
        self.setToolTip(text)
        self.always = always
        #: Pixels of its width given, for now, to the status bar's message (``make_room``).
        self.given = 0

    def set_whole(self, text: str) -> None:
        self.whole = text
        self.setToolTip(text)
        self.setText(text)
        self.updateGeometry()

    def give(self, pixels: int) -> None:
        if pixels != self.given:
            self.given = pixels
            self.updateGeometry()

    def full_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(self.whole) + 4

    def most_given(self) -> int:
        """What it can give a message: all but its first characters."""
        return max(0, self.full_width() - self._floor())

    def _floor(self) -> int:
        return self.fontMetrics().horizontalAdvance("…") * 4

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        if self.always:  # the room the others leave comes by its stretch (build_status_bar)
            return QSize(self._floor(), super().sizeHint().height())
        width = max(self.full_width() - self.given, self._floor())
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        width = self._floor() if self.always else self.sizeHint().width()
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        elided = self.fontMetrics().elidedText(
            self.whole, Qt.TextElideMode.ElideRight, self.width()
        )
        if elided != self.text():
            self.setText(elided)


def make_room(window: MainWindow, message: str) -> None:
    """A message longer than the status bar's room for it (at 683 px 收據 …：收 15 元，找零 0
    元 was cut at 找): the operator's line gives way while it shows, elided (whole in its
    tooltip), never below its first characters, and then the sync state's reason, never below
    its state word (offline, "This page ha" was all a message had); a message gone, they are
    whole again. Measured on the bar as laid out, a few times: the bar hides its other widgets
    for the message, and a squeezed state gains its room back before it gives any."""
    label = window.operator_label
    if not isinstance(label, GivingWayLabel):
        return
    givers: list[GivingWayLabel | SyncStateLabel] = [label]
    givers += window.statusBar().findChildren(SyncStateLabel)
    if not message or not label.isVisible():
        for giver in givers:
            giver.give(0)
        return
    bar = window.statusBar()
    for _ in range(4):
        for _ in range(3):  # the bar's layout, then its widgets' own
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        # Qt paints the message from 6 px to 2 px before the operator's line
        short = bar.fontMetrics().horizontalAdvance(message) - (label.x() - MESSAGE_MARGINS)
        given = sum(g.given for g in givers)
        wanted = max(0, min(given + short, sum(g.most_given() for g in givers)))
        if wanted == given:
            return
        for giver in givers:
            part = min(wanted, giver.most_given())
            giver.give(part)
            wanted -= part


#: QStatusBar's margins around the message it paints.
MESSAGE_MARGINS = 8
