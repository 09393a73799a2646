"""Who is signed in stays in sight while the status bar says something: a message (a file
saved, a scan, a refusal) hid the ordinary widgets, the operator's line with them, for its 8
to 15 seconds, and at a shared counter the clerk could not see whose session it was."""

from __future__ import annotations

from gui_keys import open_window

from eservice_desktop.gui.context import GuiContext


def test_the_operator_line_stays_while_a_message_shows(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ctx)
    window.resize(1366, 700)
    label, bar = window.operator_label, window.statusBar()
    qtbot.waitUntil(lambda: label.isVisible() and label.text().startswith("承辦人："))
    shown = label.text()
    ctx.status_message.emit("日結表已存檔：/home/clerk/closing-2026-03-10.pdf")
    qtbot.waitUntil(lambda: bar.currentMessage() != "")
    assert label.isVisible() and label.text() == shown
    assert label.width() >= label.sizeHint().width()
    ctx.tasks.failed.emit("無法存取 closing.pdf（檔案正由其他程式使用）")
    qtbot.wait(10)
    assert bar.currentMessage().startswith("無法存取") and label.isVisible()
    right = label.mapTo(bar, label.rect().topRight()).x()
    assert right <= bar.width()
    bar.clearMessage()
    assert label.isVisible() and window.office_label.isVisible()
