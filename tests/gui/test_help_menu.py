"""說明 ▸ 鍵盤快速鍵 (F1) lists the keys the window and the page on screen really have, read
from their widgets; 關於 says what IT asks for on the telephone."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_case_detail, open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.help_menu import KeyHelp, about_text, plain


def _help(qtbot, window) -> KeyHelp:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), KeyHelp))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, KeyHelp)
    return dialog


def test_f1_lists_the_fees_page_keys_and_the_window_keys(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ctx)
    window.show_page("eservice_desktop.gui.payment_page")
    rows = _help(qtbot, window).rows()
    page = {(key, what) for group, key, what in rows if group == "這一頁"}
    whole = {(key, what) for group, key, what in rows if group == "整個視窗"}
    assert ("F9", "收費並列印收據") in page and ("Alt+A", "核定規費") in page, rows
    assert {("F2", "收件"), ("F6", "規費收費"), ("Ctrl+Q", "結束"), ("F1", "鍵盤快速鍵")} <= whole
    assert not any("&" in what or "(F" in what for _g, _k, what in rows), rows
    qtbot.keyClick(QApplication.activeModalWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_f1_on_the_intake_form_lists_its_fields(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ctx)
    window.show_page("eservice_desktop.gui.intake_form")
    rows = _help(qtbot, window).rows()
    fields = {(key, what) for group, key, what in rows if group == "這一頁"}
    assert {("Alt+N", "移到欄位：申請人姓名"), ("Ctrl+Enter", "送出收件")} <= fields, rows
    assert ("Alt+V", "驗證自然人憑證") in {(k, w) for g, k, w in rows if g == "側邊面板"}
    QApplication.activeModalWidget().reject()  # type: ignore[union-attr]


def test_f1_on_the_pickup_desk_lists_the_camera_by_both_its_keys(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ctx)
    window.show_page("eservice_desktop.gui.pickup_desk")
    rows = _help(qtbot, window).rows()
    page = {(key, what) for group, key, what in rows if group == "這一頁"}
    assert {("F12", "相機掃描"), ("Alt+C", "相機掃描")} <= page, rows
    QApplication.activeModalWidget().reject()  # type: ignore[union-attr]


def test_f1_on_the_queue_lists_its_tabs(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ctx)
    rows = _help(qtbot, window).rows()
    tabs = [what for group, key, what in rows if group == "這一頁" and key == "Alt+1"]
    assert tabs and tabs[0].startswith("分頁：今日收件"), rows
    QApplication.activeModalWidget().reject()  # type: ignore[union-attr]


def test_f1_on_the_case_detail_lists_the_second_keys_of_attach_and_lookup(
    qtbot, ctx: GuiContext
) -> None:
    """Ctrl+Shift+A and Ctrl+Shift+D (docs/clerk-guide.md) are keys of their own, not shown
    on a button: F1 listed Alt+E and Alt+L only."""
    number = new_case(ctx.app)
    window, _detail = open_case_detail(qtbot, ctx, number)
    rows = _help(qtbot, window).rows()
    page = {(key, what) for group, key, what in rows if group == "這一頁"}
    assert {("Ctrl+Shift+A", "附加檔案"), ("Ctrl+Shift+D", "免書證查詢")} <= page, rows
    assert {("Alt+E", "附加檔案"), ("Alt+L", "免書證查詢")} <= page, rows
    QApplication.activeModalWidget().reject()  # type: ignore[union-attr]


def test_about_names_the_version_office_counter_folder_and_county(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    from eservice_desktop import __version__

    window = open_window(qtbot, ctx)
    text = about_text(window)
    s = ctx.settings
    for part in (__version__, f"（{s.office_code}）櫃檯 {s.device_id}", str(s.data_dir)):
        assert part in text, text
    assert "縣府伺服器：" in text


def test_a_label_is_read_without_its_marks() -> None:
    assert plain("返回(&B)") == "返回"
    assert plain("收費並列印收據 (F9)") == "收費並列印收據"
    assert plain("R&&D 處理所選衝突(&R)…") == "R&D 處理所選衝突"
    assert plain("&Close (Esc)") == "Close (Esc)"
    assert plain("相機掃描(&C) F12") == "相機掃描"
