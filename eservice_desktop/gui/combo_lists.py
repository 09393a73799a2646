"""A drop-down's list shows its items whole, within the screen.

Qt opens a drop-down's list as wide as its box: a box kept narrow so a page fits half a screen
(the fees page's 原因, as wide as twelve characters) listed 低收入戶…12條) and 重新核發…誤）免徵,
the legal ground the clerk picks cut in its middle. The list is widened to its longest item as
it opens (the screen's width at most), and moved left when that would cross the screen's
right edge. Applied to every drop-down by ``gui/keyboard.py``'s application-wide policy.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QWidget


def widen(popup: QObject) -> None:
    """``popup``: the top-level frame a ``QComboBox`` shows its list in, as it is shown (any
    other child of the box is left alone)."""
    combo = popup.parent()
    if not isinstance(popup, QWidget) or not isinstance(combo, QComboBox) or not popup.isWindow():
        return
    view = combo.view()
    # the popup's frame and the list's own (and its scroll bar, when it has one)
    around = popup.width() - view.viewport().width()
    wanted = view.sizeHintForColumn(combo.modelColumn()) + around
    screen = popup.screen().availableGeometry()
    width = min(wanted, screen.width())
    if width <= popup.width():
        return
    place = popup.geometry()
    place.setWidth(width)
    if place.right() > screen.right():
        place.moveRight(screen.right())
    popup.setGeometry(place)
