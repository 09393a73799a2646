"""What a keyboard-only clerk cannot reach: actions without a visible shortcut, tables that keep
Tab, and Alt+letter mnemonics that two visible controls share.

``offenders(window_or_dialog)`` looks at what is visible in a top-level widget the way a clerk
sees it: the menu bar, the page bar, the page on screen, the docks and the status bar.

An action has a visible shortcut when
- its label carries an Alt+letter mnemonic (``通知補正(&S)``: Qt underlines the S and Alt+S
  presses it), or
- its label shows a key (``收費並列印收據 (F9)``, ``送出收件（Ctrl+Enter）``) that is bound to
  it: the button's own shortcut, or an enabled QShortcut/QAction with that key in the window, or
- it is a menu action with a shortcut (menus print the key beside the text).
Check boxes and radio buttons are fields (reached with Tab), not actions, and are not counted;
Qt's own helper buttons (a line edit's clear button, a dock's float button, tab-bar scroll
arrows) neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QDialogButtonBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPushButton,
    QRadioButton,
    QTabBar,
    QToolBar,
    QToolButton,
    QWidget,
)

KEY_IN_LABEL = re.compile(
    r"(?<![A-Za-z])((?:(?:Ctrl|Alt|Shift)\+)*(?:F\d{1,2}|Enter|Return|Esc|Del|[A-Z0-9]))(?![a-z])"
)
MNEMONIC = re.compile(r"&([^&\s])")


@dataclass(frozen=True)
class Offender:
    kind: str  # "no shortcut" | "table keeps Tab" | "mnemonic shared"
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.what!r}"


def mnemonic(text: str) -> str:
    m = MNEMONIC.search(text.replace("&&", ""))
    return m.group(1).upper() if m else ""


def _bound_keys(top: QWidget) -> set[str]:
    """Portable texts of every key sequence bound in ``top`` (shortcuts and actions)."""
    keys: set[str] = set()
    for sc in top.findChildren(QShortcut):
        if sc.isEnabled():
            keys |= {k.toString() for k in sc.keys() if not k.isEmpty()}  # noqa: SIM118
    for action in top.findChildren(QAction) + top.actions():
        if action.isEnabled():
            keys |= {k.toString() for k in action.shortcuts() if not k.isEmpty()}
    for button in top.findChildren(QAbstractButton):
        if not button.shortcut().isEmpty():
            keys.add(button.shortcut().toString())
    return keys


def _shown_key_is_bound(text: str, bound: set[str]) -> bool:
    for key in KEY_IN_LABEL.findall(text):
        seq = QKeySequence(key.replace("Esc", "Escape")).toString()
        variants = {seq, seq.replace("Enter", "Return"), seq.replace("Return", "Enter")}
        if variants & bound:
            return True
    return False


def _dialog_key(button: QAbstractButton, text: str) -> bool:
    """A dialog's default button showing "(Enter)", or its rejecting button showing "(Esc)"."""
    box = button.parentWidget()
    if not isinstance(box, QDialogButtonBox):
        return False
    if "(Enter)" in text:
        return isinstance(button, QPushButton) and button.isDefault()
    if "(Esc)" in text:
        return box.buttonRole(button) == QDialogButtonBox.ButtonRole.RejectRole
    return False


def _visible(w: QWidget, top: QWidget) -> bool:
    return w.isVisibleTo(top) and w.window() is top


def _is_helper(button: QAbstractButton) -> bool:
    parent = button.parentWidget()
    return (
        button.objectName().startswith("qt_")
        or isinstance(parent, (QLineEdit, QTabBar, QDockWidget))
        or isinstance(button, (QCheckBox, QRadioButton))
        or (isinstance(button, QToolButton) and isinstance(parent, QToolBar))
    )


def _where(w: QWidget) -> str:
    names = []
    while w is not None and len(names) < 4:
        names.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(names))


def offenders(top: QWidget) -> list[Offender]:
    bound = _bound_keys(top)
    found: list[Offender] = []
    mnemonics: dict[str, list[str]] = {}

    for button in top.findChildren(QAbstractButton):
        if not _visible(button, top) or _is_helper(button):
            continue
        text = button.text()
        if not text.strip():
            continue
        m = mnemonic(text)
        if m:
            mnemonics.setdefault(m, []).append(text)
        elif not _shown_key_is_bound(text, bound) and not _dialog_key(button, text):
            found.append(Offender("no shortcut", _where(button), text))

    for bar in top.findChildren(QToolBar):
        if not _visible(bar, top):
            continue
        for action in bar.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            text = action.text()
            if not mnemonic(text) and not _shown_key_is_bound(text, bound):
                found.append(Offender("no shortcut", _where(bar), text))

    for tabs in top.findChildren(QTabBar):
        if not _visible(tabs, top) or isinstance(tabs.parentWidget(), QDockWidget):
            continue
        for i in range(tabs.count()):
            text = tabs.tabText(i)
            if not mnemonic(text) and not _shown_key_is_bound(text, bound):
                found.append(Offender("no shortcut", _where(tabs), text))

    for menubar in top.findChildren(QMenuBar):
        if not _visible(menubar, top):
            continue
        for action in menubar.actions():
            m = mnemonic(action.text())
            if m:
                mnemonics.setdefault(m, []).append(action.text())
            else:
                found.append(Offender("no shortcut", "menu bar", action.text()))
            menu = action.menu()
            if isinstance(menu, QMenu):
                found += _menu_offenders(menu)

    for label in top.findChildren(QLabel):
        m = mnemonic(label.text()) if label.buddy() is not None else ""
        if m and _visible(label, top):
            mnemonics.setdefault(m, []).append(label.text())

    for view in top.findChildren(QAbstractItemView):
        if _visible(view, top) and view.tabKeyNavigation():
            found.append(Offender("table keeps Tab", _where(view), type(view).__name__))

    for m, texts in mnemonics.items():
        if len(texts) > 1:
            found.append(Offender("mnemonic shared", f"Alt+{m}", " / ".join(texts)))
    return found


def _menu_offenders(menu: QMenu) -> list[Offender]:
    found: list[Offender] = []
    seen: dict[str, str] = {}
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        text = action.text()
        m = mnemonic(text)
        if m:
            if m in seen:
                found.append(Offender("mnemonic shared", menu.title(), f"{seen[m]} / {text}"))
            seen[m] = text
        if not m and action.shortcut().isEmpty():
            found.append(Offender("no shortcut", menu.title(), text))
        sub = action.menu()
        if isinstance(sub, QMenu):
            found += _menu_offenders(sub)
    return found
