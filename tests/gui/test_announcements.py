"""What the clerk must notice is said through the screen reader, not only painted: the status
bar's messages (a failure interrupting), the sign-in's refusal, the pickup desk's verdict
(``gui/accessible.py``). The screen reader is stood in for by catching Qt's announcements."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.approval import ApprovalDialog
from eservice_desktop.gui.auth import LoginScreen
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import MainWindow
from eservice_desktop.gui.pickup_desk import PickupDesk

#: (text, assertive) of each announcement: the ``said`` fixture (conftest.py).
Said = list[tuple[str, bool]]


def test_the_status_bar_says_its_messages_and_a_failure_interrupts(
    said: Said, ctx: GuiContext, qtbot: QtBot
) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    ctx.status_message.emit("收據 H01-R-115-000001 已送印")
    ctx.tasks.failed.emit("資料庫忙碌，請稍後再試")
    assert said == [("收據 H01-R-115-000001 已送印", False), ("資料庫忙碌，請稍後再試", True)]


def test_the_sign_in_refusal_is_said(said: Said, ctx: GuiContext, qtbot: QtBot) -> None:
    screen = LoginScreen(ctx)
    qtbot.addWidget(screen)
    screen.ask_login()
    screen.submit()  # no account typed
    assert said == [("請輸入帳號。", True)]


def test_the_pickup_desks_verdict_is_said(said: Said, desk: PickupDesk, qtbot: QtBot) -> None:
    said.clear()
    desk.scan("not-a-pickup-code")
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    QApplication.processEvents()
    assert said[-1] == (desk.message_label.text(), True)
    assert said[-1][0] and "請掃描" not in said[-1][0]


def test_an_intake_taken_in_is_said_once(said: Said, sync_ctx: GuiContext, qtbot: QtBot) -> None:
    """The result beside the button and the status bar show the same sentence: a screen
    reader says it once."""
    window = MainWindow(sync_ctx)
    qtbot.addWidget(window)
    form = window.pages["eservice_desktop.gui.intake_form"]
    form.result_label.setText("已收件：H01-01-115-000001-7")  # type: ignore[attr-defined]
    sync_ctx.status_message.emit(form.result_label.text())  # type: ignore[attr-defined]
    # the sentence once; the window says other things of its own meanwhile (a card the readers
    # report, a queued word of an earlier test's window), which are not this test's
    sentence = ("已收件：H01-01-115-000001-7", False)
    assert [s for s in said if s[0].startswith("已收件")] == [sentence]


def test_a_supervisors_refusal_in_the_approval_dialog_is_said_once(
    said: Said, ctx: GuiContext, qtbot: QtBot
) -> None:
    """The dialog's refusal (the signed-in operator's own account) is said, and the same
    sentence in the status bar behind the dialog is not said again."""
    dialog = ApprovalDialog(ctx, "作廢收據", lambda a, p, r: None)
    qtbot.addWidget(dialog)
    dialog.account.setText(ctx.app.operator.account if ctx.app.operator else "")
    dialog.password.setText("x")
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=5000)
    text = dialog.message.text()
    ctx.status_message.emit(text)  # what a page does with the same refusal
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.statusBar().showMessage(text)
    assert said == [(" ".join(text.split()), True)]
