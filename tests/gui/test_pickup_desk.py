"""The pickup desk page: a scanner burst is caught whatever has focus, a human is not a scanner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.devices.scanner import WedgeDecoder, WedgeRules
from eservice_desktop.domain import pickup_token as pt
from eservice_desktop.gui import qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.pickup_desk import PickupDesk, key_char
from eservice_desktop.gui.qt_print import make_printer
from eservice_desktop.services import cases, pickup, pickup_keys
from eservice_desktop.services.core import App
from eservice_desktop.services.pickup_views import PickupCaseView

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from keystrokes import HUMAN_MS, SCANNER_MS, burst, key, keys
from pickup_support import County, ready_case, ready_with_county_keys


@pytest.fixture
def ready(app: App) -> tuple[str, str]:
    return ready_with_county_keys(app)


def focus(qtbot: QtBot, widget: object) -> None:
    widget.setFocus()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


def test_burst_in_a_text_field_brings_up_the_case_and_leaves_the_field_alone(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot, ctx: GuiContext
) -> None:
    number, token = ready
    desk.refresh_ready()
    qtbot.waitUntil(lambda: desk.ready_table.rowCount() == 1)
    desk.proxy_name.setText("陳")
    focus(qtbot, desk.proxy_name)
    burst(desk.proxy_name, token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    assert desk.proxy_name.text() == "陳"
    assert desk.case_labels["case_number"].text() == number
    assert "A12345****" in desk.case_labels["applicant"].text()
    assert "戶籍謄本" in desk.case_labels["documents"].text()
    assert desk.confirm_button.isEnabled()

    desk.proxy_name.clear()
    desk.confirm_button.click()
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=5000)
    assert cases.load_case(ctx.app, number).lifecycle == "picked_up"
    assert desk.slip_button.isEnabled()
    # handed over: the name masked for whoever stands next in the queue (it stayed in full)
    name = cases.load_case(ctx.app, number).applicant_name
    shown = desk.case_labels["applicant"].text()
    assert name not in shown and shown.startswith(name[0]) and "A12345****" in shown
    qtbot.waitUntil(lambda: desk.ready_table.rowCount() == 0)

    # The pickup slip: archived as a PDF and printed through Qt, off the UI thread.
    printed = ctx.app.settings.data_dir / "printer-out.pdf"
    desk.print_slip(printer=make_printer(output_pdf=printed))
    archived = ctx.app.settings.data_dir / "pickup-slips" / f"{number}.pdf.sealed"
    qtbot.waitUntil(lambda: printed.exists() and printed.stat().st_size > 1000, timeout=15000)
    assert not archived.read_bytes().startswith(b"%PDF")  # archived encrypted
    assert ctx.app.sealer is not None
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=ctx.app.sealer.read(archived),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert number in text and "A12345****" in text

    # The same code again: refused, said plainly.
    focus(qtbot, desk.scan_edit)
    burst(desk.scan_edit, token)
    qtbot.waitUntil(lambda: desk.result is not None and not desk.result.ok, timeout=5000)
    assert desk.result.reason == "already_picked_up"
    assert "已於" in desk.message_label.text()
    assert desk.scan_edit.text() == ""
    assert not desk.confirm_button.isEnabled()


def test_slow_human_typing_is_not_a_scan(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot
) -> None:
    focus(qtbot, desk.proxy_relation)
    keys(desk.proxy_relation, "ABCDEFGH", HUMAN_MS)
    qtbot.wait(100)  # the wedge filter's quiet timer releases anything it held
    assert desk.proxy_relation.text() == "ABCDEFGH"
    assert desk.result is None


def test_burst_with_zhuyin_layout_text_is_decoded_from_key_codes(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot
) -> None:
    """A Traditional Chinese (Zhuyin) layout reports bopomofo text for the keys a scanner
    presses; the code is read from the key codes and nothing lands in the field."""
    _, token = ready
    zhuyin = dict(zip("1QAZ2WSX", "ㄅㄆㄇㄈㄉㄊㄋㄌ", strict=True))
    focus(qtbot, desk.proxy_name)
    for ch in token:
        for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                desk.proxy_name,
                QKeyEvent(
                    etype, ord(ch), Qt.KeyboardModifier.NoModifier, zhuyin.get(ch, ch.lower())
                ),
            )
    QApplication.sendEvent(
        desk.proxy_name,
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier, "\r"),
    )
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    assert desk.proxy_name.text() == ""


def test_refusal_shows_reason_for_garbage_typed_in_scan_field(
    desk: PickupDesk, qtbot: QtBot
) -> None:
    focus(qtbot, desk.scan_edit)
    desk.scan_edit.setText("HELLO")
    qtbot.keyClick(desk.scan_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=5000)
    assert desk.result.reason == "malformed"
    # typed, short: said as a short code with a character too many or too few
    assert "領件號碼應為 4 位數字" in desk.message_label.text()


def test_wedge_decoder_rules() -> None:
    d = WedgeDecoder(WedgeRules(prefix="~", suffix="\r", max_interkey_ms=30, min_length=4))
    t = 0.0
    assert d.feed("~", t).action == "hold"
    for ch in "ABCD":
        t += 5
        assert d.feed(ch, t).action == "hold"
    r = d.feed("\r", t + 5)
    assert (r.action, r.text) == ("scan", "ABCD")
    # Without the prefix the keys go straight through.
    r = d.feed("A", 1000.0)
    assert (r.action, r.release) == ("pass", 0)
    # A gap releases what was held.
    d2 = WedgeDecoder(WedgeRules(max_interkey_ms=30))
    d2.feed("A", 0.0)
    d2.feed("B", 10.0)
    assert d2.expire(100.0) == 2
    assert key_char(Qt.Key.Key_Q.value, "ㄆ") == "Q"


def test_not_synced_offers_online_look_up(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot, app: App
) -> None:
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    desk.scan(county.token())
    qtbot.waitUntil(lambda: desk.result is not None, timeout=5000)
    assert desk.result.reason == "not_synced"
    assert desk.online_button.isVisible()
    assert not desk.confirm_button.isEnabled()


@pytest.mark.xvfb
def test_real_x11_keystrokes_scanner_versus_clerk(tmp_path: Path) -> None:
    """Real key events from the X server (xdotool on Xvfb), through xcb into Qt."""
    import json
    import os
    import shutil
    import subprocess

    display = os.environ.get("ESERVICE_TEST_DISPLAY")
    if not display:
        pytest.fail("ESERVICE_TEST_DISPLAY is not set: run the suite through `make test`")
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is required (tools/apt-packages.txt)")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display}
    env.pop("ESERVICE_DATA_DIR", None)
    script = Path(__file__).with_name("pickup_x11_wedge.py")
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=110
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["scan_reason"] == "ok", out
    assert out["scan_case"] == out["case_number"]
    assert out["name_field_after_scan"] == ""
    assert out["relation_field_after_typing"] == "ABCDEFGH"
    assert out["typing_caused_scan"] is False


def test_the_slip_button_prints_the_slip_and_a_missing_printer_is_said(
    desk: PickupDesk,
    ready: tuple[str, str],
    qtbot: QtBot,
    ctx: GuiContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """列印領件單 as the clerk presses it (Alt+S, the button's own signal): the slip comes out of
    the printer the desk chose; a configured printer that is gone is said on the desk."""
    number, token = ready
    desk.scan(token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    desk.confirm_button.click()
    qtbot.waitUntil(desk.slip_button.isEnabled, timeout=5000)

    printed = ctx.app.settings.data_dir / "slip-out.pdf"
    monkeypatch.setattr(qt_print, "choose_printer", lambda *_a: make_printer(output_pdf=printed))
    desk.slip_button.click()
    qtbot.waitUntil(lambda: printed.exists() and printed.stat().st_size > 1000, timeout=15000)
    assert "bool" not in desk.message_label.text()

    monkeypatch.undo()
    ctx.app.settings.printer_name = "NoSuchPrinter"
    desk.slip_button.click()  # nothing escapes the slot: the desk says what is wrong
    qtbot.waitUntil(lambda: "NoSuchPrinter" in desk.message_label.text(), timeout=5000)
    assert "找不到印表機" in desk.message_label.text()
    assert cases.load_case(ctx.app, number).lifecycle == "picked_up"


def test_a_scanners_cr_lf_does_not_press_confirm_and_a_tab_ends_a_scan(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot, ctx: GuiContext
) -> None:
    """A scanner sending CR LF: its LF reached 確認交付 once the check had put the focus there,
    handing the documents over with no key from the clerk. A scanner sending Tab: the code was
    typed into the focused field while the previous case stayed on screen."""
    number, token = ready
    focus(qtbot, desk.scan_edit)
    burst(desk.scan_edit, token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    assert QApplication.focusWidget() is desk.confirm_button
    key(desk.confirm_button, Qt.Key.Key_Return, "\r", SCANNER_MS)  # the LF of CR LF
    qtbot.wait(200)
    assert cases.load_case(ctx.app, number).lifecycle == "ready_for_pickup"
    assert not desk.result.handed_over

    # Tab-terminated: a scan wherever the focus is, the field left as it was.
    desk.result = None
    desk.proxy_name.setText("陳")
    focus(qtbot, desk.proxy_name)
    keys(desk.proxy_name, token, SCANNER_MS, enter=False)
    key(desk.proxy_name, Qt.Key.Key_Tab, "\t", SCANNER_MS)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    assert desk.proxy_name.text() == "陳"

    # The clerk's own Enter, a moment later, hands over.
    desk.proxy_name.clear()
    focus(qtbot, desk.confirm_button)
    key(desk.confirm_button, Qt.Key.Key_Return, "\r", HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.handed_over, timeout=5000)


def test_wedge_decoder_end_keys() -> None:
    """Enter or Tab end a scan whatever the suffix; the rest of a CR LF is dropped, a lone
    Enter or Tab later is the clerk's."""
    for end in ("\t", "\r"):
        d = WedgeDecoder(WedgeRules(suffix="\r", max_interkey_ms=30, min_length=4))
        for i, ch in enumerate("ABCD" + end):
            last = d.feed(ch, 2.0 * i)
        assert (last.action, last.text) == ("scan", "ABCD")
        assert d.feed("\r", 10.0).action == "drop"  # the LF of CR LF, 2 ms later
        assert d.feed("\r", 500.0).action == "pass"  # the clerk's Enter
        assert d.feed("\t", 900.0).action == "pass"
    # Too short for a scan: a human's Tab after a few letters.
    d = WedgeDecoder(WedgeRules(max_interkey_ms=30, min_length=4))
    d.feed("A", 0.0)
    assert d.feed("\t", 2.0).action == "pass"


def test_a_short_code_typed_with_a_typo_stays_in_the_field_to_be_corrected(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot
) -> None:
    """Nothing typed is lost: a refused short code stays in the field, selected; the corrected
    one passes and the field is free for the next citizen."""
    number, token = ready
    code = pt.short_code(token)
    typo = code[:-1] + ("X" if code[-1] != "X" else "Y")
    focus(qtbot, desk.scan_edit)
    keys(desk.scan_edit, typo, HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=5000)
    assert desk.result.reason == "unknown_short_code"
    assert desk.scan_edit.text() == typo
    assert desk.scan_edit.selectedText() == typo  # typing replaces it
    desk.result = None
    keys(desk.scan_edit, code, HUMAN_MS)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=5000)
    assert desk.result.ok and desk.result.case_number == number
    assert desk.scan_edit.text() == ""
    assert QApplication.focusWidget() is desk.confirm_button


def test_a_proxys_missing_or_wrong_id_is_said_with_the_focus_on_it(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot, ctx: GuiContext
) -> None:
    number, token = ready
    desk.scan(token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    desk.proxy_check.setChecked(True)
    desk.proxy_name.setText("陳大文")
    desk.confirm_button.click()
    assert desk.message_label.text() == "請填寫代領人身分證字號（或居留證號）"  # not "a UBN"
    assert QApplication.focusWidget() is desk.proxy_id
    desk.proxy_id.setText("F131104094")
    desk.confirm_button.click()
    assert "檢查碼" in desk.message_label.text()
    assert QApplication.focusWidget() is desk.proxy_id
    assert cases.load_case(ctx.app, number).lifecycle == "ready_for_pickup"


def test_a_proxy_given_the_applicant_s_own_id_is_refused_with_the_focus_on_it(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot, ctx: GuiContext
) -> None:
    """The applicant's card read into the proxy's fields: refused on the desk, what was typed
    kept, the focus on the proxy's ID, nothing handed over."""
    number, token = ready
    desk.scan(token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    desk.proxy_check.setChecked(True)
    desk.proxy_name.setText("王大同")
    desk.proxy_id.setText("A123456789")  # the applicant's (pickup_support.ready_case)
    desk.confirm_button.click()
    qtbot.waitUntil(lambda: "申請人相同" in desk.message_label.text(), timeout=5000)
    assert QApplication.focusWidget() is desk.proxy_id
    assert desk.proxy_name.text() == "王大同" and desk.proxy_id.text() == "A123456789"
    assert cases.load_case(ctx.app, number).lifecycle == "ready_for_pickup"


def _one_shown_one_next(desk: PickupDesk, app: App, qtbot: QtBot) -> tuple[str, str, str]:
    """Two ready cases; the first's code scanned, the focus on 確認交付: (first, second, the
    second's code)."""
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    first, first_token = ready_case(app, county, pickup_number="0427")
    second, second_token = ready_case(app, county, pickup_number="0815", applicant_id="B123456780")
    desk.scan(first_token)
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.confirm_button, timeout=2000)
    return first, second, second_token


def _the_next_code_checked(
    desk: PickupDesk, ctx: GuiContext, qtbot: QtBot, first: str, second: str
) -> None:
    """The second code was checked and shown; the first case was not handed over."""
    qtbot.waitUntil(
        lambda: (
            desk.result is not None
            and (desk.result.case_number == second or desk.result.handed_over)
        )
    )
    assert cases.load_case(ctx.app, first).lifecycle == "ready_for_pickup"
    assert desk.result.ok and not desk.result.handed_over
    assert desk.result.case_number == second


def test_a_code_typed_with_the_focus_on_confirm_is_checked_not_the_case_on_screen_handed_over(
    desk: PickupDesk, app: App, qtbot: QtBot, ctx: GuiContext
) -> None:
    """After a valid scan the focus is on 確認交付. The clerk does not hand that case over and
    types the next citizen's short code (or a slow scanner types it): the code is checked; the
    characters were dropped and the Enter handed over the case still on screen."""
    first, second, second_token = _one_shown_one_next(desk, app, qtbot)
    for ch in pt.short_code(second_token):  # as a keyboard does: to the widget with the focus
        key(QApplication.focusWidget(), ord(ch), ch, HUMAN_MS)
    qtbot.wait(100)  # the wedge filter's quiet timer releases the last character it held
    key(QApplication.focusWidget(), Qt.Key.Key_Return, "\r", HUMAN_MS)
    _the_next_code_checked(desk, ctx, qtbot, first, second)
    assert cases.load_case(ctx.app, second).lifecycle == "ready_for_pickup"


def test_the_enter_of_a_code_typed_fast_on_confirm_goes_to_the_code_it_ends(
    desk: PickupDesk, app: App, qtbot: QtBot, ctx: GuiContext
) -> None:
    """The next citizen's code comes fast on 確認交付 (a scanner, a partly read code) and its
    Enter a little later than a scanner's (here 40 ms): the keys held as a possible scan go to
    the code field, the focus with them, and the Enter, already addressed to 確認交付, went
    on there and handed over the case still on screen. It checks the code typed."""
    first, second, second_token = _one_shown_one_next(desk, app, qtbot)
    button = desk.confirm_button
    keys(button, pt.short_code(second_token), SCANNER_MS, enter=False)  # held: not yet typed
    key(button, Qt.Key.Key_Return, "\r", 40)  # before the quiet timer lets the keys go
    _the_next_code_checked(desk, ctx, qtbot, first, second)


def test_a_slow_county_look_up_does_not_hold_up_or_overwrite_the_next_scan(
    desk: PickupDesk,
    ready: tuple[str, str],
    qtbot: QtBot,
    app: App,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """向縣府線上查詢 waits for the county (up to a minute): the next citizen's scan is checked
    meanwhile, and the look-up's late answer does not replace it on screen."""
    import threading

    from eservice_desktop.county_link.client import SyncError
    from eservice_desktop.services import sync

    number, token = ready
    county = County()
    pickup_keys.import_county_keys(app, county.document())
    answer = threading.Event()

    class SlowCounty:
        def case(self, _case_id: str) -> dict[str, object]:
            answer.wait(10)
            raise SyncError("timed out")

        def close(self) -> None:
            pass

    monkeypatch.setattr(sync, "make_client", lambda _app: SlowCounty())
    from eservice_desktop.domain.case_number import CaseNumber

    elsewhere = str(CaseNumber("H02", "01", 115, 99))  # genuine, for this office, not here yet
    desk.scan(county.token(case_number=elsewhere))
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.reason == "not_synced")
    desk.online_button.click()
    desk.scan(token)  # the next citizen, while the county has not answered
    try:
        qtbot.waitUntil(
            lambda: desk.result is not None and desk.result.case_number == number, timeout=3000
        )
        assert desk.result.ok
    finally:
        answer.set()
    qtbot.wait(500)  # the county's late answer arrives
    assert desk.ctx.tasks.wait_idle()
    assert desk.result.case_number == number and desk.result.ok
    assert desk.case_labels["case_number"].text() == number


def test_a_case_made_ready_elsewhere_is_listed_after_the_round_that_brought_it(
    desk: PickupDesk, qtbot: QtBot, ctx: GuiContext
) -> None:
    """A case another office or counter made ready for pickup here arrives with a sync round,
    not as a write of this window: the ready list showed it only after 重新整理."""
    ctx.tasks.wait_idle()
    assert desk.ready_table.rowCount() == 0
    ready_with_county_keys(ctx.app)  # as if pulled: no signal of this window
    ctx.sync_round_done.emit()
    qtbot.waitUntil(lambda: desk.ready_table.rowCount() == 1, timeout=5000)


def test_a_name_that_looks_like_markup_is_shown_as_written(desk: PickupDesk) -> None:
    """The case on the desk shows the applicant's name as the web portal sent it: "<h1>王</h1>
    小明" was drawn as a big 王 over 小明 (the case detail's header shows it plainly too)."""
    view = PickupCaseView(
        case_id="c",
        case_number="H01-00-115-000001-4",
        service_code="HR-TRANSCRIPT",
        service_name="",
        applicant_name="<h1>王</h1>小明",
        applicant_id_masked="A12345****",
        status="ready_for_pickup",
        status_label="",
        pickup_office="H01",
        pickup_number="0427",
        ready_at=None,
        documents=[],
        fees_due=0,
        paid=0,
        balance=0,
    )
    desk._show(pickup.PickupResult(ok=True, reason="ok", message_zh="", message_en="", case=view))
    label = desk.case_labels["applicant"]
    assert label.text() == "<h1>王</h1>小明　A12345****"
    assert all(x.textFormat() == Qt.TextFormat.PlainText for x in desk.case_labels.values())


def test_a_short_code_typed_after_the_camera_failed_to_open_is_checked(
    desk: PickupDesk, ready: tuple[str, str], qtbot: QtBot, ctx: GuiContext
) -> None:
    """相機掃描 (Alt+C) with no camera says 仍可用掃描器或輸入領件碼 and leaves the focus on its
    button: the short code the clerk then typed was dropped key by key and its Enter did
    nothing, and the clerk reached for the mouse to find the code field. The desk's other
    buttons (辨識照片, 重新整理) hand typed keys to the code field the same way."""
    number, token = ready
    ctx.app.settings.camera_index = 57  # no such camera here
    focus(qtbot, desk.scan_edit)
    qtbot.keyClick(desk.scan_edit, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "57" in desk.message_label.text(), timeout=10000)
    assert QApplication.focusWidget() is desk.camera_button
    for button in (desk.camera_button, desk.photo_button, desk.refresh_button):
        desk.result = None
        focus(qtbot, button)
        for ch in pt.short_code(token):  # as a keyboard does: to the widget with the focus
            key(QApplication.focusWidget(), ord(ch), ch, HUMAN_MS)
        qtbot.wait(100)  # the wedge filter's quiet timer releases the last character it held
        key(QApplication.focusWidget(), Qt.Key.Key_Return, "\r", HUMAN_MS)
        qtbot.waitUntil(lambda: desk.result is not None, timeout=5000)
        assert desk.result.ok and desk.result.case_number == number
    assert cases.load_case(ctx.app, number).lifecycle == "ready_for_pickup"
