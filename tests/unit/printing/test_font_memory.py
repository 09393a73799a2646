"""A receipt font costs the pages a receipt touches, not a copy of its whole file."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from types import FrameType
from typing import Any, NamedTuple

import pytest

from eservice_desktop.printing import fonts


class Traced(NamedTuple):
    """The primary face loaded once under tracemalloc: what it held at most, what it kept."""

    face: Any  # fonts._Face
    font: Any  # reportlab TTFont
    peak: int
    kept: int


def _no_op_profile(frame: FrameType, event: str, arg: object) -> None:
    return None


@pytest.fixture(scope="module")
def traced() -> Traced:
    """One traced load serves both tests (``get_traced_memory`` gives the peak and what is
    kept at once). A no-op profile function is set meanwhile: on CPython 3.11 tracemalloc
    alone made the parse ~10x slower (~14 s instead of ~1.4 s) and the figures are the same
    either way."""
    primary = fonts.font_chain().faces[0]
    face = fonts._Face(f"{primary.name}MemoryProbe", primary.path, primary.subfont)
    previous = sys.getprofile()
    sys.setprofile(_no_op_profile)
    tracemalloc.start()
    try:
        font = face.load()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        sys.setprofile(previous)
    return Traced(primary, font, peak, kept)


def test_loading_the_primary_font_does_not_copy_its_file_into_memory(traced: Traced) -> None:
    size = traced.face.path.stat().st_size
    assert size > 20 * 2**20  # TW-Kai (52 MB) or UMing (21 MB): a copy would show
    peak = traced.peak
    assert peak < size / 2, f"{peak / 2**20:.0f} MiB held for a {size / 2**20:.0f} MB font"
    # ... and the font is whole: its glyphs and widths read through the mapping.
    assert traced.font.face.charToGlyph.get(ord("王"))
    assert fonts.font_chain().width("王小明", 10) > 0


def test_a_loaded_font_keeps_its_tables_in_arrays_with_the_parsers_values(traced: Traced) -> None:
    """What the window keeps once a receipt was printed: the parsed tables in arrays (a dict of
    a CJK face's 39,000 characters alone is ~6 MiB), holding what reportlab's parser read."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    primary = traced.face
    kept = traced.kept
    assert kept < 4 * 2**20, f"{kept / 2**20:.1f} MiB kept by a loaded font"
    kw = {} if primary.subfont is None else {"subfontIndex": primary.subfont}
    parsed = TTFontFace(str(primary.path), **kw)  # the parser's own tables, as dicts and lists
    compact = traced.font.face
    assert len(compact.charToGlyph) == len(parsed.charToGlyph)
    for code in [*map(ord, "王小明 戶籍謄本，。0aZ"), *list(parsed.charToGlyph)[::997]]:
        assert compact.charToGlyph[code] == parsed.charToGlyph[code]
        assert compact.charWidths.get(code, -1) == parsed.charWidths.get(code, -1)
    assert 0x10FFFF not in compact.charToGlyph and compact.charToGlyph.get(-1) is None
    assert set(compact.charToGlyph.keys()) == set(parsed.charToGlyph)
    for glyph in range(0, len(parsed.hmetrics), 251):
        assert compact.hmetrics[glyph] == parsed.hmetrics[glyph]
        assert compact.glyphPos[glyph] == parsed.glyphPos[glyph]
    assert fonts.font_chain().width("王小明", 10) > 0


#: A fresh process (Qt in a test worker maps the same system font for the screen): it prints,
#: then lists its mappings of the receipt font's file.
PRINT_AND_LIST_MAPS = """
import io, json, sys
from reportlab.pdfgen import canvas
from eservice_desktop.printing import fonts
chain = fonts.font_chain()
out = canvas.Canvas(io.BytesIO())
chain.draw(out, 10, 10, "王小明 戶籍謄本 臺北市大安區", 12)
out.save()  # embeds the subset: the glyphs are read from the file
path = str(chain.faces[0].path)
with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
    mapped = [line.strip() for line in maps if line.rstrip().endswith(path)]
print(json.dumps({"mapped": mapped, "head": chain.faces[0].font.face._ttf_data[:4].hex()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_printing_leaves_no_page_of_the_font_file_in_the_process() -> None:
    """Read through a mapping, each glyph a document embedded left 64 KiB of the font file
    resident in the window (the kernel maps a page's neighbours with it): ~7 MiB after the
    first receipt. Once parsed, the file is read where a document needs it, and unmapped."""
    done = subprocess.run(
        [sys.executable, "-c", PRINT_AND_LIST_MAPS],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["mapped"] == []
    assert seen["head"] in ("00010000", "74746366", "74727565")  # the file, read: TrueType
