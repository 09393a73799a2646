"""Alt+letter on a button (its mnemonic, 新增帳號(&A)) clicks it when the key comes.

Qt answers a button's mnemonic with ``animateClick()``: the button looks pressed and its
``clicked`` comes 100 ms later. Meanwhile the keys typed after Alt+letter went to the old
focus (新增帳號 Alt+A and the account typed on at once: the letters went to the list, and the
form then cleared came up empty), and the click came even if the button had been disabled in
those 100 ms (a refusal, a reload or a second press meanwhile), acting on what was no longer
offered. Now the click is made with the key, on the button as it is then; a second press acts
on what the first left (a button the first disabled takes no key). An ambiguous mnemonic (two
buttons with one letter) is Qt's as before: it moves the focus.

Part of the application's keyboard policy (``gui/keyboard.py`` calls it for every shortcut
event).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QShortcutEvent
from PySide6.QtWidgets import QAbstractButton


def mnemonic_click(watched: QObject, event: QEvent) -> bool:
    """True when ``event`` was a button's mnemonic and the button is clicked here, now."""
    if not isinstance(watched, QAbstractButton) or not isinstance(event, QShortcutEvent):
        return False
    if event.isAmbiguous() or not watched.isEnabled():
        return False
    if watched.isCheckable() and watched.focusPolicy() & Qt.FocusPolicy.ClickFocus:
        watched.setFocus(Qt.FocusReason.ShortcutFocusReason)  # as animateClick() did
    watched.click()
    return True
