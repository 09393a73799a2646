"""A dialog that grows when it shows more: a step shown later (a confirmation, a progress, an
outcome) gets the height it wants instead of being squeezed into the size the dialog opened
with; and a dialog that opens at a size of its own opens no larger than the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def grow_to_contents(dialog: QWidget) -> None:
    """Makes ``dialog`` as tall as its layout wants at its width (the screen's height at
    most); never shorter than it is. Word-wrapped labels count at their wrapped height."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = dialog.width()
    wanted = (
        layout.totalHeightForWidth(width)
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    screen = dialog.screen().availableGeometry().height()
    if wanted > dialog.height():
        dialog.resize(width, min(wanted, screen))


#: Room left around a dialog sized to the screen: its title bar and frame.
FRAME_ROOM = 48


def open_at(dialog: QWidget, width: int, height: int) -> None:
    """Opens ``dialog`` at ``width`` × ``height``, or at what the screen holds, its frame
    included: at a display scale of 200 % a 1366×768 screen is 683×384, and the shift-start
    check opened at 900×520, its 關閉 button under the bottom edge."""
    screen = dialog.screen().availableGeometry()
    dialog.resize(
        min(width, screen.width() - FRAME_ROOM // 2), min(height, screen.height() - FRAME_ROOM)
    )
