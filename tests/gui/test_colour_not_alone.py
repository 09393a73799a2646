"""Nothing is said by colour alone, and the window's own colours read (WCAG AA, 4.5:1), on a
light palette and on a dark one (dark mode, contrast themes).

The queue painted an overdue case red and one due soon amber, and wrote only the days left:
"0" on the weekend after an overdue case's due date, the same as a case due today to a clerk
who does not tell the colours apart, and to a screen reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from eservice_desktop.gui import keyboard
from eservice_desktop.gui.colours import ON_DARK
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.queue_model import QueueModel
from eservice_desktop.services.queue_items import QueueItem

GUI = Path(__file__).resolve().parents[2] / "eservice_desktop" / "gui"


def _item(deadline: str, days: int | None) -> QueueItem:
    return QueueItem(
        case_number="H01-01-115-000001-7",
        service_name="戶籍謄本",
        applicant_name="王小明",
        applicant_id_masked="A12345****",
        status="received",
        status_label="已收件",
        received_text="115/03/10 09:00",
        received_key=0.0,
        due_text="115/03/12",
        due_key="2026-03-12",
        days_left=days,
        deadline=deadline,
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh_TW", ("0 逾期", "1 將到期", "3")), ("en", ("0 Overdue", "1 Due soon", "3"))],
)
def test_the_queue_writes_overdue_and_due_soon(lang: str, words: tuple[str, ...]) -> None:
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    translators = install_translators(qt_app, lang)
    try:
        model = QueueModel()
        model.set_items([_item("overdue", 0), _item("due_soon", 1), _item("on_track", 3)])
        column = [key for key, _ in model.columns].index("days_left")
        shown = tuple(
            model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole) for row in range(3)
        )
        assert shown == words
    finally:
        remove_translators(qt_app, translators)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


#: The backgrounds the window's coloured text is drawn on: the window (Fusion's #efefef, the
#: darkest of the light themes), a list's alternate row, and the banners' own backgrounds.
BACKGROUNDS = ("#efefef", "#f7f7f7", "#fdecea", "#fff4ce")
#: Colours of the window's code that are not text on a light background.
NOT_TEXT = {
    "#fdecea": "the unprinted receipts banner's background",
    "#fff4ce": "the restored draft banner's background",
    "#c8a600": "the draft banner's border",
    "#202020": "the camera preview's background",
    "#e0e0e0": "the camera preview's text, on #202020",
}
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_the_windows_text_colours_pass_wcag_aa() -> None:
    """Every colour the window's code names is text on a light background (or listed in
    ``NOT_TEXT``) and reads at 4.5:1 at least on each of them."""
    found = {m.group(0).lower() for f in GUI.glob("*.py") for m in HEX.finditer(f.read_text())}
    assert "#b00020" in found, "no colours found: the pattern is out of date"
    weak = {
        (colour, bg, round(contrast(colour, bg), 2))
        for colour in found - NOT_TEXT.keys() - set(ON_DARK.values())  # those: on dark only
        for bg in BACKGROUNDS
        if contrast(colour, bg) < 4.5
    }
    assert weak == set()
    assert contrast("#e0e0e0", "#202020") >= 4.5


#: Dark palettes' backgrounds: Windows' dark mode (window, base, alternate row) and a
#: contrast theme's black.
DARK_BACKGROUNDS = ("#1e1e1e", "#202020", "#2d2d2d", "#000000")


def test_the_dark_palettes_colours_pass_wcag_aa() -> None:
    text = {light: dark for light, dark in ON_DARK.items() if light not in NOT_TEXT}
    banners = [ON_DARK["#fdecea"], ON_DARK["#fff4ce"]]
    weak = {
        (light, dark, bg, round(contrast(dark, bg), 2))
        for light, dark in text.items()
        for bg in (*DARK_BACKGROUNDS, *banners)
        if contrast(dark, bg) < 4.5
    }
    assert weak == set()
    # every text colour of the window has its dark counterpart
    found = {m.group(0).lower() for f in GUI.glob("*.py") for m in HEX.finditer(f.read_text())}
    assert found - NOT_TEXT.keys() - ON_DARK.keys() - set(ON_DARK.values()) == set()


def test_on_a_dark_palette_refusals_and_the_queue_are_drawn_light() -> None:
    """Windows' dark mode or a contrast theme: the refusal's dark red read 2.2:1 (2.9:1 on
    black); its style sheet is rewritten as it is set, the queue's colours are chosen so."""
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    before = QPalette(qt_app.palette())
    dark = QPalette(before)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        dark.setColor(role, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#ffffff"))
    keyboard.install()
    qt_app.setPalette(dark)
    try:
        label = QLabel()
        label.setStyleSheet("color: #b00020; font-weight: bold;")
        assert label.styleSheet() == "color: #ff8a80; font-weight: bold;"
        model = QueueModel()
        model.set_items([_item("overdue", 0)])
        brush = model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
        assert brush.color().name() == "#ff8a80"
        qt_app.setPalette(before)  # dark mode switched off with the window open
        QApplication.processEvents()
        assert label.styleSheet() == "color: #b00020; font-weight: bold;"  # not #ff8a80 on white
        label.deleteLater()
    finally:
        qt_app.setPalette(before)
