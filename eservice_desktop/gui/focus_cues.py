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
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

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


def focus_moved(_old: QWidget | None, new: QWidget | None) -> None:
    """``QApplication.focusChanged``: the focus a key sent to another window (a dialog it
    opened) shows there too."""
    if new is not None and _Last.keyboard and not new.window().testAttribute(_MARK):
        new.window().setAttribute(_MARK, True)
        new.update()
