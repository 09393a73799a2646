"""The mouse wheel scrolls the page and changes no value: scrolling the fees page with the
pointer resting on 收現 turned 0 元 into 6 元 (and 本次收費 would step the amount charged)."""

from __future__ import annotations

from factories import new_case
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QScrollArea, QWidget

from eservice_desktop.gui import keyboard
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage


def _wheel_over(widget: QWidget, notches: int) -> None:
    """``notches`` turns of the wheel towards the user (down the page) over ``widget``'s
    centre, as the window system delivers them."""
    window = widget.window().windowHandle()
    at = widget.mapTo(widget.window(), widget.rect().center())
    for _ in range(notches):
        QTest.wheelEvent(window, at, QPoint(0, -120))


def _shown_in_scroll(page: QWidget, qtbot) -> QScrollArea:  # type: ignore[no-untyped-def]
    """The page in a short scroll area, as the window holds it on a 768-line screen."""
    holder = QScrollArea()
    qtbot.addWidget(holder)
    holder.setWidget(page)
    holder.setWidgetResizable(True)
    holder.resize(1000, 380)
    holder.show()
    qtbot.waitExposed(holder)
    return holder


def test_the_wheel_over_the_amounts_scrolls_the_fees_page_and_leaves_them(
    sync_ctx: GuiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    keyboard.install()
    page = PaymentPage(sync_ctx)
    page.load(new_case(sync_ctx.app, name="陳堃", copies=2))
    holder = _shown_in_scroll(page, qtbot)
    holder.ensureWidgetVisible(page.amount_spin)
    charged, tendered = page.amount_spin.value(), page.tendered_spin.value()
    assert charged > 0
    scrolled = holder.verticalScrollBar().value()

    _wheel_over(page.tendered_spin, 2)
    _wheel_over(page.amount_spin, 2)

    assert (page.amount_spin.value(), page.tendered_spin.value()) == (charged, tendered)
    assert holder.verticalScrollBar().value() > scrolled  # the page moved instead
    assert not page.amount_spin.hasFocus() and not page.tendered_spin.hasFocus()


def test_no_spin_box_or_drop_down_of_the_fees_page_takes_the_focus_by_wheel(
    sync_ctx: GuiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    keyboard.install()
    page = PaymentPage(sync_ctx)
    holder = _shown_in_scroll(page, qtbot)
    stepped = page.findChildren(QAbstractSpinBox) + page.findChildren(QComboBox)
    assert stepped
    assert all(w.focusPolicy() == Qt.FocusPolicy.StrongFocus for w in stepped)
    assert holder.widget() is page
