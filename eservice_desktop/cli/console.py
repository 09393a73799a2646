"""What the command line writes must reach a console or file that cannot hold every character.

A Traditional Chinese Windows writes redirected output (``> out.txt``, a pipe into an IT
script) in its code page, cp950 (Big5), which has no 堃, 喆 or 犇 and none of the rarer
characters of names: ``case show`` of such a citizen ended in a UnicodeEncodeError traceback
with exit 1 and printed nothing. So on a stream whose encoding is not Unicode, a character it
cannot carry is written as its escape (``\\u5803``), visible and exact, and everything else as
before; a ``--json`` document is written ASCII-only there, with JSON's own escapes, which any
JSON reader turns back into the very text (names beyond the Basic Multilingual Plane too).
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

#: The codecs that carry every character.
_UNICODE = frozenset({"utf-8", "utf-16", "utf-32", "utf-8-sig", "utf-16-le", "utf-16-be"})


def carries_all(stream: TextIO | None) -> bool:
    """True when ``stream`` (a text stream) can write any character."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name in _UNICODE
    except LookupError:
        return False


def fit_streams() -> None:
    """Standard output and error write what their encoding lacks as escapes (see above)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not carries_all(stream):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")


def json_text(data: object, **options: object) -> str:
    """``data`` as JSON for standard output: its characters as they are on a Unicode stream,
    JSON's escapes on any other (``\\ud844\\ude19`` for 𡘙, which an escape of the stream's
    own would not write validly)."""
    import json

    return json.dumps(data, ensure_ascii=not carries_all(sys.stdout), **options)  # type: ignore[arg-type]
