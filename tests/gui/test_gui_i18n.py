"""``--lang en``: the window speaks English through the compiled Qt translations."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gui_keys import open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators, translations_dir
from eservice_desktop.gui.main_window import INTAKE_PAGE, QUEUE_PAGE


def test_lang_en_shows_english_in_the_main_window(qtbot, ctx: GuiContext, qapp: QApplication):
    translators = install_translators(qapp, "en")
    try:
        ctx.lang = "en"
        window = open_window(qtbot, ctx)
        assert window.windowTitle() == (
            "Household / Land Office Counter — Taoyuan Household Registration Office, Taoyuan City"
        )
        menus = [a.text() for a in window.menuBar().actions()]
        assert menus == ["&File", "&Pages", "&Go", "&Help"]
        queue = window.pages[QUEUE_PAGE]
        assert queue.tabs.tabText(0).startswith("Today")  # type: ignore[attr-defined]
        header = queue.model.headerData(0, Qt.Orientation.Horizontal)  # type: ignore[attr-defined]
        assert header == "Case number"
        assert window.operator_label.text() == "Clerk: 測試操作員 (tester)"
        intake = window.pages[INTAKE_PAGE]
        assert intake.submit_button.text() == "Submit intake (Ctrl+Enter)"  # type: ignore[attr-defined]
    finally:
        remove_translators(qapp, translators)


def _translated(m: ET.Element) -> bool:
    """A message's translation is there and finished; a plural one (``numerus="yes"``) has a
    text for each of its forms (English: one and many)."""
    t = m.find("translation")
    if t is None or t.get("type") == "unfinished":
        return False
    if m.get("numerus") == "yes":
        forms = [(f.text or "").strip() for f in t.iter("numerusform")]
        return len(forms) == 2 and all(forms)
    return bool((t.text or "").strip())


def test_every_gui_string_has_an_english_translation():
    tree = ET.parse(translations_dir() / "gui_en.ts")
    messages = tree.getroot().iter("message")
    untranslated = [m.findtext("source") for m in messages if not _translated(m)]
    assert untranslated == []


def test_a_cjk_font_draws_chinese_not_boxes(qapp: QApplication):
    """Without a CJK font Qt draws every Chinese character as the same missing-glyph box."""
    from PySide6.QtGui import QColor, QImage, QPainter

    def render(text: str) -> QImage:
        image = QImage(120, 40, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.drawText(4, 28, text)
        painter.end()
        return image

    assert render("戶政") != render("地政")
    assert render("戶") != render("\U000f0000")  # a private-use character no font has


def test_every_english_sum_of_money_is_written_nt_dollars():
    """English writes an amount as NT$45 everywhere (the timeline, the fees page's warnings,
    the command line); the fees page's own lines said "Receipt … received NTD 30, change NTD
    70", the closing "net NTD 1,200" and a void or refund "NTD 30" beside them."""
    import re

    amount_in_yuan = re.compile(r"\{\w+\} ?元")
    written = []
    for ts in sorted(translations_dir().glob("*_en.ts")):
        for m in ET.parse(ts).getroot().iter("message"):
            source = m.findtext("source") or ""
            found = m.find("translation")
            if found is None or not amount_in_yuan.search(source):
                continue
            texts = [n.text or "" for n in found] or [found.text or ""]
            written += [(ts.name, source, t) for t in texts if "NTD" in t or "NT$" not in t]
    assert written == []
