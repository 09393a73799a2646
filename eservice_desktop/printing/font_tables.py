"""A parsed TrueType face kept small: reportlab's parser leaves a CJK face's tables as Python
objects (for TW-Kai 39,000 glyphs: dicts of character -> glyph and -> width, a list of
(advance, bearing) tuples, a list of glyph offsets), ~12 MiB of small objects per face that the
counter window keeps for its whole life once a receipt was printed. :func:`compact` puts the
same values in arrays (~1 MiB), read the way reportlab reads them, and gives back to the OS
the pages of the mapped font file that parsing touched (they come back from the OS cache for
the few glyphs a document embeds). make bench: bench_memory.
"""

from __future__ import annotations

import mmap
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from typing import Any


class ArrayMap(Mapping[int, Any]):
    """A read-only mapping of code points over two arrays (keys sorted; values of array type
    ``typecode``: glyph numbers, or widths as floats): what reportlab asks of ``charToGlyph``
    and ``charWidths`` (``in``, ``[]``, ``get``, ``keys``) at a fraction of a dict's size."""

    __slots__ = ("_keys", "_values")

    def __init__(self, mapping: Mapping[int, Any], typecode: str) -> None:
        keys = sorted(mapping)
        self._keys = array("L", keys)
        self._values = array(typecode, (mapping[k] for k in keys))

    def _index(self, key: object) -> int:
        if not isinstance(key, int):
            return -1
        i = bisect_left(self._keys, key)
        return i if i < len(self._keys) and self._keys[i] == key else -1

    def __getitem__(self, key: int) -> Any:
        i = self._index(key)
        if i < 0:
            raise KeyError(key)
        return self._values[i]

    def __contains__(self, key: object) -> bool:
        return self._index(key) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class Metrics:
    """``hmetrics`` as two arrays: ``metrics[glyph]`` is (advance width, left side bearing).
    The advances are floats: reportlab's parser stores the glyphs past ``numberOfHMetrics``
    with a scaled (float) advance, and takes ``int()`` of each when it writes a subset."""

    __slots__ = ("_advance", "_bearing")

    def __init__(self, pairs: list[tuple[float, int]]) -> None:
        self._advance = array("d", (p[0] for p in pairs))
        self._bearing = array("l", (p[1] for p in pairs))

    def __getitem__(self, glyph: int) -> tuple[float, int]:
        return self._advance[glyph], self._bearing[glyph]

    def __len__(self) -> int:
        return len(self._advance)


def compact(face: Any) -> None:
    """``face`` (a reportlab ``TTFontFace``, just parsed) with its tables in arrays, and the
    pages of its mapped file released."""
    if isinstance(face.charToGlyph, dict):
        face.charToGlyph = ArrayMap(face.charToGlyph, "l")
    if isinstance(face.charWidths, dict):
        face.charWidths = ArrayMap(face.charWidths, "d")
    if isinstance(face.hmetrics, list):
        face.hmetrics = Metrics(face.hmetrics)
    if isinstance(face.glyphPos, list):
        face.glyphPos = array("L", face.glyphPos)
    release_pages(face)


def release_pages(face: Any) -> None:
    """The resident pages of the face's mapped file handed back (Linux ``MADV_DONTNEED``: a
    shared file mapping read again from the OS cache on the next touch); nothing elsewhere."""
    data = getattr(face, "_ttf_data", None)
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if isinstance(data, mmap.mmap) and advice is not None:
        data.madvise(advice)
