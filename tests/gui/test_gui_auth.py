"""The counter window's login screen, idle and card lock, sign-out, roles in the menus, the
office admin page, the supervisor approval dialog and the shift-start check, driven from the
keyboard (pytest-qt, offscreen). Screenshots for a human look go to ``ESERVICE_SHOTS`` when set
(/work/team/shots on the team machine)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_keys import press, type_text
from operator_support import chose_own
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from shiboken6 import isValid
from sqlalchemy import select

from eservice_desktop.devices.pcsc import ReaderState, ReaderStatus
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.gui import shift_start
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import INTAKE_PAGE, QUEUE_PAGE, MainWindow
from eservice_desktop.services import operators
from eservice_desktop.services.core import App

OPERATORS_PAGE = "eservice_desktop.gui.operators_page"
PAYMENT_PAGE = "eservice_desktop.gui.payment_page"
PASSWORD = "counter-pass-1"
#: The office admin the fixtures act as (every counter role; no password).
ADMIN = Operator(account="tester", name="測試操作員", roles=COUNTER_ROLES)


def shot(widget: object, name: str) -> None:
    where = os.environ.get("ESERVICE_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(where) / f"auth-{name}.png"))  # type: ignore[attr-defined]


def add_operator(app: App, account: str, name: str, roles: list[str]) -> None:
    """Creates an account as the office admin would (the fixture operator manages operators)."""
    before = app.operator
    operators.create_operator(app, account, name, roles, PASSWORD)
    chose_own(app, account)  # their first sign-in: tests/gui/test_gui_first_password.py
    app.operator = before


@pytest.fixture
def staff(ctx: GuiContext) -> Iterator[GuiContext]:
    """Accounts of a small office; nobody signed in: the window starts at the login screen."""
    app = ctx.app
    add_operator(app, "clerk01", "王承辦", ["clerk"])
    add_operator(app, "clerk02", "李承辦", ["clerk"])
    add_operator(app, "boss01", "陳主管", ["supervisor"])
    add_operator(app, "cash01", "林收費", ["cashier"])
    add_operator(app, "it01", "張資訊", ["it"])
    operators.logout(app)
    shift_start._mark_checked(app)  # today's shift-start check is done (its own test below)
    yield ctx


def open_at_login(qtbot: object, ctx: GuiContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.login_screen.account)  # type: ignore[attr-defined]
    return window


def sign_in(qtbot: object, window: MainWindow, account: str, password: str = PASSWORD) -> None:
    """Types the account, Enter, the password, Enter: as a clerk does."""
    screen = window.login_screen
    if QApplication.focusWidget() is screen.account:
        screen.account.clear()
        type_text(account)
        press(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.password
    type_text(password)
    press(Qt.Key.Key_Return)


def wait_idle(qtbot: object, ctx: GuiContext) -> None:
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=15000)  # type: ignore[attr-defined]
    QApplication.processEvents()


def test_window_starts_at_the_login_screen_and_shows_nothing_else(qtbot, staff):
    window = open_at_login(qtbot, staff)
    assert window.screens.currentWidget() is window.login_screen
    assert window.pages == {}  # nothing of a case is even built before a sign-in
    assert not window.menuBar().isVisible()
    assert window.login_screen.title.text() == "櫃檯登入"
    press(Qt.Key.Key_F3)  # no page key reaches anything
    assert window.pages == {}
    shot(window, "login")

    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    assert staff.app.operator is not None and staff.app.operator.account == "clerk01"
    assert window.operator_label.text() == "承辦人：王承辦（clerk01）"
    assert window.current_page() is window.pages[QUEUE_PAGE]
    assert window.menuBar().isVisible()
    wait_idle(qtbot, staff)
    shot(window, "signed-in")


def test_wrong_password_inactive_and_lockout_say_so_in_chinese(qtbot, staff):
    app = staff.app
    window = open_at_login(qtbot, staff)
    screen = window.login_screen
    sign_in(qtbot, window, "clerk01", "wrong-password")
    qtbot.waitUntil(
        lambda: screen.message.text() == "帳號或密碼不正確，請重新輸入。", timeout=20000
    )
    assert app.operator is None
    assert window.pages == {}
    assert QApplication.focusWidget() is screen.password and screen.password.text() == ""
    assert "#b00020" in screen.message.styleSheet()  # a refusal is in the error colour
    shot(window, "bad-password")

    # the account locks after repeated failures; then even the right password is refused
    for _ in range(10):
        if "鎖定" in screen.message.text():
            break
        type_text("wrong-password")
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not app.operator and not screen._busy, timeout=20000)
    assert "已暫時鎖定" in screen.message.text()
    type_text(PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen._busy, timeout=20000)
    assert "已暫時鎖定" in screen.message.text() and app.operator is None
    shot(window, "locked-account")

    # a disabled account
    app.operator = ADMIN
    operators.deactivate(app, "clerk02")
    operators.logout(app)
    screen.account.setFocus()
    sign_in(qtbot, window, "clerk02")
    qtbot.waitUntil(lambda: screen.message.text() == "此帳號已停用，請洽管理者。", timeout=20000)
    assert app.operator is None and window.pages == {}


def test_a_pc_with_no_account_says_how_the_first_is_made(qtbot, ctx):
    """A new office's counter before ``setup --admin``: whatever was typed, the screen said
    帳號或密碼不正確，請重新輸入。, and IT retyped a password no account had."""
    operators.logout(ctx.app)
    window = open_at_login(qtbot, ctx)
    screen = window.login_screen
    sign_in(qtbot, window, "boss", "Admin-pass-2026")
    qtbot.waitUntil(lambda: "本機尚無任何操作員帳號" in screen.message.text(), timeout=20000)
    assert "setup --admin" in screen.message.text()
    assert ctx.app.operator is None and window.pages == {}
    shot(window, "no-account-yet")


def _fill_intake(qtbot: object, window: MainWindow) -> QLineEdit:
    press(Qt.Key.Key_F2)
    form = window.pages[INTAKE_PAGE]
    qtbot.waitUntil(lambda: window.current_page() is form)  # type: ignore[attr-defined]
    name = form.applicant_name  # type: ignore[attr-defined]
    name.setFocus()
    type_text("林美玲")
    return name


def test_idle_lock_hides_the_queue_keeps_the_draft_and_unlocks_with_the_password(qtbot, staff):
    app = staff.app
    app.settings.idle_lock_min = 5
    window = open_at_login(qtbot, staff)
    now = [1000.0]
    window.idle.clock = lambda: now[0]
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    name = _fill_intake(qtbot, window)
    assert name.text() == "林美玲"

    now[0] += 4 * 60  # four minutes: still open
    window.idle.check()
    assert not window.locked
    type_text("x")  # a key press counts as activity ...
    press(Qt.Key.Key_Backspace)
    now[0] += 4 * 60  # ... so four more minutes are not five idle ones
    window.idle.check()
    assert not window.locked
    now[0] += 61
    window.idle.check()
    assert window.locked
    assert window.screens.currentWidget() is window.login_screen
    # nothing of a case is visible or painted: pages, panels, menu, page bar, status bar
    assert not window.stack.isVisible()
    assert not window.pages[QUEUE_PAGE].isVisible()
    assert not window.pages[INTAKE_PAGE].isVisible()
    assert not any(dock.isVisible() for dock in window.panels)
    assert not window.statusBar().isVisible() and not window.menuBar().isVisible()
    assert window.login_screen.message.text() == "閒置過久，畫面已自動鎖定。"
    assert "王承辦（clerk01）" in window.login_screen.hint.text()
    image = window.grab().toImage()
    login = window.login_screen.grab().toImage()
    # the grabbed window is the login screen and nothing else
    assert image.width() == login.width() and image.height() == login.height()
    shot(window, "idle-locked")
    press(Qt.Key.Key_F3)  # page keys do nothing behind the lock
    assert window.screens.currentWidget() is window.login_screen

    # another clerk cannot unlock
    screen = window.login_screen
    screen.account.setFocus()
    sign_in(qtbot, window, "clerk02")
    qtbot.waitUntil(lambda: "不能解鎖" in screen.message.text(), timeout=20000)
    assert window.locked and app.operator is not None and app.operator.account == "clerk01"

    # the same clerk's password opens it again, with the typed name where it was
    screen.account.setFocus()
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    assert window.current_page() is window.pages[INTAKE_PAGE]
    assert name.text() == "林美玲"
    assert QApplication.focusWidget() is name
    assert window.statusBar().isVisible() and window.menuBar().isVisible()
    shot(window, "unlocked")


def test_a_dialog_opened_after_the_lock_waits_hidden_until_the_unlock(qtbot, staff):
    """A task begun before the lock that ends after it and asks something (a supervisor's
    approval, a question) does not paint its dialog over the login screen nor take keys there:
    it is shown again, as typed, after the operator unlocks."""
    from PySide6.QtWidgets import QDialog, QVBoxLayout

    app = staff.app
    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.locked
    late = QDialog(window)  # as run_with_approval opens its dialog when the refusal comes
    field = QLineEdit(late)
    field.setText("王小明 A123456789")
    QVBoxLayout(late).addWidget(field)
    late.open()
    QApplication.processEvents()
    assert not late.isVisible()
    shot(window, "late-dialog-under-lock")
    screen = window.login_screen
    # the login screen still takes the keys
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.password, timeout=5000)
    type_text(PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    assert app.operator is not None and app.operator.account == "clerk01"
    qtbot.waitUntil(late.isVisible, timeout=5000)
    assert field.text() == "王小明 A123456789"


def test_an_idle_lock_over_a_question_gives_the_keyboard_to_the_login_screen(qtbot, staff):
    """A question left open (撤件？) when the idle lock came: it is hidden, and it had the
    keyboard. The window stayed without one, so Enter (a shortcut of the active window) did
    nothing on the login screen and a scan went into 密碼 as typed."""
    from PySide6.QtWidgets import QMessageBox

    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    question = QMessageBox(QMessageBox.Icon.Warning, "撤件", "撤件？", parent=window)
    question.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    question.open()
    question.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question, timeout=5000)
    window.lock("idle")
    assert not question.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    screen = window.login_screen
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.password, timeout=5000)
    type_text(PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    qtbot.waitUntil(question.isVisible, timeout=5000)  # the question comes back, unanswered
    question.done(QMessageBox.StandardButton.No)


def test_a_supervisor_signing_in_over_the_lock_ends_the_clerks_session(qtbot, staff):
    app = staff.app
    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.locked
    screen = window.login_screen
    screen.account.setFocus()
    sign_in(qtbot, window, "boss01")
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    assert app.operator is not None and app.operator.account == "boss01"
    assert window.operator_label.text() == "承辦人：陳主管（boss01）"


def test_the_locked_operator_unlocks_with_the_account_typed_in_capitals(qtbot, staff):
    """Caps Lock on: ``CLERK01`` is clerk01 at the login screen and over clerk01's own lock (the
    same session goes on; it is not refused as somebody else)."""
    app = staff.app
    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "CLERK01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    assert app.operator is not None and app.operator.account == "clerk01"
    wait_idle(qtbot, staff)
    press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.locked
    screen = window.login_screen
    screen.account.setFocus()
    sign_in(qtbot, window, "Clerk01")
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    assert app.operator is not None and app.operator.account == "clerk01"
    assert screen.message.text() == ""


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("disable", ("此帳號已停用，已登出；請以其他帳號登入。", "disabled")),
        ("password", ("此帳號的密碼已重設，請以新密碼重新登入", "password changed")),
    ],
    ids=["disable", "password"],
)
def test_an_operator_disabled_while_signed_in_is_signed_out_at_the_next_action(
    qtbot, staff, monkeypatch, change, said
):
    """The office admin disables an account or resets its password (or the county does, by
    sync) while its operator works at an open window: their next action is refused and the
    window signs them out (a reset window kept working with the old password). The access log
    says why, as for a command line session: it read ``signed-out clerk01``, as if the
    operator had signed out themselves."""
    from eservice_desktop.services import operators_signin
    from eservice_desktop.storage.models_operators import OperatorRow

    app = staff.app
    monkeypatch.setattr(operators_signin, "STILL_ACTIVE_CHECK_S", 0.0)
    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    with app.transaction() as s:  # as deactivate() at another counter or a sync would
        row = s.get(OperatorRow, "clerk01")
        assert row is not None
        if change == "disable":
            row.active = False
        else:
            row.password_hash = operators_signin.hash_password("reset by the admin 1")
    staff.case_changed.emit("")  # the lists read again: a guarded use case
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.login_screen, timeout=20000)
    assert app.operator is None
    said, recorded = said  # on the login screen, in the access log
    assert window.login_screen.message.text() == said
    assert not window.locked  # anybody may sign in, not only a supervisor over a lock
    wait_idle(qtbot, staff)  # the record is written on the writer
    from eservice_desktop.storage.models_audit import AccessLogRow

    with app.reading() as s:
        query = select(AccessLogRow.detail).where(AccessLogRow.action == "signin")
        assert s.scalars(query.order_by(AccessLogRow.seq)).all()[-1] == (
            f"signed-out clerk01: {recorded}; window"
        )
    sign_in(qtbot, window, "clerk02")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    assert app.operator is not None and app.operator.account == "clerk02"


def test_pulling_the_operators_card_locks_at_once(qtbot, staff):
    app = staff.app
    app.settings.lock_card_reader = "Virtual PCD 00 01"
    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    idle = window.idle
    card = ReaderStatus("Virtual PCD 00 01", ReaderState.UNREADABLE, 1, "other", "not_nhi")
    applicant = ReaderStatus("Virtual PCD 00 00", ReaderState.NO_CARD)
    idle.on_card_status(card)
    idle.on_card_status(applicant)  # the applicant's reader changing locks nothing
    assert not window.locked
    idle.on_card_status(ReaderStatus("Virtual PCD 00 01", ReaderState.NO_CARD, 2))
    assert window.locked
    assert window.login_screen.message.text() == "承辦人卡片已離開讀卡機，畫面已鎖定。"


def test_the_card_service_restarting_locks_only_when_the_operators_card_left(qtbot, staff):
    """The PC/SC service going away (pcscd or the smart-card service restarting) reports each
    reader as an error, then as empty when it is back: with no operator's card ever in the
    reader, the window locked, saying 承辦人卡片已離開讀卡機."""
    app = staff.app
    app.settings.lock_card_reader = "Virtual PCD 00 01"
    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    idle = window.idle
    reader = "Virtual PCD 00 01"
    down = ReaderStatus(reader, ReaderState.ERROR, 0, "", "service_down")
    for st in (
        ReaderStatus(reader, ReaderState.NO_CARD),
        down,
        ReaderStatus(reader, ReaderState.NO_CARD),
    ):
        idle.on_card_status(st)
    assert not window.locked
    # The card in before the service went, gone when it is back: it left meanwhile.
    idle.on_card_status(ReaderStatus(reader, ReaderState.UNREADABLE, 1, "other", "not_nhi"))
    idle.on_card_status(down)
    assert not window.locked
    idle.on_card_status(ReaderStatus(reader, ReaderState.NO_CARD, 1))
    assert window.locked
    assert window.login_screen.message.text() == "承辦人卡片已離開讀卡機，畫面已鎖定。"


def test_sign_out_shows_the_login_screen_and_menus_follow_the_roles(qtbot, staff):
    app = staff.app
    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "cash01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    # a cashier takes payments, not intakes, and does not manage accounts
    assert window.page_actions[PAYMENT_PAGE].isVisible()
    assert not window.page_actions[INTAKE_PAGE].isVisible()
    assert not window.page_actions[INTAKE_PAGE].isEnabled()
    assert not window.page_actions[OPERATORS_PAGE].isVisible()
    assert not window.backup_action.isVisible()
    press(Qt.Key.Key_F2)
    assert window.current_page() is not window.pages[INTAKE_PAGE]

    press(Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert app.operator is None
    assert window.screens.currentWidget() is window.login_screen
    assert window.login_screen.message.text() == "已登出。"
    assert "#b00020" not in window.login_screen.message.styleSheet()  # a notice, not an error
    assert QApplication.focusWidget() is window.login_screen.account

    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    assert app.operator is not None and app.operator.account == "clerk01"
    assert window.page_actions[INTAKE_PAGE].isVisible()
    assert not window.page_actions[PAYMENT_PAGE].isVisible()
    press(Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)

    # IT: no page with personal data at all
    sign_in(qtbot, window, "it01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    assert not any(a.isVisible() for p, a in window.page_actions.items())
    assert window.current_page() is window.no_page
    assert not any(dock.isVisible() for dock in window.panels)
    assert window.doctor_action.isVisible() and window.backup_action.isVisible()
    # each sign-in and sign-out is in the access log, written on the writer
    from eservice_desktop.storage.models_audit import AccessLogRow

    with app.reading() as s:
        rows = s.scalars(select(AccessLogRow).where(AccessLogRow.action == "signin"))
        details = [r.detail for r in rows]
    assert details[-5:] == [
        "signed-in cash01: window",  # typed at the window, not on the command line
        "signed-out cash01: window",
        "signed-in clerk01: window",
        "signed-out clerk01: window",
        "signed-in it01: window",
    ]
    window.close()  # closing the window signs out too, on the writer before it stops
    assert app.operator is None
    with app.reading() as s:
        rows = s.scalars(select(AccessLogRow).where(AccessLogRow.action == "signin"))
        assert [r.detail for r in rows][-1] == "signed-out it01: window closed; window"


def test_office_admin_adds_resets_and_disables_an_operator_by_keyboard(qtbot, ctx):
    from gui_keys import open_window

    app = ctx.app
    add_operator(app, "clerk01", "王承辦", ["clerk"])
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded and page.table.rowCount() >= 1, timeout=20000)  # type: ignore[attr-defined]
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # new account (buttons click animated)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.account)  # type: ignore[attr-defined]
    type_text("pick01")
    press(Qt.Key.Key_Tab)
    type_text("黃領件")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.scope  # type: ignore[attr-defined]
    page.role_boxes[operators.Role.CLERK].setChecked(False)  # type: ignore[attr-defined]
    page.role_boxes[operators.Role.PICKUP].setChecked(True)  # type: ignore[attr-defined]
    press(Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    type_text("pickup-pass-1")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=20000)  # type: ignore[attr-defined]
    assert page.message.text() == "已新增帳號 pick01。"  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.editing == "pick01" and page.account.isReadOnly(), timeout=20000)  # type: ignore[attr-defined]
    shot(window, "admin-page")
    made = operators.get_operator(app, "pick01")
    assert made.name == "黃領件" and {r.value for r in made.roles} == {"pickup"}

    press(Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    type_text("pickup-pass-2")
    press(Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.message.text() == "已重設 pick01 的密碼。", timeout=20000)  # type: ignore[attr-defined]
    assert operators.verify_password(app, "pick01", "pickup-pass-2").account == "pick01"

    press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.message.text() == "已停用帳號 pick01。", timeout=20000)  # type: ignore[attr-defined]
    assert operators.get_operator(app, "pick01").active is False
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "pick01")  # type: ignore[attr-defined]
    state = "停用；待本人變更密碼"  # the admin's reset: one-time
    qtbot.waitUntil(lambda: page.table.item(row, 4).text() == state, timeout=5000)  # type: ignore[attr-defined]
    # the same key enables it again (a disable by mistake is not for ever)
    assert page.disable_button.text() == "重新啟用帳號(&D)"  # type: ignore[attr-defined]
    press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.message.text() == "已重新啟用帳號 pick01。", timeout=20000)  # type: ignore[attr-defined]
    assert operators.get_operator(app, "pick01").active is True
    assert operators.verify_password(app, "pick01", "pickup-pass-2").account == "pick01"
    qtbot.waitUntil(lambda: page.disable_button.text() == "停用帳號(&D)", timeout=5000)  # type: ignore[attr-defined]


def test_an_account_typed_in_capitals_is_the_one_on_the_form_once_added(qtbot, ctx):
    """Pick03 typed with Caps Lock is kept as pick03: the page said 已新增帳號 Pick03, found no
    row named so, left the form open with 重設密碼 and 停用帳號 off, and a Save there with
    another account typed over it changed pick03's name and roles."""
    from gui_keys import open_window

    app = ctx.app
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded, timeout=20000)  # type: ignore[attr-defined]
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.account)  # type: ignore[attr-defined]
    type_text("Pick03")
    press(Qt.Key.Key_Tab)
    type_text("黃領件")
    press(Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    type_text("pickup-pass-3")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=20000)  # type: ignore[attr-defined]
    assert page.message.text() == "已新增帳號 pick03。"  # type: ignore[attr-defined]
    qtbot.waitUntil(page.account.isReadOnly, timeout=20000)  # type: ignore[attr-defined]
    assert page.editing == "pick03" and page.account.text() == "pick03"  # type: ignore[attr-defined]
    assert page.reset_button.isEnabled() and page.disable_button.isEnabled()  # type: ignore[attr-defined]
    assert operators.get_operator(app, "pick03").name == "黃領件"


def test_office_admin_renames_an_operator_and_the_name_is_saved(qtbot, ctx):
    """A display name changed on an existing account is saved with its roles, not dropped while
    the page says it saved."""
    from gui_keys import open_window

    app = ctx.app
    add_operator(app, "clerk01", "王承辦", ["clerk"])
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded and page.table.rowCount() >= 1, timeout=20000)  # type: ignore[attr-defined]
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "clerk01")  # type: ignore[attr-defined]
    page.table.setFocus()  # type: ignore[attr-defined]
    page.table.selectRow(row)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.editing == "clerk01")  # type: ignore[attr-defined]
    press(Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.name  # type: ignore[attr-defined]
    page.name.selectAll()  # type: ignore[attr-defined]
    type_text("王承辦二")
    press(Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=20000)  # type: ignore[attr-defined]
    assert page.message.text() == "已更新 clerk01 的姓名、角色與業務範圍。"  # type: ignore[attr-defined]
    assert operators.get_operator(app, "clerk01").name == "王承辦二"
    qtbot.waitUntil(lambda: page.table.item(row, 1).text() == "王承辦二", timeout=5000)  # type: ignore[attr-defined]
    assert page.name.text() == "王承辦二"  # type: ignore[attr-defined]


def test_add_account_pressed_after_typing_keeps_what_was_typed(qtbot, ctx):
    """「新增帳號」reads "add account": pressed on a new account's form already typed into, it
    cleared the form. It keeps it and points to Save; on an existing account it still opens a
    blank form."""
    from gui_keys import open_window

    add_operator(ctx.app, "clerk01", "王承辦", ["clerk"])
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded and page.table.rowCount() >= 1, timeout=20000)  # type: ignore[attr-defined]
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.account)  # type: ignore[attr-defined]
    type_text("pick02")
    press(Qt.Key.Key_Tab)
    type_text("黃領件")
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # the click comes after its animation
    qtbot.waitUntil(lambda: "儲存" in page.message.text(), timeout=5000)  # type: ignore[attr-defined]
    assert (page.account.text(), page.name.text()) == ("pick02", "黃領件")  # type: ignore[attr-defined]
    assert QApplication.focusWidget() is page.account  # type: ignore[attr-defined]

    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "clerk01")  # type: ignore[attr-defined]
    page.table.setFocus()  # type: ignore[attr-defined]
    page.table.selectRow(row)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.editing == "clerk01")  # type: ignore[attr-defined]
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.editing is None and page.account.text() == "", timeout=5000)  # type: ignore[attr-defined]
    assert page.name.text() == "" and page.message.text() == ""  # type: ignore[attr-defined]


def test_a_refused_account_field_takes_the_focus_to_be_corrected(qtbot, ctx):
    """Save refused for a bad account name: the account field takes the focus with its text
    selected (the focus stayed in the password field, where Save was pressed)."""
    from gui_keys import open_window

    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded, timeout=20000)  # type: ignore[attr-defined]
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.account)  # type: ignore[attr-defined]
    type_text("Clerk 05!")
    press(Qt.Key.Key_Tab)
    type_text("王承辦")
    press(Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    type_text("clerk-pass-05")
    press(Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=20000)  # type: ignore[attr-defined]
    assert "帳號" in page.message.text()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.account, timeout=5000)  # type: ignore[attr-defined]
    assert page.account.selectedText() == "Clerk 05!"  # type: ignore[attr-defined]


def test_shift_start_runs_doctor_at_the_first_login_of_the_day_only(qtbot, staff, clock):
    app = staff.app
    (app.settings.data_dir / shift_start.MARKER).unlink()
    window = open_at_login(qtbot, staff)
    assert not shift_start.checked_today(app)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.shift_dialog is not None, timeout=60000)
    dialog = window.shift_dialog
    assert dialog is not None and dialog.isVisible()
    report = dialog.report  # type: ignore[attr-defined]
    assert report.checks  # doctor's own findings, as they are on this machine
    table = dialog.table  # type: ignore[attr-defined]
    for row, check in enumerate(sorted(report.checks, key=lambda c: shift_start._ORDER[c.status])):
        assert table.item(row, 1).text() == check.title_zh
        assert table.item(row, 3).text() == (check.fix_zh if check.status != "ok" else "")
    assert shift_start.checked_today(app)
    shot(dialog, "shift-start")
    press(Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    window.shift_dialog = None
    window.activateWindow()  # offscreen: no window manager gives the activation back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    press(Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    sign_in(qtbot, window, "clerk02")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    assert window.shift_dialog is None  # same day: not again


def test_a_void_asks_a_supervisor_on_this_counter_and_refuses_self_approval(qtbot, ctx):
    from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts
    from factories import request
    from gui_keys import open_window

    from eservice_desktop.gui.approval import ApprovalDialog, run_with_approval
    from eservice_desktop.services import cases, intake, payments

    app = ctx.app
    add_accounts(app)
    number = intake.intake(app, request(copies=2)).case_number
    receipt = payments.record_payment(app, number, "cash", 30).receipt_number
    window = open_window(qtbot, ctx)
    page = window.show_page(PAYMENT_PAGE)
    done: list[object] = []
    run_with_approval(
        ctx,
        page,
        payments.void_receipt,
        app,
        receipt,
        "金額誤收",
        approval_reason="金額誤收",
        on_done=done.append,
    )
    qtbot.waitUntil(lambda: page.findChild(ApprovalDialog) is not None, timeout=20000)
    dialog = page.findChild(ApprovalDialog)
    assert isinstance(dialog, ApprovalDialog)
    qtbot.waitExposed(dialog)
    assert "須經主管核准" in dialog.what.text()
    assert dialog.reason.text() == "金額誤收"
    dialog.activateWindow()
    dialog.account.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.account)

    type_text("tester")  # the signed-in clerk asks: cannot approve their own void
    press(Qt.Key.Key_Return)
    assert dialog.message.text() == "不能核准自己的申請：請另一位主管輸入自己的帳號與密碼。"
    assert QApplication.focusWidget() is dialog.account and dialog.account.selectedText()
    assert not done
    shot(dialog, "approval-self")

    type_text(SUPERVISOR)  # replaces the selected account
    press(Qt.Key.Key_Return)
    assert dialog.message.text() == "請輸入主管密碼。"
    assert QApplication.focusWidget() is dialog.password
    type_text("wrong-password")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() == "主管帳號或密碼不正確。", timeout=20000)
    assert not done
    type_text(SUPERVISOR_PASSWORD)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    qtbot.waitUntil(lambda: not isValid(dialog))  # closed, and deleted with it
    events = cases.show_case(app, number).events
    approval = next(e for e in events if e["type"] == "case.approval_granted")
    assert approval["payload"]["approved_by"] == SUPERVISOR
    assert approval["payload"]["requested_by"] == "tester"
    assert approval["payload"]["action"] == "void"


def test_no_supervisor_is_called_over_for_a_write_the_clock_refuses(qtbot, ctx, clock):
    """Closing a case with its fee due on a counter whose clock went back: the approval
    dialog opened (尚有規費未繳), the supervisor typed their password, and the closing was
    refused (clock.behind) all the same. The clock's refusal is said instead, and no dialog
    opens; the same for an exemption, which the service asks the supervisor for itself."""
    from datetime import timedelta

    from approvals_support import add_accounts
    from factories import request

    from eservice_desktop.gui.approval import ApprovalDialog, run_with_approval
    from eservice_desktop.gui.payment_page import PaymentPage
    from eservice_desktop.services import cases, fees, intake, operators_demo

    app = ctx.app
    add_accounts(app)
    with app.transaction() as s:  # an office's database: the demo's is not held to its clock
        operators_demo.office_database(s)
    number = intake.intake(app, request(copies=2)).case_number
    clock.set(clock() - timedelta(days=3))  # the CMOS battery
    page = PaymentPage(ctx)
    qtbot.addWidget(page)
    refused: list[object] = []
    run_with_approval(
        ctx,
        page,
        cases.close_case,
        app,
        number,
        approvable={"fees_due": "close_with_balance"},
        on_error=refused.append,
    )
    run_with_approval(
        ctx, page, fees.assess, app, number, exempt=True, reason="低收入戶", on_error=refused.append
    )
    qtbot.waitUntil(lambda: len(refused) == 2, timeout=20000)
    assert [getattr(e, "code", "") for e in refused] == ["clock.behind", "clock.behind"]
    assert page.findChild(ApprovalDialog) is None


def test_closing_with_fees_due_is_approved_by_a_supervisor_or_stays_refused(qtbot, ctx):
    from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD
    from gui_keys import ask_to_close_owing

    from eservice_desktop.gui.approval import ApprovalDialog
    from eservice_desktop.services import cases

    app = ctx.app
    number, detail = ask_to_close_owing(qtbot, ctx, "民眾不領")  # fees assessed, nothing paid
    dialog = detail.findChild(ApprovalDialog)
    assert isinstance(dialog, ApprovalDialog) and "未繳" in dialog.what.text()
    dialog.reject()  # nobody approves: the refusal stays beside the form, nothing is closed
    assert "未繳" in detail.error_label.text()
    assert cases.show_case(app, number).status != "closed"

    detail.close_case()
    # the refused one is deleted once closed: the one visible is the new question
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in detail.findChildren(ApprovalDialog)), timeout=20000
    )
    dialog = next(d for d in detail.findChildren(ApprovalDialog) if d.isVisible())
    assert dialog.reason.text() == "民眾不領"
    dialog.account.setText(SUPERVISOR)
    dialog.password.setText(SUPERVISOR_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: cases.show_case(app, number).status == "closed", timeout=20000)
    events = cases.show_case(app, number).events
    approval = next(e for e in events if e["type"] == "case.approval_granted")
    assert approval["payload"]["action"] == "close_with_balance"
    assert approval["payload"]["approved_by"] == SUPERVISOR


def test_demo_mode_opens_on_the_queue_and_the_demo_operator_unlocks_with_enter(qtbot, ctx):
    from gui_keys import open_window

    app = ctx.app
    app.settings.demo = True
    operators.sign_in_demo(app)  # what open_app does in demo mode
    window = open_window(qtbot, ctx)
    assert window.screens.currentWidget() is window.stack
    assert window.operator_label.text() == "承辦人：示範操作員（demo01）"
    window.lock("idle")
    assert "示範模式" in window.login_screen.hint.text()
    assert QApplication.focusWidget() is window.login_screen.password
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    assert app.operator is not None and app.operator.account == "demo01"


def test_save_with_a_new_password_typed_points_to_reset_password(qtbot, ctx):
    """On an existing account, Save sets the name, roles and scope only: a new password typed
    there was cleared while the page said 已更新…, and the old password still signed in."""
    from gui_keys import open_window

    app = ctx.app
    add_operator(app, "clerk01", "王承辦", ["clerk"])
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F11)
    page = window.pages[OPERATORS_PAGE]
    qtbot.waitUntil(lambda: page.loaded and page.table.rowCount() >= 1, timeout=20000)  # type: ignore[attr-defined]
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "clerk01")  # type: ignore[attr-defined]
    page.table.setFocus()  # type: ignore[attr-defined]
    page.table.selectRow(row)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.editing == "clerk01")  # type: ignore[attr-defined]
    press(Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    type_text("brand new pw 9")
    press(Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=20000)  # type: ignore[attr-defined]
    assert page.message.text().startswith("密碼欄有新密碼")  # type: ignore[attr-defined]
    assert page.password.text() == "brand new pw 9"  # type: ignore[attr-defined]
    assert QApplication.focusWidget() is page.password  # type: ignore[attr-defined]
    press(Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.message.text() == "已重設 clerk01 的密碼。", timeout=20000)  # type: ignore[attr-defined]
    assert operators.verify_password(app, "clerk01", "brand new pw 9").account == "clerk01"


def test_a_dialog_waiting_in_its_own_loop_at_the_lock_is_cancelled_not_shown_dead(qtbot, staff):
    """A file dialog of an export, a reason asked or the 撤件 question (shown with exec())
    open when the idle lock came: hiding it ended its loop as if cancelled, and the next
    sign-in showed it again, dead (撤件 pressed on it did nothing), or, Qt having deleted the
    file dialog meanwhile, ended in 「程式發生未預期的錯誤」 (RuntimeError: already deleted). It
    is cancelled at the lock, and the sign-in says so."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    window = open_at_login(qtbot, staff)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.stack, timeout=20000)
    wait_idle(qtbot, staff)
    said: list[str] = []
    staff.status_message.connect(said.append)

    QTimer.singleShot(200, lambda: window.lock("idle"))
    _text, ok = QInputDialog.getText(window, "作廢", "作廢原因：")  # deleted once it returns
    assert not ok and window.locked
    password = window.login_screen.password
    qtbot.waitUntil(lambda: QApplication.focusWidget() is password, timeout=5000)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    assert "鎖定時開著的對話框已取消，未做任何動作；請重新操作。" in said

    wait_idle(qtbot, staff)
    question = QMessageBox(QMessageBox.Icon.Warning, "撤件", "撤件？", parent=window)
    question.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    QTimer.singleShot(200, lambda: window.lock("idle"))
    question.exec()  # as gui/case_end.ask asks: its answer is the button clicked
    assert question.clickedButton() is None and window.locked  # nothing answered
    qtbot.waitUntil(lambda: QApplication.focusWidget() is password, timeout=5000)
    sign_in(qtbot, window, "clerk01")
    qtbot.waitUntil(lambda: not window.locked, timeout=20000)
    qtbot.wait(100)
    assert not question.isVisible()  # not shown again, answering nothing
