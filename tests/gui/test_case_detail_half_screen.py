"""The case detail on half a screen or at 200 % (683×384: the page 436 px beside the identity
dock), in the screen's font: its row of 通知補正, 補正完成, 結案 (with why it needs a supervisor
beside it), 駁回 and 撤件 kept the page 505 px wide; the page scrolled sideways, the required
documents cut at the right edge, 撤件 half off screen, and each Tab along the row scrolled the
page from side to side. The buttons wrap onto more lines, the reason under them."""

from __future__ import annotations

from typing import Any

import pytest
from factories import new_case
from gui_keys import open_case_detail, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.lookup_panel import LookupPanel


def _sideways_inside(widget: QWidget, holder: QScrollArea) -> bool:
    left = widget.mapTo(holder.viewport(), widget.rect().topLeft()).x()
    return left >= 0 and left + widget.width() <= holder.viewport().width()


def _in_sight(widget: QWidget, holder: QScrollArea) -> bool:
    top = widget.mapTo(holder.viewport(), widget.rect().topLeft()).y()
    return _sideways_inside(widget, holder) and 0 <= top <= holder.viewport().height() - 10


def _detail_at_half_screen(qtbot: QtBot, ctx: GuiContext, number: str) -> tuple[Any, Any]:
    """The case detail at 683 px, checked not to scroll sideways: (the page, its holder)."""
    window, detail = open_case_detail(qtbot, ctx, number)
    window.resize(683, 384)
    qtbot.wait(50)
    holder = window.holders[detail]
    assert holder.horizontalScrollBar().maximum() == 0, (
        detail.minimumSizeHint(),
        holder.viewport().width(),
    )
    return detail, holder


@pytest.mark.usefixtures("screen_font")
def test_the_case_detail_fits_half_a_screen(ctx: GuiContext, qtbot: QtBot) -> None:
    number = new_case(ctx.app)  # NT$15 due: 結案 says why it needs a supervisor
    detail, holder = _detail_at_half_screen(qtbot, ctx, number)
    reason = detail.close_reason
    assert reason.text().startswith("尚有規費 15 元未繳")
    assert _sideways_inside(reason, holder)
    assert reason.height() >= reason.heightForWidth(reason.width())  # every line of it
    for widget in (detail.documents_label, detail.resend_button, detail.reason_edit):
        assert _sideways_inside(widget, holder), widget.objectName()
    # from 理由 along the buttons with Tab: each in sight as it takes the focus
    detail.reason_edit.setFocus()
    qtbot.waitUntil(detail.reason_edit.hasFocus)
    buttons = [
        b
        for b in (
            detail.supplement_button,
            detail.received_button,
            detail.close_button,
            detail.reject_button,
            detail.cancel_button,
        )
        if b.isEnabled()
    ]
    assert detail.cancel_button in buttons
    for button in buttons:
        press(Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is button
        qtbot.wait(20)  # scrolled into view
        assert _in_sight(button, holder), button.objectName()


@pytest.mark.usefixtures("screen_font")
def test_the_english_case_detail_fits_half_a_screen(
    ctx: GuiContext, qtbot: QtBot, qapp: QApplication
) -> None:
    """In English the page was 583 px wide at 683 px (the page 404 px beside the wider English
    dock): the service's name on one line (432 px) and the look-up's row of Document kind,
    Citizen consents now, Document-free lookup and its outcome (524 px). The header's values
    wrap, and the look-up's row wraps with its outcome under it."""
    translators = install_translators(qapp, "en")
    ctx.lang = ctx.tasks.lang = "en"
    try:
        number = new_case(ctx.app)
        detail, holder = _detail_at_half_screen(qtbot, ctx, number)
        service = detail.service_label
        assert service.text().startswith("Household registration transcript")
        assert _sideways_inside(service, holder)
        assert service.height() >= service.heightForWidth(service.width())
        lookup = detail.findChild(LookupPanel)
        assert lookup is not None
        for widget in (lookup.kind, lookup.consent, lookup.button, detail.cancel_button):
            assert _sideways_inside(widget, holder), widget.objectName()
    finally:
        remove_translators(qapp, translators)
