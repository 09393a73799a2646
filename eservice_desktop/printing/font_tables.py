"""A parsed TrueType face kept small: reportlab's parser leaves a CJK face's tables as Python
objects (for TW-Kai 39,000 glyphs: dicts of character -> glyph and -> width, a list of
(advance, bearing) tuples, a list of glyph offsets), ~12 MiB of small objects per face that the
counter window keeps for its whole life once a receipt was printed. :func:`compact` puts the
same values in arrays (~1 MiB), read the way reportlab reads them, and unmaps the font file
the parse read, which is read from then on where a document needs it (:class:`FileBytes`).
make bench: bench_memory.
"""

from __future__ import annotations

import mmap
import os
import threading
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


class FileBytes:
    """A font file read where it is sliced, as reportlab slices a face's data once parsed
    (a table, a glyph, a field): the subsetter reads the few glyphs a document embeds from a
    52 MB file. Read through a mapping, each glyph left 64 KiB of the file's pages resident in
    the process (the kernel maps a page's neighbours with it), ~7 MiB after the first receipt;
    read this way, what a document read is freed with it (make bench, bench_memory)."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - open while the face lives
        self._length = os.fstat(self._file.fileno()).st_size
        self._lock = threading.Lock()  # one position per file: receipts render on two threads

    def __getitem__(self, key: int | slice) -> Any:
        """A byte (an int) or a run of bytes, as ``bytes`` would give them."""
        if isinstance(key, int):
            at = key + self._length if key < 0 else key
            return self.read(at, at + 1)[0]
        start, stop, step = key.indices(self._length)
        if step != 1:
            raise ValueError("a font file is read in runs")
        return self.read(start, stop)

    def read(self, start: int, stop: int) -> bytes:
        """The bytes from ``start`` up to ``stop`` (as far as the file goes)."""
        with self._lock:
            self._file.seek(start)
            return self._file.read(max(0, stop - start))

    def __len__(self) -> int:
        return self._length

    def __del__(self) -> None:  # the face let go (a probe, a test): its file with it
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()


def compact(face: Any) -> None:
    """``face`` (a reportlab ``TTFontFace``, just parsed) with its tables in arrays, and its
    mapped file let go for :class:`FileBytes` of the same file."""
    if isinstance(face.charToGlyph, dict):
        face.charToGlyph = ArrayMap(face.charToGlyph, "l")
    if isinstance(face.charWidths, dict):
        face.charWidths = ArrayMap(face.charWidths, "d")
    if isinstance(face.hmetrics, list):
        face.hmetrics = Metrics(face.hmetrics)
    if isinstance(face.glyphPos, list):
        face.glyphPos = array("L", face.glyphPos)
    data = face._ttf_data
    face._ttf_data = FileBytes(face.filename)
    if isinstance(data, mmap.mmap):
        data.close()
