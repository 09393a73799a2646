"""The written form of a land parcel (地段地號): the section, then the lot number or numbers.

A land office finds a parcel by its section (段, maybe with its sub-section 小段, and the
district in front: 大園區溪海段溪海小段) and its lot number (地號: a mother number of up to four
digits and a child number of up to four, ``0123-0000``, ``123-1`` or ``123``). The intake field
of kind ``land_parcel`` took any text: ``--field parcel=hello`` or a lot number with no section
was stored and went to the county, a case no surveyor or register clerk could find the land of.
Several lots of the one section are listed with 、 or a comma (a boundary survey of two parcels
is charged per parcel, 筆).
"""

from __future__ import annotations

import re
from typing import Final

_LOT: Final = r"[0-9]{1,4}(?:-[0-9]{1,4})?"
#: CJK ideographs before 段 (a district and section name), then maybe a sub-section, then one
#: or more lot numbers, each maybe followed by 地號.
_PARCEL: Final = re.compile(
    rf"[\u3400-\u9fff]{{1,20}}段(?:[\u3400-\u9fff]{{1,10}}小段)? *"
    rf"{_LOT}(?:地號)?(?: *[、,，] *{_LOT}(?:地號)?)*"
)
EXAMPLE: Final = "中正段 0123-0000"


def is_land_parcel(text: str) -> bool:
    """Whether ``text`` names a section and its lot numbers (see the module docstring)."""
    return _PARCEL.fullmatch(text) is not None
