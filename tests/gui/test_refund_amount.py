"""The refund's amount as typed: 20 typed where 15 was left to refund made the spin box drop the
0 (20 is past its top) and the refund went to the supervisor as NT$2, nothing said. An amount
past what is left is refused now, saying the most, and asked again."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QSpinBox, QWidget

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.receipt_actions import ask_refund_amount


def _answer(typed: list[str], seen: list[str]) -> None:
    """Types each of ``typed`` into the amount question as it opens, and Enter."""

    def type_next() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, type_next)
            return
        seen.append(dialog.labelText())
        spin = dialog.findChild(QSpinBox)
        spin.selectAll()
        QTest.keyClicks(spin, typed.pop(0))
        QTest.keyClick(spin, Qt.Key.Key_Return)
        if typed:
            QTimer.singleShot(20, type_next)

    QTimer.singleShot(20, type_next)


def test_an_amount_past_what_is_left_is_asked_again(qtbot, sync_ctx: GuiContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []
    _answer(["20", "12"], seen)
    assert ask_refund_amount(parent, "H01-01-115-R000288", 15) == 12
    assert "最多 15 元" in seen[0]
    assert "退費金額 20 元超過可退的 15 元" in seen[1]


def test_the_amount_typed_is_the_amount_refunded(qtbot, sync_ctx: GuiContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    _answer(["1500"], [])
    assert ask_refund_amount(parent, "H01-01-115-R000288", 2000) == 1500


def test_in_english(qtbot, ctx: GuiContext, english: None) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []
    _answer(["20", "15"], seen)
    assert ask_refund_amount(parent, "H01-01-115-R000288", 15) == 15
    assert seen[0] == "Refund amount for receipt H01-01-115-R000288 (at most NT$15):"
    assert seen[1].startswith("A refund of NT$20 is more than the NT$15 left to refund.\n")


def test_a_barcode_scanned_into_the_amount_is_no_amount(
    qtbot, sync_ctx: GuiContext, said: list[tuple[str, bool]]
) -> None:
    """The next citizen's case slip scanned while the amount question was open typed its digits
    into it: H01-01-115-000302-5 asked a refund of NT$10,111,500 (refused only because it was
    more than was left; a short one would have gone on to the supervisor). The scan is no
    amount: the question says so, to the screen reader too (its words changed unsaid), and
    keeps what was there."""
    from keystrokes import HUMAN_MS, burst, keys

    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[tuple[str, int]] = []
    dialogs: list[QInputDialog] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog) or any(d is dialog for d in dialogs):
            QTimer.singleShot(20, answer)
            return
        dialogs.append(dialog)
        spin = dialog.findChild(QSpinBox)
        if len(dialogs) > 1:  # asked again: the scan was taken as an amount
            QTest.keyClick(spin, Qt.Key.Key_Escape)
            return
        spin.selectAll()
        burst(spin, "H01-01-115-000302-5")
        QTimer.singleShot(200, lambda: after_scan(dialog, spin))

    def after_scan(dialog: QInputDialog, spin: QSpinBox) -> None:
        if not dialog.isVisible():  # the scan's Enter answered the question
            QTimer.singleShot(20, answer)
            return
        seen.append((dialog.labelText(), spin.value()))
        spin.selectAll()
        keys(spin, "12", HUMAN_MS)  # the amount, typed

    def give_up() -> None:  # whatever went wrong, the question does not hang the test
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QInputDialog) and widget.isVisible():
                widget.reject()

    QTimer.singleShot(20, answer)
    QTimer.singleShot(5000, give_up)
    assert ask_refund_amount(parent, "H01-01-115-R000288", 15) == 12
    [(label, value)] = seen
    assert value == 15  # the scan left the amount as it was
    assert label.startswith("掃描的條碼不是退費金額")
    assert label.endswith("收據 H01-01-115-R000288 退費金額（最多 15 元）：")
    assert (" ".join(label.split()), True) in said
