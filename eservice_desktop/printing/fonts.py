"""Traditional Chinese TrueType fonts for reportlab, with per-character fallback.

Names at household offices contain characters outside Big5 and outside the Basic Multilingual
Plane (CNS 11643, Unicode Ext-B …). The government's TW-Kai (全字庫正楷體) covers them, split over
three files: the main BMP file, an Ext-B file (plane 2) and a "Plus" file (plane 15, CNS
characters that have no standard code point). AR PL UMing TW is a smaller fallback. reportlab
only reads TrueType (glyf) outlines, so Noto CJK (CFF) cannot be used.

Each text run is split so that every character is drawn with the first font of the chain that
has it; a character no font has is printed as its code point, ``[U+XXXXX]``, and reported
(``FontChain.missing``) instead of silently turning into a box. :func:`unprintable` tells the
intake form beforehand which characters of a name will not print. Fonts are found in, in
order: ``ESERVICE_FONT_DIR``, ``resources/fonts`` shipped with the program (where the Windows
installer puts TW-Kai), then the system font folders. BabelStone Han (Debian
``fonts-babelstone-han``) comes last: it has the newest extensions (Ext-C to Ext-H) that the
others lack.

reportlab 5.1 writes a broken ToUnicode entry for characters above U+FFFF (5 hex digits instead
of a UTF-16 surrogate pair), so text extraction and copy/paste of such a name yields garbage;
:func:`_install_tounicode_fix` corrects that one function (see the report of issue 5).
"""

from __future__ import annotations

import functools
import logging
import mmap
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from eservice_desktop.domain.name_forms import composed
from eservice_desktop.printing.narrow_letters import word_faces, wrap

if TYPE_CHECKING:  # reportlab is imported when a font is first needed (a cold-start cost)
    from reportlab.pdfbase.ttfonts import TTFont

    from eservice_desktop.printing.font_tables import FileBytes

log = logging.getLogger("eservice.printing")

ROOT = Path(__file__).resolve().parents[2]

#: (registered name, file name, subfont index or None) in fallback order.
CANDIDATES: tuple[tuple[str, str, int | None], ...] = (
    ("TWKai", "TW-Kai-98_1.ttf", None),
    ("TWKaiExtB", "TW-Kai-Ext-B-98_1.ttf", None),
    ("TWKaiPlus", "TW-Kai-Plus-98_1.ttf", None),
    ("UMingTW", "uming.ttc", 2),
    # Windows counters without TW-Kai: MingLiU is TrueType; its ExtB file covers plane 2.
    ("MingLiU", "mingliu.ttc", 0),
    ("MingLiUExtB", "mingliub.ttc", 0),
    # Last resort for the newest extensions (Ext-C to Ext-H: 𫝀 U+2B740, 𬺰 U+2CEB0, 𰻞 U+30EDE,
    # U+31350) that neither TW-Kai nor UMing has: BabelStone Han (Debian fonts-babelstone-han).
    ("BabelStoneHan", "BabelStoneHan.ttf", None),
)


def font_dirs() -> list[Path]:
    dirs: list[Path] = []
    env = os.environ.get("ESERVICE_FONT_DIR")
    if env:
        dirs.append(Path(env))
    bundle = Path(getattr(sys, "_MEIPASS", ROOT))
    dirs += [ROOT / "resources" / "fonts", bundle / "resources" / "fonts"]
    appdir = os.environ.get("APPDIR")  # inside the AppImage (installer/linux/AppRun)
    if appdir:
        dirs.append(Path(appdir) / "usr" / "share" / "fonts" / "eservice-desktop")
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs.append(windir / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        dirs += [
            Path("/usr/share/fonts/truetype/cns11643"),
            Path("/usr/share/fonts/truetype/arphic"),
            Path("/usr/share/fonts/truetype/babelstone"),
            Path("/usr/local/share/fonts"),
            Path.home() / ".local" / "share" / "fonts",
            Path.home() / ".fonts",
        ]
    return dirs


@functools.cache
def _fontconfig_files() -> dict[str, Path]:
    """File names fontconfig knows for Traditional Chinese (fonts installed elsewhere)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return {}
    try:
        out = subprocess.run(
            [exe, ":lang=zh-tw", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, Path] = {}
    for line in out.splitlines():
        path = Path(line.split(":", 1)[0].strip())
        found.setdefault(path.name.lower(), path)
    return found


def locate(file_name: str) -> Path | None:
    for d in font_dirs():
        p = d / file_name
        if p.is_file():
            return p
    return _fontconfig_files().get(file_name.lower())


@dataclass
class _Face:
    name: str
    path: Path
    subfont: int | None
    font: TTFont | None = None

    def load(self) -> TTFont:
        if self.font is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            kw: dict[str, Any] = {} if self.subfont is None else {"subfontIndex": self.subfont}
            self.font = TTFont(self.name, _MappedFile(self.path), **kw)
            _no_copy_tables(self.font.face)
            # Glyph -> characters, a list per glyph (~7 MiB for TW-Kai): read only when text is
            # shaped with HarfBuzz (uharfbuzz, not used here), which rebuilds what it misses.
            self.font.face.glyphToChar = {}
            from eservice_desktop.printing.font_tables import compact

            compact(self.font.face)  # its tables in arrays, its file read where sliced
            pdfmetrics.registerFont(self.font)
        return self.font

    def has(self, code: int) -> bool:
        return code in self.load().face.charToGlyph


class _MappedFile:
    """A font file as reportlab's parser reads it (``read()`` and ``name``), mapped instead of
    read: reportlab keeps a font's whole file in memory (52 MB for TW-Kai, 65 MB for its Ext-B
    file), while a receipt touches a few pages of it (tables it parses, glyphs it embeds). The
    mapping is the file's pages, shared with the OS cache, and only those touched are
    resident; it is let go once the face is parsed (``font_tables.compact``)."""

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        self._path = path

    def read(self) -> mmap.mmap:
        with open(self._path, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


@dataclass
class FontChain:
    """The fonts to draw Chinese text with, the first one being the primary face."""

    faces: list[_Face]
    missing: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _choice: dict[str, str] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        return self.faces[0].name

    def files(self) -> list[tuple[str, Path]]:
        return [(f.name, f.path) for f in self.faces]

    def _lookup(self, ch: str) -> str | None:
        """First face with a glyph for ``ch``, or None; fallback faces load only when needed."""
        hit = self._choice.get(ch)
        if hit is not None:
            return hit
        with self._lock:
            code = ord(ch)
            for face in self.faces:
                if face.has(code):
                    self._choice[ch] = face.name
                    return face.name
            return None

    def font_for(self, ch: str) -> str:
        """First face with a glyph for ``ch``; a character none has is recorded as missing."""
        name = self._lookup(ch)
        if name is None:
            if not ch.isspace() and ch not in self.missing:
                self.missing.add(ch)
                log.warning("no font has a glyph for U+%04X", ord(ch))
            name = self.primary
        return name

    def has_glyph(self, ch: str) -> bool:
        """Whether some face of the chain can draw ``ch`` (spaces always can, and a variation
        selector is never drawn)."""
        return ch.isspace() or is_selector(ch) or self._lookup(ch) is not None

    def printable(self, text: str) -> str:
        """``text`` with every character no face has replaced by ``[U+XXXXX]`` (and recorded in
        ``missing``), and its variation selectors left out (:func:`is_selector`), composed:
        a name stored decomposed (e, U+0302, U+0303 for ễ, pasted from a macOS document before
        names were composed at intake, or from an older counter) printed each mark by itself,
        on a dotted circle, after its letter (Nguye◌̂◌̃n)."""
        text = composed(text)
        if not _SELECTORS.search(text) and all(self.has_glyph(ch) for ch in text):
            return text
        out = []
        for ch in text:
            if is_selector(ch):
                continue
            if self.has_glyph(ch):
                out.append(ch)
            else:
                self.font_for(ch)  # recorded as missing and logged
                out.append(placeholder(ch))
        return "".join(out)

    def runs(self, text: str) -> Iterator[tuple[str, str]]:
        """(font name, text) runs of one font each (a word with accented letters in one face,
        ``narrow_letters``); a character no font has as its code point (``[U+2B740]``), no box."""
        current, buf = "", list[str]()
        printed = self.printable(text)
        for ch, name in zip(printed, word_faces(self, printed), strict=True):
            if name != current and buf:
                yield current, "".join(buf)
                buf = []
            current = name
            buf.append(ch)
        if buf:
            yield current, "".join(buf)

    def width(self, text: str, size: float) -> float:
        from reportlab.pdfbase import pdfmetrics

        return float(sum(pdfmetrics.stringWidth(t, f, size) for f, t in self.runs(text)))

    def draw(self, canvas: Any, x: float, y: float, text: str, size: float) -> float:
        """Draws ``text`` starting at (x, y); returns the x where it ended."""
        from reportlab.pdfbase import pdfmetrics

        for name, run in self.runs(text):
            canvas.setFont(name, size)
            canvas.drawString(x, y, run)
            x += pdfmetrics.stringWidth(run, name, size)
        return x

    def draw_right(self, canvas: Any, x: float, y: float, text: str, size: float) -> None:
        self.draw(canvas, x - self.width(text, size), y, text, size)

    def draw_centred(self, canvas: Any, x: float, y: float, text: str, size: float) -> None:
        self.draw(canvas, x - self.width(text, size) / 2, y, text, size)

    def wrap(self, text: str, size: float, max_width: float) -> list[str]:
        """Breaks Chinese text anywhere (no spaces between words) to fit ``max_width``, and a
        word of letters at the space before it (``narrow_letters.wrap``)."""
        return wrap(text, lambda line: self.width(line, size) > max_width)


#: Variation selectors: VS1-16 (U+FE00..U+FE0F) and the ideographic ones, VS17-256
#: (U+E0100..U+E01EF), that a name from the household register carries after a character
#: (葛 + U+E0100, an IVS).
_SELECTORS: Final = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def is_selector(ch: str) -> bool:
    """Whether ``ch`` is a variation selector. It chooses the glyph of the character before
    it and is no glyph of its own; reportlab draws a code point's default glyph only, so a
    selector drawn by itself printed BabelStone Han's dashed "VS17" box inside the citizen's
    name on the receipt (葛[VS17]雲). The character is printed in its default form instead."""
    return _SELECTORS.fullmatch(ch) is not None


def placeholder(ch: str) -> str:
    """What is printed for a character no font has: its code point, ``[U+2B740]``."""
    return f"[U+{ord(ch):04X}]"


def unprintable(text: str) -> list[str]:
    """The distinct characters of ``text`` that no receipt font can print, in order."""
    chain = font_chain()
    seen: list[str] = []
    for ch in text:
        if ch not in seen and not chain.has_glyph(ch):
            seen.append(ch)
    return seen


class FontNotFound(RuntimeError):
    """No Traditional Chinese TrueType font is installed: receipts cannot be printed."""


_chains: dict[str, FontChain] = {}
_chain_lock = threading.Lock()


def font_chain() -> FontChain:
    """The process-wide chain (fonts are registered with reportlab once)."""
    with _chain_lock:
        chain = _chains.get("default")
        if chain is None:
            _install_tounicode_fix()
            faces = []
            for name, file_name, sub in CANDIDATES:
                path = locate(file_name)
                if path is not None:
                    faces.append(_Face(name, path, sub))
            if not faces:
                raise FontNotFound(
                    "找不到中文 TrueType 字型（全字庫正楷體 TW-Kai 或 AR PL UMing），無法列印收據。"
                    " / No Traditional Chinese TrueType font (TW-Kai or AR PL UMing) was found."
                )
            faces[0].load()
            chain = _chains["default"] = FontChain(faces)
        return chain


def _utf16_hex(code: int) -> str:
    return f"{code:04X}" if code < 0x10000 else chr(code).encode("utf-16-be").hex().upper()


def _make_tounicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's makeToUnicodeCMap, with destinations written as UTF-16BE (PDF 32000 9.10.3)."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


class _TableView:
    """A table of the font file, sliced where it is read rather than copied whole first."""

    def __init__(self, data: FileBytes, pos: int, length: int) -> None:
        self._data, self._pos, self._length = data, pos, length

    def __getitem__(self, key: slice) -> bytes:
        start, stop, _ = key.indices(self._length)
        return self._data.read(self._pos + start, self._pos + max(start, stop))

    def __len__(self) -> int:
        return self._length


def _no_copy_tables(face: Any) -> None:
    """reportlab's subsetter copies the whole ``glyf`` table (51 MB for TW-Kai) and ``post``
    (390 kB) for every document just to take a few glyphs out of it: ~180 ms per receipt.
    Serving those two tables as views makes a warm render cost what the page needs."""
    original = face.get_table

    def get_table(tag: str) -> Any:
        if tag in ("glyf", "post"):
            pos, length = face.get_table_pos(tag)
            return _TableView(face._ttf_data, pos, length)
        return original(tag)

    face.get_table = get_table


def _install_tounicode_fix() -> None:
    from reportlab.pdfbase import ttfonts

    ttfonts.makeToUnicodeCMap = _make_tounicode_cmap
