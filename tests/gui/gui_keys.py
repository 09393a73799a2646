"""Keyboard helpers for GUI tests: keys go where a real keyboard would send them.

Typing goes to the open popup (a completer) or else the focused widget. Chinese is committed
the way an input method does it, because ``QTest.keyClicks`` with non-ASCII text aborts the
whole process.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from eservice_desktop.gui.barcode_wedge import WedgeFilter
from eservice_desktop.gui.case_detail import CaseDetail
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.gui.pickup_desk import PickupDesk

PICKUP_PAGE = "eservice_desktop.gui.pickup_desk"


def open_window(qtbot: object, ctx: GuiContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    # This window's own field, not one of a window an earlier test closed: the offscreen
    # platform can hand activation over after ``waitExposed`` returns.
    qtbot.waitUntil(lambda: _focus_in(window))  # type: ignore[attr-defined]
    return window


def open_pickup_desk(
    qtbot: object, ctx: GuiContext, size: tuple[int, int] = (683, 384)
) -> tuple[MainWindow, PickupDesk, str]:
    """The window at ``size`` on the pickup desk (F8), one case ready for pickup listed: the
    window, the desk and the case's signed code."""
    from pickup_support import County, ready_case

    from eservice_desktop.services import pickup_keys

    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    _number, token = ready_case(ctx.app, county)
    window = open_window(qtbot, ctx)
    window.resize(*size)
    QApplication.processEvents()
    press(Qt.Key.Key_F8)
    desk = window.pages[PICKUP_PAGE]
    assert isinstance(desk, PickupDesk)
    qtbot.waitUntil(lambda: desk.ready_table.rowCount() == 1)  # type: ignore[attr-defined]
    qtbot.wait(50)  # type: ignore[attr-defined]  # its list fitted and laid out again
    return window, desk, token


def make_active(qtbot: object, window: QWidget) -> None:
    """Makes ``window`` the active window, asking again until it is: the offscreen platform can
    hand the activation to a window an earlier test closed (its deferred activation processed
    after ours), and the focus set afterwards then went nowhere (the desk's CI, once)."""

    def active() -> bool:
        if QApplication.activeWindow() is window:
            return True
        window.activateWindow()
        return False

    qtbot.waitUntil(active)  # type: ignore[attr-defined]


def closed(widget: QWidget) -> bool:
    """``widget`` is closed: hidden, or deleted already (a dialog the window deletes once it
    closes, ``gui.dialog_life``, is gone by the time a wait's event loop has run)."""
    import shiboken6

    return not shiboken6.isValid(widget) or not widget.isVisible()


def _focus_in(window: QWidget) -> bool:
    focus = QApplication.focusWidget()
    active = QApplication.activeWindow() is window
    return active and focus is not None and window.isAncestorOf(focus)


def _reactivate_after_hidden_popup() -> None:
    """Offscreen-platform quirk: a completer popup that was shown and hidden again can become
    the active window later, when its deferred activation event is processed, leaving no focus
    widget. A real window system gives activation back to the main window; do the same."""
    active = QApplication.activeWindow()
    if active is not None and active.isVisible():
        return  # (None: the popup's deactivation came last, and no window is active)
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow) and w.isVisible():
            w.activateWindow()
            QApplication.processEvents()
            return


def target() -> QWidget:
    """Where a real key press would go: the open popup, else the focused widget."""
    _reactivate_after_hidden_popup()
    w = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert w is not None, "nothing has the keyboard focus"
    return w


def type_text(text: str) -> None:
    if text.isascii():
        QTest.keyClicks(target(), text)
        settle_wedges()
        return
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(target(), event)


def settle_wedges(limit_ms: int = 2000) -> None:
    """Waits for what a keyboard-wedge catcher holds (the pickup desk's, the fees page's): keys
    typed faster than a person types are held as a possible scan until its timer, some 30 ms
    on, gives them to the field. A clerk's next key comes later than that anyway."""
    holding = [
        wedge
        for window in QApplication.topLevelWidgets()
        for wedge in window.findChildren(WedgeFilter)
        if wedge.decoder.holding
    ]
    waited = 0
    while any(w.decoder.holding for w in holding) and waited < limit_ms:
        QTest.qWait(10)
        waited += 10


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(target(), key, modifiers)


def tab(times: int = 1) -> None:
    for _ in range(times):
        press(Qt.Key.Key_Tab)


def open_case_detail(qtbot: object, ctx: GuiContext, number: str) -> tuple[MainWindow, CaseDetail]:
    """The main window with case ``number`` open in the case detail, as a search result or the
    queue opens it (``open_case_requested``), once its view is loaded."""
    window = open_window(qtbot, ctx)
    ctx.open_case_requested.emit(number)
    detail = window.case_detail
    assert window.current_page() is detail
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: detail.view is not None and detail.view.case_number == number, timeout=3000
    )
    return window, detail


def ask_to_close_owing(qtbot: object, ctx: GuiContext, reason: str) -> tuple[str, CaseDetail]:
    """A case with its fees due and nothing paid, open in the case detail, 結案 pressed with
    ``reason``: the supervisor's approval is asked (``detail.findChild(ApprovalDialog)``).
    Returns the case number and the case detail."""
    from approvals_support import add_accounts
    from factories import request

    from eservice_desktop.gui.approval import ApprovalDialog
    from eservice_desktop.services import intake

    add_accounts(ctx.app)
    number = intake.intake(ctx.app, request(copies=2)).case_number
    window = open_window(qtbot, ctx)
    window.open_case(number)
    detail = window.case_detail
    qtbot.waitUntil(lambda: detail.shown_number() == number, timeout=20000)  # type: ignore[attr-defined]
    detail.reason_edit.setFocus()
    type_text(reason)
    detail.confirm_end = lambda *_: True  # type: ignore[attr-defined]  # 結案's own question
    detail.close_case()
    qtbot.waitUntil(lambda: detail.findChild(ApprovalDialog) is not None, timeout=20000)  # type: ignore[attr-defined]
    return number, detail


def half_screen_intake(qtbot: object, ctx: GuiContext) -> QWidget:
    """The window at half a screen (683 × 384), F2 pressed: the intake form, the focus in
    申辦項目 (its ``service_combo``)."""
    from eservice_desktop.gui.main_window import INTAKE_PAGE

    window = open_window(qtbot, ctx)
    window.resize(683, 384)
    press(Qt.Key.Key_F2)
    page = window.pages[INTAKE_PAGE]
    qtbot.waitUntil(page.service_combo.hasFocus)  # type: ignore[attr-defined]
    return page


def open_long_queue(qtbot: object, ctx: GuiContext, seeded: int = 2000) -> tuple[object, int]:
    """The queue page on 全部未結 over ``seeded`` demo cases, more open ones than a chunk, once
    its first chunk is in: (the page, the list's total)."""
    from eservice_desktop.demo.bulk import seed_demo_bulk
    from eservice_desktop.gui.queue_page import QueuePage
    from eservice_desktop.services import cases
    from eservice_desktop.services.queue_rows import QUEUE_CHUNK

    seed_demo_bulk(ctx.app, seeded, seed=4, days=3)
    total = cases.queue_total(ctx.app, "open")
    assert total > QUEUE_CHUNK
    page = QueuePage(ctx)
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.resize(1200, 600)
    page.show()
    page.tabs.setCurrentIndex(4)  # all open cases
    qtbot.waitUntil(lambda: page.total() == total, timeout=10000)  # type: ignore[attr-defined]
    assert page.model.rowCount() == QUEUE_CHUNK  # nothing silently dropped: more to come
    return page, total
