"""A dialog that grows when it shows more: a step shown later (a confirmation, a progress, an
outcome) gets the height it wants instead of being squeezed into the size the dialog opened
with."""

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
