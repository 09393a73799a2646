"""A failed round's reason in the status bar is elided, never cut unmarked: the office's name
gives way first, then the reason, and the state word, the operator and the counts stay whole.

On a 1,024 px screen at 125 % (819 px) in English the bar read "○ Offline: Cannot reach the
county server (connection refused or", and at 1,024 px in Chinese the county-older reason ran
past the bar's edge the same way."""

from __future__ import annotations

import pytest
from gui_keys import open_window
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel

from eservice_desktop.county_link.errors import CountyOlder, Offline, sync_error_message
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.status_room import MESSAGE_MARGINS


@pytest.mark.parametrize(
    "case",
    [
        ("en", 819, Offline("connection refused"), "○ Offline: "),
        ("en", 1024, CountyOlder(), "○ Offline: "),
        ("zh_TW", 1024, CountyOlder(), "○ 離線："),
    ],
)
def test_the_reason_is_elided_after_the_office_name(  # type: ignore[no-untyped-def]
    qtbot, ctx: GuiContext, qapp: QApplication, screen_font: None, case
) -> None:
    lang, width, error, word = case
    ctx.lang = ctx.tasks.lang = lang
    translators = install_translators(qapp, lang) if lang == "en" else []
    try:
        window = open_window(qtbot, ctx)
        window.resize(width, 700)
        sync = window.status_widgets[0]
        ctx.tasks.wait_idle()
        qtbot.wait(50)
        reason = sync_error_message(error, lang)
        sync._on_round({"pending": 1_234, "conflicts": 3}, reason)  # type: ignore[attr-defined]
        bar = window.statusBar()
        bar.clearMessage()  # the failure said once in the bar; the labels are back
        state = sync.state_label  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: bar.width() <= width and state.text() != state.whole)
        qtbot.wait(10)
        shown = state.text()
        assert shown.startswith(word) and shown.endswith("…"), shown
        assert state.toolTip() == reason and state.accessibleName() == word + reason
        assert window.office_label.text().endswith("…")
        assert window.office_label.width() <= window.office_label.minimumSizeHint().width() + 2
        for label in (window.operator_label, sync.counts_label, sync.conflicts_button):  # type: ignore[attr-defined]
            right = label.mapTo(bar, label.rect().topRight()).x()
            assert label.width() >= label.sizeHint().width() and right <= bar.width()
        right = state.mapTo(bar, state.rect().topRight()).x()
        assert state.fontMetrics().horizontalAdvance(shown) <= state.width() and right < bar.width()
    finally:
        if translators:
            remove_translators(qapp, translators)


def test_a_short_state_is_whole_and_the_office_name_takes_the_room_left(
    qtbot, ctx: GuiContext, screen_font: None
) -> None:
    window = open_window(qtbot, ctx)
    window.resize(1366, 700)
    sync = window.status_widgets[0]
    ctx.tasks.wait_idle()
    sync._on_round({"pending": 0}, "")  # type: ignore[attr-defined]
    window.statusBar().clearMessage()
    office = window.office_label
    qtbot.waitUntil(lambda: office.text() == office.whole)
    assert sync.state_label.text() == sync.state_label.whole == "● 已連線"  # type: ignore[attr-defined]
    assert isinstance(office, QLabel) and not office.text().endswith("…")


def test_a_message_while_offline_has_its_room(
    qtbot, ctx: GuiContext, qapp: QApplication, screen_font: None
) -> None:
    """Offline with a long reason, a message (Esc refused on the intake form, a receipt's
    change) was painted in what the state left once the operator's line had given all it could:
    at 1,024 px at 125 % "This page ha" over the line's "Clerk: …". The reason gives way too
    while a message shows, its state word kept, and has its room back once the message is
    gone."""
    ctx.lang = ctx.tasks.lang = "en"
    translators = install_translators(qapp, "en")
    try:
        window = open_window(qtbot, ctx)
        window.resize(819, 600)
        sync = window.status_widgets[0]
        ctx.tasks.wait_idle()
        qtbot.wait(50)
        reason = sync_error_message(Offline("connection refused"), "en")
        sync._on_round({"pending": 0}, reason)  # type: ignore[attr-defined]
        bar = window.statusBar()
        bar.clearMessage()
        state, operator = sync.state_label, window.operator_label  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: state.text().endswith("…"))
        qtbot.wait(50)
        before = state.width()
        message = "Receipt H01-01-115-R000287: received NT$15, change NT$0"
        ctx.status_message.emit(message)
        qtbot.waitUntil(lambda: bar.currentMessage() == message)
        wanted = QFontMetrics(bar.font()).horizontalAdvance(message)
        qtbot.waitUntil(lambda: operator.x() - MESSAGE_MARGINS >= wanted, timeout=2000)
        assert state.isVisible() and state.text().startswith("○ Offline: "), state.text()
        assert operator.text().startswith("Cl"), operator.text()
        bar.clearMessage()
        qtbot.waitUntil(lambda: operator.given == state.given == 0, timeout=2000)
        qtbot.waitUntil(lambda: state.width() >= min(state.sizeHint().width(), before))
        assert operator.text() == operator.whole
    finally:
        remove_translators(qapp, translators)
