"""A dialog the window makes for one question lives until it is answered, and no longer.

A dialog made with the window (or a page) as its parent stays that parent's child once it is
closed: Qt deletes a child with its parent, and the counter window runs for weeks. Every F1,
檔案 ▸ 備份與還原, 關於, shift-start check, supervisor's approval, PIN entry or question kept its
widgets and, on X11, a backing store of its own size: 100 presses of F1 left 100 hidden key
lists and 123 MiB more memory in the window, 100 openings of the backup dialog 4,400 widgets
and 101 MiB, and each opening took longer than the last. A dialog shown with ``open()`` (or
``show()``) is deleted once closed (``open_once``); one run with ``exec()`` is deleted after
its answer has been read (``ask_once``: the deletion waits for the event loop, so the caller
still reads ``clickedButton()`` and the fields).
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

D = TypeVar("D", bound=QDialog)


def deleted_when_closed(dialog: D) -> D:
    """``dialog`` is deleted (later, from the event loop) once it closes, however it closes:
    its ``accepted``, ``rejected`` and ``finished`` handlers still run first."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return dialog


def open_once(dialog: D) -> D:
    """Opens ``dialog`` window-modal (``QDialog.open``), deleted once it closes."""
    deleted_when_closed(dialog).open()
    return dialog


def ask_once(dialog: QDialog) -> int:
    """``dialog.exec()``'s answer; the dialog is deleted once the event loop runs again."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()


def action_or_back(
    parent: QWidget,
    name: str,
    texts: tuple[str, str, str, str],
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> bool:
    """Asks before an act that cannot be taken back: ``texts`` are the title, the question,
    the act's button and the way back's. The way back is the default and Esc (one keystroke
    must not do the act); True when the act's button (its Alt key, or Enter on it) was
    pressed. The box and its buttons are named ``{name}_question``, ``_confirm``, ``_back``."""
    title, text, action, back_text = texts
    box = QMessageBox(parent)
    box.setObjectName(f"{name}_question")
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    confirm = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    confirm.setObjectName(f"{name}_confirm")
    back = box.addButton(back_text, QMessageBox.ButtonRole.RejectRole)
    back.setObjectName(f"{name}_back")
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    ask_once(box)
    return box.clickedButton() is confirm
