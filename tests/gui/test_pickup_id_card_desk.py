"""The pickup desk's ID-card path by keyboard alone: Alt+I, the ID number, Enter looks the SMS
case up, Enter on 確認交付 hands it over (via the ID card); a wrong check digit is said with
the number kept, selected, to be corrected."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.services import cases, pickup_keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from keystrokes import HUMAN_MS, burst, key, keys
from pickup_support import County, ready_case, sms_ready


def test_an_sms_case_is_looked_up_by_id_and_handed_over_by_keyboard(
    desk: PickupDesk, qtbot: QtBot, ctx: GuiContext
) -> None:
    number = sms_ready(ctx.app)
    other = sms_ready(ctx.app, applicant_id="B123456780")
    desk.scan_edit.setFocus()
    qtbot.keyClick(desk, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.id_edit, timeout=2000)
    keys(desk.id_edit, "A123456788", HUMAN_MS)  # a wrong check digit
    qtbot.waitUntil(lambda: "檢查碼" in desk.message_label.text(), timeout=5000)
    assert desk.id_edit.selectedText() == "A123456788"  # kept, typing replaces it
    assert not desk.confirm_button.isEnabled()

    keys(desk.id_edit, "B123456780", HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    assert desk.case_labels["case_number"].text() == other
    keys(desk.id_edit, "A123456788", HUMAN_MS)  # a typo: the other citizen's case leaves
    qtbot.waitUntil(lambda: desk.result is not None and not desk.result.ok, timeout=5000)
    assert desk.case_labels["case_number"].text() == "" and not desk.confirm_button.isEnabled()
    desk.id_edit.clear()

    keys(desk.id_edit, "A123456789", HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    assert desk.case_labels["case_number"].text() == number
    assert "A12345****" in desk.case_labels["applicant"].text()
    assert desk.id_edit.text() == ""  # free for the next citizen
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.confirm_button, timeout=2000)
    key(desk.confirm_button, Qt.Key.Key_Return, "\r", HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=5000)
    assert desk.result.via == "id_card"
    assert cases.load_case(ctx.app, number).lifecycle == "picked_up"


def test_a_refused_id_left_on_the_desk_goes_with_the_next_handover(
    desk: PickupDesk, qtbot: QtBot, ctx: GuiContext
) -> None:
    """An ID refused (a wrong check digit) stays, selected, to be corrected; the clerk scanned
    the next citizen's code instead and handed over, and the earlier ID stayed on the desk
    for every citizen after."""
    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    number, token = ready_case(ctx.app, county, applicant_id="B123456780")
    desk.id_edit.setFocus()
    keys(desk.id_edit, "A123456788", HUMAN_MS)
    qtbot.waitUntil(lambda: "檢查碼" in desk.message_label.text(), timeout=5000)
    desk.scan_edit.setFocus()
    burst(desk.scan_edit, token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    assert desk.case_labels["case_number"].text() == number
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.confirm_button, timeout=2000)
    key(desk.confirm_button, Qt.Key.Key_Return, "\r", HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=5000)
    assert desk.id_edit.text() == "" and desk.id_number_edit.text() == ""


def test_a_refused_id_goes_as_soon_as_the_next_citizen_s_code_is_scanned(
    desk: PickupDesk, qtbot: QtBot, ctx: GuiContext
) -> None:
    """An ID refused, then the next citizen's code scanned: until a handover the first
    citizen's ID number stayed on the desk beside the next one's case (for good when that code
    was refused too: expired, another office's), for Alt+U to look up again."""
    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    number, token = ready_case(ctx.app, county, applicant_id="B123456780")
    desk.id_edit.setFocus()
    keys(desk.id_edit, "A123456788", HUMAN_MS)
    qtbot.waitUntil(lambda: "檢查碼" in desk.message_label.text(), timeout=5000)
    desk.id_number_edit.setText("6249")
    desk.scan_edit.setFocus()
    burst(desk.scan_edit, token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    assert desk.case_labels["case_number"].text() == number
    assert desk.id_edit.text() == "" and desk.id_number_edit.text() == ""


def test_a_code_refused_before_the_id_card_does_not_stay_for_the_next_citizen(
    desk: PickupDesk, qtbot: QtBot, ctx: GuiContext
) -> None:
    """The citizen read out a short code that was refused (expired), the clerk took the ID card
    instead and handed over: the refused code stayed in the code field, the focus there, and the
    next citizen's short code was typed onto its end and refused as malformed."""
    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    first = sms_ready(ctx.app)
    second, token = ready_case(ctx.app, county, applicant_id="B123456780")
    desk.scan_edit.setFocus()
    keys(desk.scan_edit, "6249-K7M3", HUMAN_MS)  # no code was ever sent for this case
    qtbot.waitUntil(lambda: desk.result is not None and not desk.result.ok, timeout=5000)
    assert desk.scan_edit.selectedText() == "6249-K7M3"
    qtbot.keyClick(desk, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.id_edit, timeout=2000)
    keys(desk.id_edit, "A123456789", HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.confirm_button, timeout=2000)
    key(desk.confirm_button, Qt.Key.Key_Return, "\r", HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=5000)
    assert desk.result.case_number == first
    assert desk.scan_edit.text() == ""
    assert QApplication.focusWidget() is desk.scan_edit

    desk.result = None
    keys(desk.scan_edit, pt.short_code(token), HUMAN_MS)  # the next citizen reads theirs out
    qtbot.waitUntil(lambda: desk.result is not None, timeout=5000)
    assert desk.result.ok and desk.result.case_number == second
