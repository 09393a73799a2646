"""Keyboard sweep over every page, panel and dialog, in both languages: every action shows its
shortcut (Alt+letter mnemonic or a key in the label), no two visible controls share a
mnemonic, Tab leaves every table; Esc closes only the innermost popup or dialog and never
leaves a page with unsaved input."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import pytest
from factories import new_case
from gui_keys import closed, make_active, open_window, press, type_text
from keyboard_sweep import Offender, offenders
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from eservice_desktop.gui import help_menu
from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.identity_panel import OverrideDialog, PinDialog
from eservice_desktop.gui.main_window import INTAKE_PAGE, QUEUE_PAGE, MainWindow
from eservice_desktop.gui.shift_start import ShiftStartDialog
from eservice_desktop.gui.sync_status import ConflictDialog
from eservice_desktop.services import doctor

PAYMENT_PAGE = "eservice_desktop.gui.payment_page"
PICKUP_PAGE = "eservice_desktop.gui.pickup_desk"


@pytest.fixture(params=["zh_TW", "en"])
def lang_ctx(
    request: pytest.FixtureRequest, sync_ctx: GuiContext, qapp: QApplication
) -> Iterator[GuiContext]:
    translators = install_translators(qapp, request.param) if request.param == "en" else []
    sync_ctx.lang = request.param
    try:
        yield sync_ctx
    finally:
        if translators:
            remove_translators(qapp, translators)


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def with_modal(trigger: Callable[[], object], inspect: Callable[[QDialog], None]) -> None:
    """Runs ``trigger`` (which opens a modal dialog with exec()), inspects the dialog once it is
    up, then closes it with Esc, as a clerk would."""
    seen: list[QDialog] = []

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QDialog) or modal in seen:
            QTimer.singleShot(20, look)
            return
        seen.append(modal)
        settle()
        inspect(modal)
        press(Qt.Key.Key_Escape)

    QTimer.singleShot(20, look)
    trigger()
    assert seen, "no dialog opened"


def _until_closed(qtbot, opener, window) -> None:  # type: ignore[no-untyped-def]
    """Opens a window-modal dialog of ``gui.help_menu`` and waits until it is closed (what
    ``with_modal`` expects of its trigger)."""
    dialog = opener(window)
    qtbot.waitUntil(lambda: closed(dialog), timeout=10000)


def test_every_action_shows_its_shortcut_and_tab_leaves_every_table(qtbot, lang_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx = lang_ctx
    number = new_case(ctx.app, copies=2)
    window = open_window(qtbot, ctx)
    found: list[tuple[str, Offender]] = []

    def sweep(where: str, top: QWidget | None = None) -> None:
        settle()
        found.extend((where, o) for o in offenders(top or window))

    # Controls that show only in some states are shown, so their keys are checked too.
    panel = window.panels[0].panel
    panel.override_button.show()  # type: ignore[attr-defined]
    sync_widget = window.status_widgets[0]
    sync_widget.conflicts_button.show()  # type: ignore[attr-defined]
    window.pages[PICKUP_PAGE].online_button.show()  # type: ignore[attr-defined]

    for path in window.pages:
        window.show_page(path)
        sweep(path.rsplit(".", 1)[-1])

    form = window.show_page(INTAKE_PAGE)
    combo = form.service_combo  # type: ignore[attr-defined]
    combo.setCurrentIndex(combo.findData("HR-TRANSCRIPT"))
    sweep("intake with a service")

    payment = window.show_page(PAYMENT_PAGE)
    payment.load(number)  # type: ignore[attr-defined]
    sweep("payment with a case")

    window.open_case(number)
    qtbot.waitUntil(lambda: window.case_detail.timeline.rowCount() > 0, timeout=5000)
    sweep("case detail")

    report = doctor.Report([doctor.check_version(), doctor.check_fonts()])
    for dialog in (
        PinDialog({"left": 3}, window),
        OverrideDialog(window),
        ConflictDialog(ctx, window),
        ApprovalDialog(ctx, "void", lambda account, password: None, window),
        ShiftStartDialog(ctx, report, window),
    ):
        dialog.show()
        qtbot.waitExposed(dialog)
        sweep(type(dialog).__name__, dialog)
        dialog.activateWindow()
        # Esc goes where the keyboard focus is: activation can come after ``waitExposed``.
        qtbot.waitUntil(lambda d=dialog: d.isAncestorOf(QApplication.focusWidget()), timeout=5000)
        press(Qt.Key.Key_Escape)
        assert not dialog.isVisible(), type(dialog).__name__

    with_modal(payment.closing_dialog, lambda d: sweep("closing dialog", d))  # type: ignore[attr-defined]
    with_modal(
        lambda: payment.ask_text("t", "l"),  # type: ignore[attr-defined]
        lambda d: sweep("reason input dialog", d),
    )
    for name, opener in (("about box", help_menu.show_about), ("key help", help_menu.show_keys)):
        with_modal(partial(_until_closed, qtbot, opener, window), lambda d, n=name: sweep(n, d))

    window.lock("manual")  # the lock screen: sign-in by keyboard alone
    sweep("locked")
    assert [f"{where}: {o}" for where, o in found] == []


def test_a_table_that_keeps_tab_and_a_button_without_a_key_are_caught(qtbot, sync_ctx) -> None:  # type: ignore[no-untyped-def]
    """The sweep itself can fail: a bare button, a shared mnemonic, a table keeping Tab."""
    from PySide6.QtWidgets import QPushButton, QTableWidget, QVBoxLayout

    window = open_window(qtbot, sync_ctx)
    page = window.pages[QUEUE_PAGE]
    extra = QWidget(page)
    lay = QVBoxLayout(extra)
    table = QTableWidget(2, 2)
    lay.addWidget(QPushButton("列印"))
    lay.addWidget(QPushButton("搜尋(&G)"))  # Alt+G is the Go menu
    lay.addWidget(table)
    page.layout().addWidget(extra)  # type: ignore[union-attr]
    settle()
    table.setTabKeyNavigation(True)
    kinds = sorted(o.kind for o in offenders(window))
    assert kinds == ["mnemonic shared", "no shortcut", "table keeps Tab"], kinds


def test_tab_leaves_the_tables(qtbot, sync_ctx) -> None:  # type: ignore[no-untyped-def]
    number = new_case(sync_ctx.app, copies=2)
    window = open_window(qtbot, sync_ctx)
    window.open_case(number)
    timeline = window.case_detail.timeline
    qtbot.waitUntil(lambda: timeline.rowCount() > 0, timeout=5000)
    timeline.setFocus()
    timeline.setCurrentCell(0, 0)
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not timeline
    payment = window.show_page(PAYMENT_PAGE)
    payment.load(number)  # type: ignore[attr-defined]
    items = payment.items_table  # type: ignore[attr-defined]
    items.setFocus()
    items.setCurrentCell(0, 0)
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not items


def _on(window: MainWindow, path: str) -> bool:
    return window.current_page() is window.pages[path]


def test_esc_never_leaves_unsaved_input_and_closes_only_the_innermost(qtbot, sync_ctx) -> None:  # type: ignore[no-untyped-def]
    number = new_case(sync_ctx.app, copies=2)
    window = open_window(qtbot, sync_ctx)
    form = window.show_page(INTAKE_PAGE)
    assert _on(window, INTAKE_PAGE)

    # An empty form: Esc goes back to the queue.
    press(Qt.Key.Key_Escape)
    assert _on(window, QUEUE_PAGE)

    # Typed input: Esc stays, keeps it and says why.
    press(Qt.Key.Key_F2)
    form.applicant_name.setFocus()  # type: ignore[attr-defined]
    type_text("王小明")
    press(Qt.Key.Key_Escape)
    assert _on(window, INTAKE_PAGE)
    assert form.applicant_name.text() == "王小明"  # type: ignore[attr-defined]
    assert "Esc" in window.statusBar().currentMessage()

    # A completer popup on top: Esc closes the popup only.
    form.service_combo.setFocus()  # type: ignore[attr-defined]
    type_text("HR")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=3000)
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=3000)
    assert _on(window, INTAKE_PAGE) and form.applicant_name.text() == "王小明"  # type: ignore[attr-defined]

    # Without unsaved input too: Esc closes the popup and does not leave the page.
    form.clear_form()  # type: ignore[attr-defined]
    form.service_combo.setFocus()  # type: ignore[attr-defined]
    type_text("HR")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=3000)
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=3000)
    assert _on(window, INTAKE_PAGE)

    # The case detail: back with Esc, but not with a reason typed.
    window.open_case(number)
    detail = window.case_detail
    # the completer popups' deferred activations processed: the window active, the focus set
    make_active(qtbot, window)
    detail.reason_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is detail.reason_edit, timeout=3000)
    type_text("缺少委託書")
    press(Qt.Key.Key_Escape)
    assert window.current_page() is detail
    detail.reason_edit.clear()
    press(Qt.Key.Key_Escape)
    assert window.current_page() is not detail

    # A look-up field (payment page's case number) is not unsaved input.
    payment = window.show_page(PAYMENT_PAGE)
    payment.case_edit.setFocus()  # type: ignore[attr-defined]
    type_text("H01-01-115-000001-5")
    press(Qt.Key.Key_Escape)
    assert window.current_page() is not payment


def test_esc_in_a_dialog_over_a_dialog_closes_only_the_top_one(qtbot, sync_ctx) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sync_ctx)
    payment = window.show_page(PAYMENT_PAGE)  # Esc reaching the window would leave this page
    outer = ConflictDialog(sync_ctx, window)
    outer.list.addItem("H01-01-115-000001-5")
    outer.list.setCurrentRow(0)
    outer.show()
    qtbot.waitExposed(outer)
    states: list[bool] = []

    def inner(dialog: QDialog) -> None:
        states.append(outer.isVisible())

    with_modal(outer.resolve_selected, inner)
    assert states == [True]
    assert outer.isVisible(), "Esc in the note dialog closed the conflict list too"
    outer.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is outer, timeout=3000)
    assert QApplication.focusWidget().window() is outer
    press(Qt.Key.Key_Escape)
    assert not outer.isVisible()
    assert window.current_page() is payment
