"""The window's own colours on a dark palette.

Refusals are dark red, warnings brown, passes dark green, banners pale: at least 4.5:1 (WCAG
AA) on the light palette (``tests/gui/test_colour_not_alone.py``). Windows' dark mode and its
contrast themes give Qt a dark palette, and there the same dark red read 2.2:1 on the window
(2.9:1 on a contrast theme's black): a clerk who chose a dark or high-contrast screen to read
better could hardly read a refusal. On a dark palette each of these colours is drawn as its
light counterpart instead (:data:`ON_DARK`): a style sheet as it is set
(:func:`fit_sheet`, called by the keyboard rules for every widget whose style changes), a
list's text colour where it is made (:func:`on_palette`).
"""

from __future__ import annotations

import re

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

#: Light colour -> its counterpart on a dark palette (text, then the banners' backgrounds).
ON_DARK = {
    "#b00020": "#ff8a80",  # refusal
    "#b71c1c": "#ff8a80",  # the pickup desk's refusal
    "#a05a00": "#ffb74d",  # warning, due soon
    "#8a5a00": "#ffb74d",  # the shift-start check's warning
    "#1b5e20": "#81c784",  # passed, verified
    "#fdecea": "#3b1a1c",  # the unprinted receipts banner
    "#fff4ce": "#3a3300",  # the restored draft banner
}
_LIGHT = re.compile("|".join(ON_DARK), re.IGNORECASE)


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the window is drawn on a dark palette (dark mode, a contrast theme)."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def on_palette(colour: str, palette: QPalette | None = None) -> str:
    """``colour``, or its counterpart when the palette is dark."""
    return ON_DARK.get(colour.lower(), colour) if is_dark(palette) else colour


#: The sheet as the page set it, and as it was rewritten, kept on the widget: dark mode switched
#: off while the window is open takes the sheet back (two light colours share one dark one).
_AS_SET, _REWRITTEN = "eservice_sheet_as_set", "eservice_sheet_rewritten"


def fit_sheet(widget: QWidget) -> None:
    """Rewrites the widget's style sheet with the dark palette's colours on a dark palette (the
    rewritten sheet holds none of the light ones, so it is done once), and puts the sheet as it
    was set back on a light one: switched back to light mode, the window kept the pale
    counterparts (#ff8a80 on white, 2.6:1)."""
    sheet = widget.styleSheet()
    if not sheet:
        return
    if is_dark(widget.palette()):
        if _LIGHT.search(sheet):
            rewritten = _LIGHT.sub(lambda m: ON_DARK[m.group(0).lower()], sheet)
            widget.setProperty(_AS_SET, sheet)
            widget.setProperty(_REWRITTEN, rewritten)
            widget.setStyleSheet(rewritten)
    elif sheet == widget.property(_REWRITTEN):
        widget.setStyleSheet(str(widget.property(_AS_SET)))
