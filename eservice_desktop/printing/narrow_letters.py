"""Which face draws a word with accented Latin letters: one that draws them as wide as letters.

TW-Kai, the first face of the receipt chain, draws its ASCII letters proportionally but every
other letter (é ü ñ ç, the Vietnamese ễ ị ồ) one em wide, as if each were a Chinese
character: a foreign resident's name printed with gaps inside its words (Nguy ễ n Th ị H ồ ng,
Fran ç ois, Mu ñ oz) on the receipt. A word holding such a letter is drawn whole with the
first face of the chain that has every character of it and draws those letters narrower than
an em (AR PL UMing TW, MingLiU): the word keeps one face, and the name reads as written. With
no such face installed the word stays as it was.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from eservice_desktop.printing.fonts import FontChain

#: The blocks of the letters in question (Latin-1 and Latin Extended, combining diacritics,
#: Greek and Cyrillic, the Vietnamese of Latin Extended Additional): text without any, the
#: Chinese of every receipt, is not looked at letter by letter.
_CANDIDATES: Final = re.compile("[\u00c0-\u052f\u1e00-\u1eff]")
#: What a word is here: a run of characters between spaces.
_WORD: Final = re.compile(r"\S+")
#: Narrower than this share of the size is drawn as a letter, not as a Chinese character.
_NARROW: Final = 0.9
#: (face name, character) -> whether the face draws the character an em wide.
_wide: dict[tuple[str, str], bool] = {}


def _em_wide(face: str, ch: str) -> bool:
    hit = _wide.get((face, ch))
    if hit is None:
        from reportlab.pdfbase import pdfmetrics

        hit = _wide[(face, ch)] = pdfmetrics.stringWidth(ch, face, 1) >= _NARROW
    return hit


def _alphabetic(ch: str) -> bool:
    """A letter or mark of an alphabet (not ASCII, not a wide East Asian character)."""
    return (
        not ch.isascii()
        and unicodedata.category(ch)[0] in "LM"
        and unicodedata.east_asian_width(ch) not in ("W", "F")
    )


def _narrow_face(chain: FontChain, word: str, letters: list[str]) -> str | None:
    for face in chain.faces:
        if all(face.has(ord(ch)) for ch in word) and not any(
            _em_wide(face.name, ch) for ch in letters
        ):
            return face.name
    return None


def word_faces(chain: FontChain, text: str) -> list[str]:
    """The face that draws each character of ``text`` (printable already: every character has
    a face or is a space): the chain's first face that has it, except in a word with a letter
    that face draws an em wide (see the module's docstring)."""
    names = [chain.font_for(ch) for ch in text]
    if _CANDIDATES.search(text) is None:
        return names
    for m in _WORD.finditer(text):
        word = m.group()
        wide = [
            ch
            for ch, name in zip(word, names[m.start() : m.end()], strict=True)
            if _alphabetic(ch) and _em_wide(name, ch)
        ]
        if wide:
            face = _narrow_face(chain, word, wide)
            if face is not None:
                names[m.start() : m.end()] = [face] * len(word)
    return names


def _in_word(ch: str) -> bool:
    """Whether ``ch`` belongs to a word that only a space may break: a character of an
    alphabet (Latin, with its accents, digits, hyphen, apostrophe), not a Chinese one."""
    return not ch.isspace() and unicodedata.east_asian_width(ch) not in ("W", "F")


def wrap(text: str, too_wide: Callable[[str], bool]) -> list[str]:
    """``text`` in lines none of which is ``too_wide``: Chinese broken anywhere, a word of
    letters at the space before it (the roll receipt printed Rodrígu and ez-Hernández on two
    lines, a surname cut in two); a word wider than a line alone is still broken anywhere."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if not line or not too_wide(line + ch):
            line += ch
            continue
        cut = line.rfind(" ")
        if _in_word(ch) and _in_word(line[-1]) and cut > 0 and all(map(_in_word, line[cut + 1 :])):
            lines.append(line[:cut])
            line = line[cut + 1 :] + ch
        else:
            lines.append(line)
            line = ch.lstrip()
    if line or not lines:
        lines.append(line)
    return lines
