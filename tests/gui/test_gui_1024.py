"""At 1024×700, the smallest screen a counter may have, the pickup desk's ready list and the
intake form's errors in English are readable: no column or message cut, none under a scroll
bar."""

from __future__ import annotations

import sys
from pathlib import Path

from gui_keys import open_window
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QScrollArea, QTableWidget, QWidget

from eservice_desktop.gui.context import GuiContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickup_support import ready_with_county_keys

SMALL = (1024, 700)


def english(qapp, ctx: GuiContext) -> list[object]:  # type: ignore[no-untyped-def]
    from eservice_desktop.gui.i18n import install_translators

    ctx.lang = "en"
    return install_translators(qapp, "en")


def shows_whole(table: QTableWidget, row: int, col: int) -> bool:
    """The cell's text fits its cell, on one line or wrapped onto several."""
    item = table.item(row, col)
    width = table.columnWidth(col) - 2 * 4  # the style's text margins
    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
    rect = QFontMetrics(table.font()).boundingRect(QRect(0, 0, width, 10_000), flags, item.text())
    one_line = QFontMetrics(table.font()).horizontalAdvance(item.text()) <= width
    return one_line or (table.wordWrap() and rect.height() <= table.rowHeight(row))


def test_the_pickup_ready_list_is_readable_at_1024(qtbot, ctx: GuiContext, qapp) -> None:  # type: ignore[no-untyped-def]
    from eservice_desktop.gui.i18n import remove_translators

    translators = english(qapp, ctx)
    try:
        for _ in range(3):
            ready_with_county_keys(ctx.app)
        window = open_window(qtbot, ctx)
        window.resize(*SMALL)
        desk = window.show_page("eservice_desktop.gui.pickup_desk")
        table: QTableWidget = desk.ready_table  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: table.rowCount() == 3, timeout=5000)
        ctx.tasks.wait_idle()
        qtbot.wait(50)  # the columns are fitted once the rows are in
        header = table.horizontalHeader()
        # 應繳 is money still to pay: "Due" alone read as a date, and the column looked empty
        assert table.horizontalHeaderItem(4).text() == "Fees due"
        for col in range(table.columnCount()):
            assert header.sectionSize(col) >= header.sectionSizeFromContents(col).width(), col
            for row in range(table.rowCount()):
                item = table.item(row, col)
                # The long English service name wraps onto two lines at most (it took five,
                # four rows filled the list); the rest is elided, the whole name its tooltip.
                whole = shows_whole(table, row, col)
                assert whole or (col == 2 and item.toolTip() == item.text()), (row, col)
        assert not table.horizontalScrollBar().isVisible()
        total = sum(header.sectionSize(c) for c in range(table.columnCount()))
        assert total <= table.viewport().width()  # the 應繳 column was pushed off by 13 px
        two_lines = 2 * QFontMetrics(table.font()).lineSpacing() + 10
        assert all(table.rowHeight(r) <= two_lines for r in range(table.rowCount()))
    finally:
        remove_translators(qapp, translators)


def inside(widget: QWidget, area: QScrollArea) -> bool:
    """``widget`` lies within the scroll area's viewport, left to right."""
    left = widget.mapTo(area.viewport(), QPoint(0, 0)).x()
    return left >= 0 and left + widget.width() <= area.viewport().width()


def test_intake_errors_in_english_stay_readable_at_1024(qtbot, ctx: GuiContext, qapp) -> None:  # type: ignore[no-untyped-def]
    from eservice_desktop.gui.i18n import remove_translators

    translators = english(qapp, ctx)
    try:
        window = open_window(qtbot, ctx)
        window.resize(*SMALL)
        form = window.show_page("eservice_desktop.gui.intake_form")
        form.submit()  # type: ignore[attr-defined]
        ctx.tasks.wait_idle()
        qtbot.wait(50)
        area = form.findChild(QScrollArea)
        assert area is not None
        assert not area.horizontalScrollBar().isVisible()
        shown = [
            label
            for label in [*form.error_labels.values(), form.form_error]  # type: ignore[attr-defined]
            if isinstance(label, QLabel) and label.text() and label.isVisible()
        ]
        assert len(shown) >= 2  # the service and the applicant at least
        for label in shown:
            assert inside(label, area), label.objectName()
            needed = label.heightForWidth(label.width()) if label.wordWrap() else 0
            assert label.wordWrap() or (
                QFontMetrics(label.font()).horizontalAdvance(label.text()) <= label.width()
            ), label.objectName()
            assert label.height() >= needed, label.objectName()
    finally:
        remove_translators(qapp, translators)


def test_a_refusal_beside_its_fee_field_is_readable_at_1024(qtbot, ctx: GuiContext, qapp) -> None:  # type: ignore[no-untyped-def]
    from factories import new_case

    from eservice_desktop.gui.i18n import remove_translators

    translators = english(qapp, ctx)
    try:
        number = new_case(ctx.app, name="王小明")
        window = open_window(qtbot, ctx)
        window.resize(*SMALL)
        page = window.show_page("eservice_desktop.gui.payment_page")
        page.load(number)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: page.current is not None, timeout=5000)  # type: ignore[attr-defined]
        page.tendered_spin.setValue(1)  # type: ignore[attr-defined]
        page.pay()  # type: ignore[attr-defined]
        qtbot.wait(50)
        area = window.findChild(QScrollArea, "holder_payment_page")
        assert area is not None
        # a long exemption reason in the list does not widen the page
        assert not area.horizontalScrollBar().isVisible()
        label = page.field_errors["tendered"]  # type: ignore[attr-defined]
        assert label.text() == "Cash tendered 1 is less than the amount 15"
        assert inside(label, area)
        assert QFontMetrics(label.font()).horizontalAdvance(label.text()) <= label.width()
    finally:
        remove_translators(qapp, translators)


def test_the_english_case_detail_with_fees_due_fits_the_page(qtbot, ctx: GuiContext, qapp) -> None:  # type: ignore[no-untyped-def]
    """Why closing needs a supervisor (fees due) is a long sentence in English: it wraps beside
    the buttons instead of widening the page past the window (a horizontal scroll bar, the
    required documents and the resend button cut at the right edge)."""
    from factories import new_case

    from eservice_desktop.gui.i18n import remove_translators

    translators = english(qapp, ctx)
    try:
        number = new_case(ctx.app)  # NT$15 due
        window = open_window(qtbot, ctx)
        for size in ((1366, 768), SMALL):
            window.resize(*size)
            ctx.open_case_requested.emit(number)
            detail = window.case_detail
            qtbot.waitUntil(lambda d=detail: d.view is not None, timeout=3000)
            qtbot.wait(50)
            assert detail.close_reason.text().startswith("NT$15 in fees still due")
            scroll = detail.parentWidget()
            while not isinstance(scroll, QScrollArea):
                scroll = scroll.parentWidget()
            assert detail.minimumSizeHint().width() <= scroll.viewport().width(), size
            assert not scroll.horizontalScrollBar().isVisible(), size
            right = detail.resend_button.mapTo(scroll.viewport(), QPoint(0, 0)).x()
            assert right + detail.resend_button.width() <= scroll.viewport().width(), size
    finally:
        remove_translators(qapp, translators)


def test_a_web_case_to_accept_fits_the_english_page(qtbot, ctx: GuiContext, qapp) -> None:  # type: ignore[no-untyped-def]
    """A web case waiting for 收件 shows 線上收件 beside the other actions: in English the row
    of buttons was wider than the page at 1024 px, which scrolled sideways."""
    from datetime import UTC, datetime, timedelta

    from test_gui_online_queue import _pulled_web_case

    from eservice_desktop.gui.i18n import remove_translators

    translators = english(qapp, ctx)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        number = _pulled_web_case(ctx, now - timedelta(hours=1), now + timedelta(days=2))
        window = open_window(qtbot, ctx)
        window.resize(*SMALL)
        ctx.open_case_requested.emit(number)
        detail = window.case_detail
        qtbot.waitUntil(lambda: detail.view is not None, timeout=3000)
        qtbot.waitUntil(detail.accept_button.isVisible, timeout=3000)
        qtbot.wait(50)
        scroll = detail.parentWidget()
        while not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        assert detail.minimumSizeHint().width() <= scroll.viewport().width()
        assert not scroll.horizontalScrollBar().isVisible()
    finally:
        remove_translators(qapp, translators)
