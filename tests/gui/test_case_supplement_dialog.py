"""通知補正 (Alt+S) asks the day to supply by and the documents, from the keyboard: a past day
is refused in the dialog (the date kept and selected), a full-width ROC day and a document
ticked with Space reach the case, and the page says the day; Esc sends nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from factories import new_case
from gui_keys import open_case_detail, press, type_text
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.case_supplement import SupplementDialog
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases, payments

ALT = Qt.KeyboardModifier.AltModifier


def _when_asked(act: Callable[[SupplementDialog], None]) -> None:
    """Runs ``act`` on the dialog once it is up (it runs its own event loop)."""

    def poll() -> None:
        shown: QWidget | None = QApplication.activeModalWidget()
        if isinstance(shown, SupplementDialog) and shown.isActiveWindow():
            try:
                act(shown)
            finally:  # never left open: the test fails instead of waiting for ever
                QTimer.singleShot(500, shown.reject)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_the_day_and_a_document_from_the_keyboard(qtbot, ctx: GuiContext, clock) -> None:  # type: ignore[no-untyped-def]
    number = new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", 15)
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.supplement_button.isEnabled, timeout=3000)
    detail.reason_edit.setFocus()
    type_text("請補正")
    seen: dict[str, object] = {}

    def answer(dialog: SupplementDialog) -> None:
        seen["focus"] = QApplication.focusWidget() is dialog.date_edit
        seen["items"] = [dialog.items_list.item(i).text() for i in range(dialog.items_list.count())]
        QTest.keyClicks(dialog.date_edit, "115/3/9")
        QTest.keyClick(dialog.date_edit, Qt.Key.Key_Return)
        seen["refused"] = dialog.error_label.text()
        seen["kept"] = (dialog.isVisible(), dialog.date_edit.selectedText())
        label = dialog.error_label
        seen["whole"] = label.height() >= label.heightForWidth(label.width())
        type_text("１１５／３／１７")  # over the selected text, as an IME commits it
        QTest.keyClick(dialog.date_edit, Qt.Key.Key_Tab)
        QTest.keyClick(dialog.items_list, Qt.Key.Key_Down)  # the second document
        QTest.keyClick(dialog.items_list, Qt.Key.Key_Space)
        QTest.keyClick(dialog.items_list, Qt.Key.Key_S, ALT)

    _when_asked(answer)
    press(Qt.Key.Key_S, ALT)
    qtbot.waitUntil(lambda: detail.status_label.text() == "補正中", timeout=5000)
    assert seen["focus"] is True
    assert seen["items"][:2] == ["申請人國民身分證正本", "印章或簽名"]  # type: ignore[index]
    assert str(seen["refused"]).startswith("補件期限民國115年3月9日已經過了")
    assert seen["kept"] == (True, "115/3/9") and seen["whole"] is True
    view = cases.show_case(ctx.app, number)
    assert (view.supplement_by, view.supplement_items) == ("2026-03-17", ["印章或簽名"])
    said = "補正中，期限暫停（請補正），請於 民國115年3月17日 前補件"
    assert detail.deadline_label.text() == said
    row = detail.timeline.rowCount() - 1
    assert detail.timeline.item(row, 4).text() == "請補正；印章或簽名；115/03/17 前補件"

    clock.set(clock.now + timedelta(days=8))  # the day has passed: the page says so
    detail.load(number)
    qtbot.waitUntil(lambda: "已過" in detail.deadline_label.text(), timeout=5000)
    assert detail.deadline_label.text().endswith("，補件期限 民國115年3月17日 已過")


def test_esc_sends_nothing(qtbot, ctx: GuiContext) -> None:  # type: ignore[no-untyped-def]
    number = new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", 15)
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.supplement_button.isEnabled, timeout=3000)
    detail.reason_edit.setText("請補正")
    _when_asked(lambda dialog: QTest.keyClick(dialog.date_edit, Qt.Key.Key_Escape))
    detail.timeline.setFocus()
    press(Qt.Key.Key_S, ALT)
    ctx.tasks.wait_idle()
    assert ev.SUPPLEMENT_REQUESTED not in detail.timeline_types()
    assert detail.reason_edit.text() == "請補正"  # nothing typed is lost
