"""A receipt font costs the pages a receipt touches, not a copy of its whole file."""

from __future__ import annotations

import tracemalloc

from eservice_desktop.printing import fonts


def test_loading_the_primary_font_does_not_copy_its_file_into_memory() -> None:
    primary = fonts.font_chain().faces[0]
    size = primary.path.stat().st_size
    assert size > 20 * 2**20  # TW-Kai (52 MB) or UMing (21 MB): a copy would show
    face = fonts._Face(f"{primary.name}MemoryProbe", primary.path, primary.subfont)
    tracemalloc.start()
    try:
        font = face.load()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size / 2, f"{peak / 2**20:.0f} MiB held for a {size / 2**20:.0f} MB font"
    # ... and the font is whole: its glyphs and widths read through the mapping.
    assert font.face.charToGlyph.get(ord("王"))
    assert fonts.font_chain().width("王小明", 10) > 0
