"""The focus ring shows wherever the keyboard sent the focus.

Qt's styles (Fusion; Windows' too) paint the ring of a drop-down, a button or a check box only
while its window is marked as moved by the keyboard (``Qt.WA_KeyboardFocusChange``), and Qt
marks it for Tab and an Alt+letter alone. Every other move a key makes, the focus set by code,
left no ring anywhere: Enter on the intake form (on to the next field still to fill), a page's
key (F2, F6, F8), a refusal putting the cursor back, a dialog opened from a key. After Enter in
申請人姓名 the clerk saw no field taking the keys, and the next arrow changed 謄本種類 unseen.

So a key press marks the window it is typed into, and a focus moving while the keyboard was
the last thing used marks the window it moves to (a dialog a key opened). A mouse press clears
the mark as Qt does (Qt's own rule: no rings while the clerk works with the mouse).

A list or a table has no ring of its own in Qt's styles: Tab onto the identity panel's empty
list of checks, today's empty queue, a case's empty attachments or notices showed the focus
nowhere, and a list with rows showed at most a dotted line round one cell. A list or table
the keyboard sent the focus to gets a ring of two pixels round it in the window's text colour
(a ``QFocusFrame``: black on a light palette, white on a dark one; :func:`ring`).
"""

from __future__ import annotations

from typing import TypeGuard

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QFocusFrame, QWidget
from shiboken6 import isValid

_MARK = Qt.WidgetAttribute.WA_KeyboardFocusChange
_KEYS = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
_POINTER = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.TabletPress)


class _Last:
    """Whether the last input the application took was a key (True) or the pointer."""

    keyboard = False


def note_input(watched: QObject, event: QEvent) -> None:
    """From the application's event filter: a key marks the window it is typed into."""
    kind = event.type()
    if kind in _KEYS:
        _Last.keyboard = True
        if isinstance(watched, QWidget):
            window = watched.window()
            if not window.testAttribute(_MARK):
                window.setAttribute(_MARK, True)
                focused = window.focusWidget()
                if focused is not None:
                    focused.update()
    elif kind in _POINTER:
        _Last.keyboard = False
        ring(None)


def focus_moved(_old: QWidget | None, new: QWidget | None) -> None:
    """``QApplication.focusChanged``: the focus a key sent to another window (a dialog it
    opened) shows there too."""
    if new is not None and _Last.keyboard and not new.window().testAttribute(_MARK):
        new.window().setAttribute(_MARK, True)
        new.update()
    ring(new if _Last.keyboard else None)


#: The one ring drawn round a list or table (made when first needed; Qt deletes it with the
#: window it was last in).
_FRAME: list[QFocusFrame] = []


def _unringed(widget: QWidget | None) -> TypeGuard[QAbstractItemView]:
    """Whether the style paints no focus ring round ``widget``: a list or table of a page or
    dialog (a drop-down's or a completer's list has a window of its own)."""
    if not isinstance(widget, QAbstractItemView) or widget.isWindow():
        return False
    return not widget.window().inherits("QComboBoxPrivateContainer")


def ring(widget: QWidget | None) -> None:
    """Draws the ring round ``widget`` when its style paints none; else takes it away."""
    frames = [f for f in _FRAME if isValid(f)]
    if not _unringed(widget):
        for frame in frames:
            frame.setWidget(None)  # type: ignore[arg-type]  # Qt takes none: no ring
        return
    if not frames:
        frames = [QFocusFrame()]
    _FRAME[:] = frames
    frames[0].setWidget(widget)
    frames[0].show()
