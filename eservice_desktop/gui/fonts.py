"""The screen font: a legible sans face for Chinese and Latin alike, with a fallback chain that
reaches every CJK extension a name can hold.

Kai (楷書) faces are for the legal prints only (``printing/fonts.py``); on screen a calligraphic
face at 9 pt is hard to read, and mixing it with a Latin sans makes Chinese look smaller than
the Latin text beside it. Noto Sans CJK TC (Debian ``fonts-noto-cjk``) draws Latin and Chinese
from one design, at one size. Characters it lacks (Ext-C to Ext-H mostly: 𫝀 U+2B740,
𬺰 U+2CEB0, U+31350) come from the next family of the chain that has them, BabelStone Han
(``fonts-babelstone-han``) on Linux, then TW-Kai and UMing as a last resort.

:func:`install_screen_font` is called once by ``gui/launcher.py`` at start;
:func:`screen_gaps` tells
the intake form which characters of a name no screen font can show.
"""

from __future__ import annotations

import functools

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication

from eservice_desktop.services.glyphs import SCREEN_SANS_FAMILIES

#: Sans faces for Traditional Chinese, first match wins (Linux, Windows, macOS).
SANS_FAMILIES: tuple[str, ...] = SCREEN_SANS_FAMILIES

#: Fallbacks for what the sans faces lack (CJK Ext-B to Ext-H, CNS 11643 plane 15).
FALLBACK_FAMILIES: tuple[str, ...] = (
    "BabelStone Han",
    "TW-Kai-Ext-B",
    "TW-Kai-Plus",
    "TW-Kai",
    "AR PL UMing TW",
    "MingLiU_HKSCS-ExtB",
    "MingLiU-ExtB",
)

#: The smallest point size Chinese stays legible at on a 1366 px counter screen.
MIN_POINT_SIZE = 10


def installed(families: tuple[str, ...] | list[str]) -> list[str]:
    """The families of ``families`` that the font database knows, in order."""
    known = set(QFontDatabase.families())
    return [f for f in families if f in known]


def screen_font(base: QFont | None = None) -> QFont:
    """The application font: the first installed sans CJK family, then the fallback chain
    (the font database listed once: every family of the machine, a few ms at start)."""
    font = QFont(base) if base is not None else QFont()
    chain = installed(SANS_FAMILIES + FALLBACK_FAMILIES)
    if chain:
        font.setFamilies(chain)
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
    return font


def install_screen_font(app: QApplication) -> QFont:
    """Sets the application-wide font (every widget inherits it) and returns it."""
    font = screen_font(app.font())
    app.setFont(font)
    _metrics.cache_clear()
    return font


def resolved_family(font: QFont) -> str:
    """The family Qt really draws Latin and BMP Chinese with for ``font``."""
    return QFontInfo(font).family()


@functools.cache
def _metrics(family: str) -> QFontMetrics | None:
    font = QFont(family)
    if QFontInfo(font).family() != family:
        return None  # Qt substituted another face: this one is not installed
    return QFontMetrics(font)


def has_glyph(ch: str, font: QFont | None = None) -> bool:
    """Whether some family of the font's chain (the application font by default) or of the
    screen chain has ``ch``."""
    if ch.isspace():
        return True
    families = (font or QApplication.font()).families()
    for family in [*families, *installed(SANS_FAMILIES + FALLBACK_FAMILIES)]:
        metrics = _metrics(family)
        if metrics is not None and metrics.inFontUcs4(ord(ch)):
            return True
    return False


def screen_gaps(text: str, font: QFont | None = None) -> list[str]:
    """The distinct characters of ``text`` that no family of the screen font can show."""
    gaps: list[str] = []
    for ch in text:
        if ch not in gaps and not has_glyph(ch, font):
            gaps.append(ch)
    return gaps
