"""A pickup code scanned while another page is in front (gui/stray_scans.py): it never reaches
the field with the focus, the clerk is told and offered the pickup desk, which checks it; any
other scan reaches the field as typed, its Enter with it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.gui.window_pages import INTAKE_PAGE, QUEUE_PAGE
from eservice_desktop.services import pickup_keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gui_keys import open_window
from keystrokes import HUMAN_MS, burst, key, keys
from pickup_support import County, ready_case

PICKUP_PAGE = "eservice_desktop.gui.pickup_desk"


@pytest.fixture
def county(ctx: GuiContext) -> County:
    c = County()
    pickup_keys.import_county_keys(ctx.app, c.document())
    return c


def _focused(qtbot: QtBot, ctx: GuiContext, path: str, field: str) -> tuple[Any, Any, Any]:
    """The window on page ``path`` with the focus in its ``field``: (window, page, field)."""
    window = open_window(qtbot, ctx)
    page = window.show_page(path)
    widget = getattr(page, field)
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    return window, page, widget


def _box(qtbot: QtBot) -> QMessageBox:
    found: list[QMessageBox] = []

    def shown() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "stray_scan_box" and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=3000)
    return found[0]


def test_a_pickup_code_scanned_on_intake_is_kept_out_of_the_name_and_goes_to_the_desk(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    _number, token = ready_case(ctx.app, county)
    window, _form, name = _focused(qtbot, ctx, INTAKE_PAGE, "applicant_name")
    keys(name, "Chen", HUMAN_MS, enter=False)  # the clerk's own typing reaches the field
    qtbot.waitUntil(lambda: name.text() == "Chen", timeout=2000)
    burst(name, token)
    box = _box(qtbot)
    assert name.text() == "Chen"  # not a character of the code, nor its Enter
    assert "領件條碼" in window.statusBar().currentMessage()
    assert window.operator_label.isVisible()
    box.button(QMessageBox.StandardButton.Yes).click()
    desk = window.pages[PICKUP_PAGE]
    assert isinstance(desk, PickupDesk)
    qtbot.waitUntil(lambda: window.current_page() is desk, timeout=3000)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    assert desk.payload == token
    # the intake form kept what the clerk typed, and nothing else
    window.show_page(INTAKE_PAGE)
    assert name.text() == "Chen"


def test_declined_the_desk_is_not_opened_and_the_field_stays_as_it_was(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    _number, token = ready_case(ctx.app, county)
    window, queue, search = _focused(qtbot, ctx, QUEUE_PAGE, "search_box")
    burst(search, token)
    box = _box(qtbot)
    assert search.text() == ""
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.wait(50)
    assert window.current_page() is queue and search.text() == ""
    assert PICKUP_PAGE not in window.pages.built


def test_a_pickup_code_scanned_on_the_fees_page_is_no_case_number_and_goes_to_the_desk(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    """The fees page catches every scan as a number to look up: a citizen's pickup code filled
    案號 with its 168 characters and was answered 查無此案件."""
    _number, token = ready_case(ctx.app, county)
    window, page, field = _focused(qtbot, ctx, "eservice_desktop.gui.payment_page", "case_edit")
    burst(field, token)
    box = _box(qtbot)
    assert field.text() == "" and page.current is None
    assert "領件條碼" in window.statusBar().currentMessage()
    box.button(QMessageBox.StandardButton.Yes).click()
    desk = window.pages[PICKUP_PAGE]
    qtbot.waitUntil(lambda: window.current_page() is desk, timeout=3000)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    assert desk.payload == token


def test_another_scan_reaches_the_field_as_typed(ctx: GuiContext, qtbot: QtBot) -> None:
    """A case number scanned into the queue's search box is typed there, Enter and all (which
    opens the case found)."""
    from factories import request

    from eservice_desktop.services.intake import intake

    number = intake(ctx.app, request()).case_number
    window, _queue, search = _focused(qtbot, ctx, QUEUE_PAGE, "search_box")
    burst(search, number)  # Enter in the search box opens the first result
    qtbot.waitUntil(lambda: search.text() == number, timeout=3000)
    qtbot.waitUntil(
        lambda: (
            window.built_case_detail is not None
            and window.current_page() is window.built_case_detail
        ),
        timeout=5000,
    )
    assert not [w for w in QApplication.topLevelWidgets() if w.objectName() == "stray_scan_box"]


def test_said_in_english_at_an_english_counter(
    ctx: GuiContext, qtbot: QtBot, county: County, qapp: QApplication
) -> None:
    from eservice_desktop.gui.i18n import install_translators, remove_translators

    _number, token = ready_case(ctx.app, county)
    ctx.lang = "en"
    translators = install_translators(qapp, "en")
    try:
        window, _form, name = _focused(qtbot, ctx, INTAKE_PAGE, "applicant_name")
        burst(name, token)
        box = _box(qtbot)
        assert box.text().startswith("What was scanned is a citizen's pickup code")
        assert window.statusBar().currentMessage().startswith("A pickup code was scanned")
        box.button(QMessageBox.StandardButton.No).click()
    finally:
        remove_translators(qapp, translators)


def test_typing_that_opens_the_completer_keeps_its_order(ctx: GuiContext, qtbot: QtBot) -> None:
    """A capital the catcher holds (it may begin a pickup code) and the next key arriving at the
    completer's list, which opened meanwhile and hands keys to the field: the next key passed at
    once, the capital later, and 申辦項目 read H-RTRANSCRIPT for HR-TRANSCRIPT typed."""
    window = open_window(qtbot, ctx)
    form = window.show_page(INTAKE_PAGE)
    combo = form.service_combo  # type: ignore[attr-defined]
    field = combo.lineEdit()
    combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo)
    keys(combo, "R", HUMAN_MS, enter=False)  # held for the burst's 30 ms
    completer = combo.completer()
    completer.complete()  # the list opens over the field, as typing opened it
    qtbot.waitUntil(lambda: completer.popup().isVisible())
    key(completer.popup(), Qt.Key.Key_Minus, "-", HUMAN_MS)
    qtbot.waitUntil(lambda: len(field.text()) == 2, timeout=3000)
    assert field.text() == "R-"


def test_a_second_code_scanned_while_the_desk_is_offered_is_the_one_checked(
    ctx: GuiContext, qtbot: QtBot, county: County
) -> None:
    """The offer of the desk open, the next citizen's code scanned: its Enter answered the offer
    (Yes) and the desk checked the first code, the second lost. The offer now takes the new
    code, says so, and the desk checks it."""
    _first, token = ready_case(ctx.app, county)
    second, other = ready_case(ctx.app, county, "0428", applicant_id="B123456780")
    window, _queue, search = _focused(qtbot, ctx, QUEUE_PAGE, "search_box")
    burst(search, token)
    box = _box(qtbot)
    box.activateWindow()  # as the window manager does with a dialog that opens

    def in_box() -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and focus.window() is box

    qtbot.waitUntil(in_box)
    burst(QApplication.focusWidget(), other)
    qtbot.wait(100)
    assert box.isVisible()  # the scan's Enter did not answer it
    assert "最後掃描" in box.informativeText()
    key(QApplication.focusWidget(), Qt.Key.Key_Return, "\r", HUMAN_MS)  # the clerk's Enter: Yes
    desk = window.pages[PICKUP_PAGE]
    assert isinstance(desk, PickupDesk)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=10000)
    assert desk.payload == other and desk.result.case_number == second
