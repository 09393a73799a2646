"""A drop-down's list, and a completer's, shows its items whole, within the screen.

Qt opens a drop-down's list as wide as its box: a box kept narrow so a page fits half a screen
(the fees page's 原因, as wide as twelve characters) listed 低收入戶…12條) and 重新核發…誤）免徵,
the legal ground the clerk picks cut in its middle; the intake form's 申辦項目 offered
HR-TRANSCRIPT　請領戶籍謄本(… for each of the three household transcripts as the clerk typed
its code. The list is widened to its longest item as it opens (the screen's width at most),
and moved left when that would cross the screen's right edge. Applied to every drop-down and
completer by ``gui/keyboard.py``'s application-wide policy.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QWidget


def widen(popup: QObject) -> None:
    """``popup``, as it is shown or sized: the top-level frame a ``QComboBox`` shows its list
    in, or a completer's list (a top-level item view); anything else is left alone. Widened
    once Qt has placed it (a completer places its list again after each key typed)."""
    if not isinstance(popup, QWidget) or not popup.isWindow():
        return
    combo = popup.parent()
    if isinstance(combo, QComboBox):
        view: QAbstractItemView = combo.view()
        column = combo.modelColumn()
    elif isinstance(popup, QAbstractItemView):
        view, column = popup, 0
    else:
        return
    QTimer.singleShot(0, popup, lambda: _fit(popup, view, column))


def _fit(popup: QWidget, view: QAbstractItemView, column: int) -> None:
    if not popup.isVisible():
        return
    # the frames around the list and its scroll bar, when it has one
    around = popup.width() - view.width() + 2 * view.frameWidth()
    bar = view.verticalScrollBar()
    if bar.isVisible():
        around += bar.width()
    screen = popup.screen().availableGeometry()
    width = min(view.sizeHintForColumn(column) + around, screen.width())
    if width <= popup.width():
        return
    place = popup.geometry()
    place.setWidth(width)
    if place.right() > screen.right():
        place.moveRight(screen.right())
    popup.setGeometry(place)
