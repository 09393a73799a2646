"""The window builds at sign-in only the page it shows (the queue); every other page is built
the first time its key (or menu entry, or page-bar button) shows it, and a page the operator's
roles do not open is never built. A card read before the intake form exists, and a draft
waiting on disk, still reach the form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gui_keys import press, type_text
from operator_support import chose_own
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from eservice_desktop.gui import shift_start
from eservice_desktop.gui.case_detail import CaseDetail
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.gui.main_window import INTAKE_PAGE, QUEUE_PAGE, MainWindow
from eservice_desktop.gui.operators_page import OperatorsPage
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.gui.queue_page import QueuePage
from eservice_desktop.gui.reports_page import ReportsPage
from eservice_desktop.services import operators

PASSWORD = "counter-pass-1"
LATER_PAGES = (IntakeForm, PickupDesk, PaymentPage, ReportsPage, OperatorsPage, CaseDetail)


@pytest.fixture
def counter(ctx: GuiContext) -> Iterator[GuiContext]:
    """A cashier and a clerk; nobody signed in."""
    app = ctx.app
    before = app.operator
    operators.create_operator(app, "cash01", "林收費", ["cashier"], PASSWORD)
    operators.create_operator(app, "clerk01", "王承辦", ["clerk"], PASSWORD)
    chose_own(app, "cash01", "clerk01")
    app.operator = before
    operators.logout(app)
    shift_start._mark_checked(app)  # the shift-start check of today is done
    yield ctx


def built(window: MainWindow, kind: type[QWidget]) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget) if type(w) is kind]


def signed_in(qtbot: object, ctx: GuiContext, account: str) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.login_screen.account)  # type: ignore[attr-defined]
    type_text(account)
    press(Qt.Key.Key_Return)
    type_text(PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=15000)  # type: ignore[attr-defined]
    return window


def test_only_the_queue_is_built_at_sign_in_and_a_key_builds_its_page(qtbot, counter):
    window = signed_in(qtbot, counter, "cash01")
    assert isinstance(window.current_page(), QueuePage)
    assert len(built(window, QueuePage)) == 1
    for kind in LATER_PAGES:
        assert built(window, kind) == [], kind.__name__
    assert list(window.pages.built) == [QUEUE_PAGE]

    press(Qt.Key.Key_F6)  # the payment page: built, shown and focused as it always was
    payment = window.current_page()
    assert isinstance(payment, PaymentPage) and built(window, PaymentPage) == [payment]
    assert QApplication.focusWidget() is payment.case_edit
    assert window.page_bar_actions["eservice_desktop.gui.payment_page"].isChecked()
    assert built(window, ReportsPage) == []

    # a cashier may not open the intake form, the pickup desk or the operators page: their
    # keys build nothing
    for key in (Qt.Key.Key_F2, Qt.Key.Key_F8, Qt.Key.Key_F11):
        press(key)
        assert window.current_page() is payment
    for kind in (IntakeForm, PickupDesk, OperatorsPage):
        assert built(window, kind) == [], kind.__name__

    press(Qt.Key.Key_F7)
    assert isinstance(window.current_page(), ReportsPage)
    press(Qt.Key.Key_Escape)  # back to the page before, which is not built again
    assert window.current_page() is payment and built(window, PaymentPage) == [payment]
    press(Qt.Key.Key_F3)
    assert isinstance(window.current_page(), QueuePage) and len(built(window, QueuePage)) == 1

    # code and tests that reach into a page get it, built on first access
    assert isinstance(window.pages["eservice_desktop.gui.pickup_desk"], PickupDesk)
    assert len(window.pages) == 6 and set(window.pages) == set(window.page_actions)


def test_a_card_read_before_the_intake_form_exists_fills_it(qtbot, counter):
    window = signed_in(qtbot, counter, "clerk01")
    assert built(window, IntakeForm) == []
    counter.applicant_read.emit({"id": "A123456789", "name": "王小明", "source": "nhi"})
    press(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm) and built(window, IntakeForm) == [form]
    assert form.applicant_id.text() == "A123456789"
    assert form.applicant_name.text() == "王小明"


def test_a_draft_on_disk_builds_the_intake_form_at_sign_in(qtbot, counter):
    # the counter was closed with an application half typed (the form seals it on disk)
    earlier = IntakeForm(counter)
    qtbot.addWidget(earlier)
    earlier.applicant_name.setText("陳草稿")
    earlier.save_draft()

    window = signed_in(qtbot, counter, "clerk01")
    assert isinstance(window.current_page(), QueuePage)
    restored = window.pages.built.get(INTAKE_PAGE)
    assert isinstance(restored, IntakeForm) and restored is not earlier
    assert restored.applicant_name.text() == "陳草稿"
    assert not restored.draft_banner.isHidden()
    press(Qt.Key.Key_F2)
    assert window.current_page() is restored
