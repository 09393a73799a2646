"""The window on half of a 1366×768 screen (683×768, two programs side by side): the identity
dock kept its full 312 px and left the page 355 px, the queue's columns and the operators'
form cut or scrolled sideways; the dock now takes at most a third of a narrow window."""

from __future__ import annotations

from gui_keys import press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import QUEUE_PAGE, MainWindow
from eservice_desktop.gui.queue_view import TAB_TEXT_MARGIN

OPERATORS_PAGE = "eservice_desktop.gui.operators_page"


def _window(ctx: GuiContext, qtbot: QtBot, width: int, height: int = 768) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


def test_the_identity_dock_leaves_the_page_two_thirds_at_683(ctx: GuiContext, qtbot: QtBot) -> None:
    window = _window(ctx, qtbot, 683)
    dock = window.panels[0]
    assert dock.width() <= 683 // 3, dock.width()
    assert window.stack.width() >= 683 * 2 // 3 - 10, window.stack.width()
    # what the dock shows is still the panel whole (it scrolls up and down, never sideways)
    holder = dock.widget()
    assert holder.width() >= dock.panel.minimumSizeHint().width()


def test_the_dock_takes_its_width_back_when_the_window_widens(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    window = _window(ctx, qtbot, 1366, 728)
    dock = window.panels[0]
    full = dock.width()
    window.resize(683, 728)
    QApplication.processEvents()
    assert dock.width() < full
    window.resize(1366, 728)
    QApplication.processEvents()
    assert dock.width() == full


def _operators_shown(qtbot: QtBot, window: MainWindow) -> tuple[QWidget, QScrollArea]:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded, timeout=20000)  # type: ignore[attr-defined]
    for _ in range(5):  # the focus is scrolled into view once the loop has laid it out
        QApplication.processEvents()
    return page, window.holders[page]


def test_the_operators_page_fits_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    """It was scrolled sideways, its left edge (the list's 帳號 column, the form's labels)
    under the page's left border."""
    window = _window(ctx, qtbot, 683)
    page, holder = _operators_shown(qtbot, window)
    assert holder.horizontalScrollBar().maximum() == 0, page.minimumSizeHint()
    assert page.width() <= holder.viewport().width()


def test_a_page_wider_than_the_window_shows_its_left_edge(ctx: GuiContext, qtbot: QtBot) -> None:
    """A widget taking the focus was scrolled into view with 50 px of room each side: one as
    wide as the page (the operators' list) was centred, the page scrolled right by half of
    what it overran and its left edge cut off."""
    window = _window(ctx, qtbot, 380)
    page, holder = _operators_shown(qtbot, window)
    bar = holder.horizontalScrollBar()
    assert bar.maximum() > 0  # the page is wider than the window here: a scroll bar it is
    assert QApplication.focusWidget() is page.table  # type: ignore[attr-defined]
    assert bar.value() == 0
    # Tab to the form's first field: where the typing goes is in view
    press(Qt.Key.Key_Tab)
    focus = QApplication.focusWidget()
    assert focus is page.account  # type: ignore[attr-defined]
    qtbot.wait(50)
    left = focus.mapTo(holder.viewport(), focus.rect().topLeft()).x()
    assert 0 <= left <= holder.viewport().width() - 50, left


def test_every_queue_tab_is_in_sight_at_683(ctx: GuiContext, qtbot: QtBot) -> None:
    """At 200 % (1366×768 is 683×384) or on half a screen the queue's six tabs overran the
        page: 逾期, 全部未結 and 線上申辦 were behind the tab bar's scroll arrows. Every tab shows
        now, its count read and its name (elided in its middle when short of room, whole with its
    Alt key in the tooltip)."""
    window = _window(ctx, qtbot, 683, 384)
    page = window.pages[QUEUE_PAGE]
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=20000)
    tabs = page.tabs  # type: ignore[attr-defined]
    QApplication.processEvents()
    holder = window.holders[page]
    assert holder.horizontalScrollBar().maximum() == 0, (tabs.minimumSizeHint(), holder.width())
    for i in range(tabs.count()):
        rect = tabs.tabRect(i)
        assert rect.left() >= 0 and rect.right() < tabs.width(), (i, rect, tabs.width())
        text = tabs.shown_text(i)  # as painted, before eliding
        # its name elided at most, its count whole
        name, _, count = text.split("  Alt+")[0].partition(" ")
        width = rect.width() - 2 * TAB_TEXT_MARGIN  # clear of the tab's edges
        shown = tabs.painted_text(i, width) if tabs.compact else text
        assert tabs.fontMetrics().horizontalAdvance(shown) <= width, (text, shown)
        assert shown[0] == name[0] and shown.endswith(count or "…"), (text, shown)
        # the key: on the tab, or else in its tooltip (and always in what a screen reader reads)
        assert tabs.tabText(i).endswith(f"  Alt+{i + 1}")
        assert f"Alt+{i + 1}" in text or tabs.tabToolTip(i) == tabs.tabText(i)
    # the keys still switch
    press(Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert tabs.currentIndex() == 3


def test_the_queue_tabs_keep_their_keys_where_there_is_room(ctx: GuiContext, qtbot: QtBot) -> None:
    window = _window(ctx, qtbot, 1366, 728)
    tabs = window.pages[QUEUE_PAGE].tabs  # type: ignore[attr-defined]
    assert not tabs.compact
    assert [tabs.shown_text(i).endswith(f"  Alt+{i + 1}") for i in range(tabs.count())] == [
        True
    ] * 6


PAYMENT_PAGE = "eservice_desktop.gui.payment_page"


def _inside(widget: QWidget, holder: QScrollArea) -> bool:
    left = widget.mapTo(holder.viewport(), widget.rect().topLeft()).x()
    return left >= 0 and left + widget.width() <= holder.viewport().width()


def test_the_fees_page_fits_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    """The row of 份數, 免徵, 減免, 原因 and 核定規費 kept the fees page 550 px wide: at 683 px
    (half a screen, or 200 %) the page scrolled sideways, 核定規費 and the fee table's 金額
    off screen. The row wraps; nothing of it overlaps what is under it."""
    window = _window(ctx, qtbot, 683)
    page = window.show_page(PAYMENT_PAGE)
    qtbot.wait(50)
    holder = window.holders[page]
    assert holder.horizontalScrollBar().maximum() == 0, page.minimumSizeHint()
    row = (page.copies_spin, page.exempt_box, page.reduction_spin, page.reason_combo)  # type: ignore[attr-defined]
    for widget in (*row, page.assess_btn, page.items_table):  # type: ignore[attr-defined]
        assert _inside(widget, holder), widget.objectName()
    under = page.totals.mapTo(page, page.totals.rect().topLeft()).y()  # type: ignore[attr-defined]
    for widget in (*row, page.assess_btn):  # type: ignore[attr-defined]
        assert widget.mapTo(page, widget.rect().bottomLeft()).y() < under, widget.objectName()


def test_the_fees_row_stays_one_line_where_there_is_room(ctx: GuiContext, qtbot: QtBot) -> None:
    window = _window(ctx, qtbot, 1366, 728)
    page = window.show_page(PAYMENT_PAGE)
    qtbot.wait(50)
    tops = {w.mapTo(page, w.rect().center()).y() for w in (page.copies_spin, page.assess_btn)}  # type: ignore[attr-defined]
    assert len(tops) == 1


REPORTS_PAGE = "eservice_desktop.gui.reports_page"


def test_the_reports_page_fits_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    """報表種類, 起日, 迄日 and 產生報表 on one row kept the page 602 px wide: at 683 px the page
    scrolled sideways, 迄日 cut and 產生報表 off screen. The row wraps, each label with its
    field."""
    window = _window(ctx, qtbot, 683)
    page = window.show_page(REPORTS_PAGE)
    qtbot.wait(50)
    holder = window.holders[page]
    assert holder.horizontalScrollBar().maximum() == 0, page.minimumSizeHint()
    for widget in (page.kind_combo, page.from_edit, page.to_edit, page.compute_btn):  # type: ignore[attr-defined]
        assert _inside(widget, holder), widget.objectName()
    heading = page.error_label.mapTo(page, page.error_label.rect().topLeft()).y()  # type: ignore[attr-defined]
    bottom = page.compute_btn.mapTo(page, page.compute_btn.rect().bottomLeft()).y()  # type: ignore[attr-defined]
    assert bottom < heading


def test_the_report_query_stays_one_line_where_there_is_room(ctx: GuiContext, qtbot: QtBot) -> None:
    window = _window(ctx, qtbot, 1366, 728)
    page = window.show_page(REPORTS_PAGE)
    qtbot.wait(50)
    row = (page.kind_combo, page.to_edit, page.compute_btn)  # type: ignore[attr-defined]
    centres = [w.mapTo(page, w.rect().center()).y() for w in row]
    assert max(centres) - min(centres) <= 1, centres  # one line (centred to a pixel)
