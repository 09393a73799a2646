"""Will a name print? The receipt fonts checked before the case is saved.

Receipts embed TrueType fonts (``printing.fonts``); a character none of them has prints as its
code point, ``[U+2B740]``. The intake form asks :func:`check_printable` while the clerk types
the name, so the clerk hears about it beside the field, naming the code point, instead of
finding a code on the citizen's receipt. Loading the fallback fonts the first time a rare
character is looked up takes about a second: call it off the UI thread.
"""

from __future__ import annotations

from eservice_desktop.domain.errors import DomainError

UNPRINTABLE = "unprintable_character"

#: Sans faces for Traditional Chinese on screen, first installed one wins (Linux, Windows,
#: macOS); ``gui/fonts.py`` sets the window's font from it and ``doctor`` checks for one.
SCREEN_SANS_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Microsoft JhengHei UI",
    "Microsoft JhengHei",
    "PingFang TC",
)


def code_point(ch: str) -> str:
    """``U+2B740`` for 𫝀 (at least four hex digits, as Unicode writes them)."""
    return f"U+{ord(ch):04X}"


def check_printable(text: str, field: str = "applicant_name") -> DomainError | None:
    """None when every character of ``text`` has a glyph in some receipt font, otherwise a
    warning naming each character without one and its code point."""
    # Here, not at the top: the window's start takes SCREEN_SANS_FAMILIES from this module,
    # and the receipt fonts' module (subprocess, mmap, its font records) is no part of it.
    from eservice_desktop.printing.fonts import FontNotFound, placeholder, unprintable

    try:
        gaps = unprintable(text)
    except FontNotFound as e:
        zh, _, en = str(e).partition(" / ")
        return DomainError(UNPRINTABLE, zh, en or zh, field)
    if not gaps:
        return None
    # Code points only: the character itself may be a box on this screen too.
    points = "、".join(code_point(ch) for ch in gaps)
    points_en = ", ".join(code_point(ch) for ch in gaps)
    shown = placeholder(gaps[0])
    return DomainError(
        UNPRINTABLE,
        f"沒有字型能列印 {points}：收據上會印成 {shown}，請確認字元或改用造字。",
        f"No installed font has {points_en}: the receipt will print {shown} instead.",
        field,
    )
