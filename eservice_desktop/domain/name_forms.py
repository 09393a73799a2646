"""One written form for a name typed or pasted in another: the composed one (NFC), keeping
the CJK compatibility ideographs some names are written with.

The same name can come as different code points: "Nguyễn" typed on a Vietnamese keyboard is
composed (ễ, one character), pasted from a macOS document or a web form it may be decomposed
(e, U+0302, U+0303). Both look alike on the screen, but they were two names to the search
(the clerk typing Nguyễn did not find the citizen), and a receipt printed the decomposed
marks one by one, each on a dotted circle, apart from their letters.

NFC also maps the CJK compatibility ideographs (U+F900..U+FAFF, U+2F800..U+2FA1F) to their
unified characters, and the household register writes some names with them: those are kept as
typed (each is a whole character of its own, nothing combines with it, so composing the text
between them is composing the whole).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: The CJK compatibility ideographs NFC would replace by their unified characters.
_COMPATIBILITY: Final = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f])")


def composed(text: str) -> str:
    """``text`` in its composed form (NFC) with its CJK compatibility ideographs unchanged."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    parts = _COMPATIBILITY.split(text)
    # the odd items are the ideographs the split kept, the even ones the text between them
    return "".join(p if i % 2 else unicodedata.normalize("NFC", p) for i, p in enumerate(parts))
