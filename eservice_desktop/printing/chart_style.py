"""How the report charts tell series apart: colours, line markers and dashes.

Colours are the Okabe–Ito palette (told apart with the common colour-vision deficiencies), and
colour is never the only carrier: lines differ by marker and dash as well. Apart from
``printing.charts`` (which re-exports these) so the choice reads in one place, beside the
renderer that applies it. reportlab loads only when a colour is first made (``_colour``).
"""

from __future__ import annotations

from typing import Any

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with protanopia, deuteranopia
#: and tritanopia. The yellow comes late: it is faint on white paper.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermilion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
MARKERS: tuple[str, ...] = (
    "FilledCircle",
    "FilledSquare",
    "FilledTriangle",
    "FilledDiamond",
    "Circle",
    "Square",
    "Triangle",
    "Diamond",
)
DASHES: tuple[tuple[float, ...] | None, ...] = (None, (5, 2), (1.5, 2), (6, 2, 1.5, 2))


def _colour(hex_text: str) -> Any:
    from reportlab.lib.colors import HexColor

    return HexColor(hex_text)
