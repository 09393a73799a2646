"""At intake, beside the name: characters that no font can show or print, by code point."""

from __future__ import annotations

from gui_keys import closed, open_window, press, type_text
from PySide6.QtCore import Qt

from eservice_desktop.gui.fonts import has_glyph, screen_font, screen_gaps
from eservice_desktop.gui.intake_form import IntakeForm

NOWHERE = "\U0002ebf0"  # Ext-I (Unicode 15.1): in no installed font
RARE = "\U0002b740\U0002ceb0\U00030ede\U00031350"  # Ext-D, F, G, H
#: The receipt fonts' check runs on a worker, and the first one in a process loads the fallback
#: fonts: about a second on an idle machine, 3 s in a test run, 9 s with eight busy processes
#: on its core, where 10 s failed. The warning ends the wait; only one that never comes waits
#: this long.
FONTS_MS = 60_000


def _intake(qtbot, ctx) -> IntakeForm:  # type: ignore[no-untyped-def]
    open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    from PySide6.QtWidgets import QApplication

    page = QApplication.focusWidget()
    while page is not None and not isinstance(page, IntakeForm):
        page = page.parentWidget()
    assert isinstance(page, IntakeForm)
    return page


def test_a_name_no_font_has_is_named_beside_the_field(qtbot, ctx):
    form = _intake(qtbot, ctx)
    form.applicant_name.setFocus()
    type_text("王" + NOWHERE + "明")
    warning = form.name_glyphs
    qtbot.waitUntil(lambda: "[U+2EBF0]" in warning.text(), timeout=FONTS_MS)
    assert warning.isVisible()
    assert "U+2EBF0" in warning.text() and "收據" in warning.text()
    assert "畫面無法顯示 U+2EBF0" in warning.text()
    # Right under the name field, in the same column.
    name_box = form.applicant_name.parentWidget()
    below = warning.mapTo(form, warning.rect().topLeft()).y()
    above = name_box.mapTo(form, name_box.rect().bottomLeft()).y()
    assert 0 <= below - above <= 20

    form.applicant_name.clear()
    type_text("林" + RARE)
    qtbot.waitUntil(lambda: not warning.pending, timeout=FONTS_MS)
    qtbot.waitUntil(lambda: closed(warning), timeout=FONTS_MS)
    assert warning.text() == ""


def test_english_window_names_the_code_point_in_english(qtbot, ctx):
    ctx.lang = "en"
    form = _intake(qtbot, ctx)
    form.applicant_name.setFocus()
    type_text("Wang " + NOWHERE)
    qtbot.waitUntil(lambda: "[U+2EBF0]" in form.name_glyphs.text(), timeout=FONTS_MS)
    assert "No installed font has" in form.name_glyphs.text()
    assert "Cannot be shown on screen: U+2EBF0" in form.name_glyphs.text()


def test_the_screen_chain_has_every_extension():
    font = screen_font()
    assert font.families()[0] == "Noto Sans CJK TC"
    for ch in "王𡘙" + RARE + "\U0002a700\U0002b820":
        assert has_glyph(ch, font), f"U+{ord(ch):04X}"
    assert screen_gaps("王" + NOWHERE, font) == [NOWHERE]
