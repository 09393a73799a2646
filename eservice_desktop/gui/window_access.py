"""Who may see what in the counter window: the operator's roles choose the pages, the menu
entries and the panels; a lock or a sign-out covers every personal datum with the login screen
until somebody signs in again, and uncovering gives back what was in sight.

These act on a :class:`~eservice_desktop.gui.main_window.MainWindow` (its methods ``lock``,
``sign_out`` and the sign-in call them); the texts are in the window's translation context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from eservice_desktop.domain.errors import PasswordChanged
from eservice_desktop.domain.operators import Action, Operator
from eservice_desktop.gui.window_pages import page_allowed

if TYPE_CHECKING:
    from eservice_desktop.gui.main_window import MainWindow
    from eservice_desktop.services.core import App


def _t(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def apply_roles(window: MainWindow, operator: Operator) -> None:
    """Pages, menu entries and panels the roles allow are shown, the rest hidden; a page in
    front that the roles do not open gives way to the first one they do (or ``no_page``)."""
    for path, action in window.page_actions.items():
        allowed = page_allowed(path, operator)
        action.setEnabled(allowed)
        action.setVisible(allowed)
        window.page_bar_actions[path].setVisible(allowed)
        window.page_bar_actions[path].setEnabled(allowed)
    for qaction, needed in (
        (window.backup_action, Action.BACKUP),
        (window.doctor_action, Action.DOCTOR),
    ):
        qaction.setEnabled(operator.can(needed))
        qaction.setVisible(operator.can(needed))
    sees_cases = operator.can(Action.VIEW_CASE)
    for dock in window.panels:
        dock.setVisible(sees_cases and operator.can(Action.VERIFY_IDENTITY))
    current = window.current_page()
    shown = next((p for p, w in window.pages.built.items() if w is current), None)
    detail = window.built_case_detail
    if (
        (shown is not None and not page_allowed(shown, operator))
        or (detail is not None and current is detail and not sees_cases)
        or current is window.no_page
    ):
        window.history.clear()
        first = next((p for p in window.page_actions if page_allowed(p, operator)), None)
        if first is not None:
            window.show_page(first, remember=False)
        else:
            window.show_widget(window.no_page, remember=False)


def lock(window: MainWindow, why: str = "manual") -> None:
    """Hides every personal datum behind the login screen until the operator's password
    (or a supervisor's or admin's sign-in) is entered; the pages keep what they hold."""
    from eservice_desktop.gui.auth import lock_reason_text

    operator = window.ctx.operator  # not the core: it may still be opening (demo mode)
    if window.locked or not window.content_built or operator is None:
        return
    cover(window)
    window.locked = True
    ctx = window.ctx
    ctx.tasks.run(_record_lock_later, ctx.core_later(), operator.account, why)  # on record
    window.login_screen.ask_unlock(operator)
    window.login_screen.say(lock_reason_text(why), refusal=False)


def _record_lock_later(core: Callable[[], App], account: str, why: str) -> None:
    """The access log's ``screen-locked`` record, on the writer, with the core opened before
    it (a demo start's may still be opening when the first lock comes)."""
    from eservice_desktop.services import operators
    from eservice_desktop.services.operators_audit import WINDOW

    operators.record_screen_lock(core(), account, why, via=WINDOW)


def sign_out(window: MainWindow, why: str = "") -> None:
    """Ends the operator's session (drafts are kept) and shows the login screen: the next
    operator signs in there. ``why``: the access log's reason when the operator did not ask
    (``disabled``, ``password changed``)."""
    if not window.content_built or window.ctx.operator is None:
        return
    for widget in window.pages.built.values():
        hook = getattr(widget, "on_closing", None)
        if callable(hook):
            hook()  # the intake draft is sealed to disk before the session ends
    from eservice_desktop.services import operators
    from eservice_desktop.services.operators_audit import WINDOW

    app, account = window.ctx.app, window.ctx.operator.account
    operators.logout(app)
    window.ctx.tasks.run(operators.record_sign_out, app, account, why, via=WINDOW)  # on record
    if not window.locked:
        cover(window)
    window.locked = False
    window.login_screen.ask_login(_t("已登出。"))


def sign_out_at_close(window: MainWindow) -> None:
    """Closing the window while signed in (or locked) ends the session: the access log's
    sign-out (``signed-out clerk01: window closed; window``), queued on the writer, which the close
    waits for anyway before it stops (one short transaction)."""
    if not window.content_built or not window.ctx.core_open or window.ctx.operator is None:
        return
    from eservice_desktop.services import operators
    from eservice_desktop.services.operators_audit import WINDOW

    app, account = window.ctx.app, window.ctx.operator.account
    operators.logout(app)
    window.ctx.tasks.run(operators.record_sign_out, app, account, "window closed", via=WINDOW)


def cover(window: MainWindow) -> None:
    """The login screen in front; the docks, bars and open dialogs hidden, remembering which
    were shown and where the focus was."""
    window.idle.disarm()
    from eservice_desktop.gui.auth import hide_open_dialogs

    focus = QApplication.focusWidget()
    window.focus_before_lock = focus if focus is not None and window.isAncestorOf(focus) else None
    active = QApplication.activeWindow()
    window.hidden_while_locked, cancelled = hide_open_dialogs(window)
    window.shortcut_guard.cancelled += cancelled
    if active is not None and active is not window:
        # The hidden question had the keyboard (撤件？ left open when the idle lock came): the
        # window had none, so Enter did nothing on the login screen and a scan went into 密碼
        # as typed. Only then: a lock while another program is in front takes nothing from it.
        window.activateWindow()
    window.docks_shown = [d for d in window.panels if d.isVisible()]
    for dock in window.panels:
        dock.hide()
    window.menuBar().hide()
    window.page_bar.hide()
    window.statusBar().hide()
    window.screens.setCurrentWidget(window.login_screen)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(window.shortcut_guard)


def uncover(window: MainWindow) -> None:
    """Back from the login screen: what was shown before :func:`cover`, the focus where it
    was (or the page's own first field)."""
    app = QApplication.instance()
    if app is not None:
        app.removeEventFilter(window.shortcut_guard)
    window.locked = False
    window.screens.setCurrentWidget(window.stack)
    window.menuBar().show()
    window.page_bar.show()
    window.statusBar().show()
    for dock in window.docks_shown:
        dock.show()
    for widget in window.hidden_while_locked:
        if isValid(widget):  # a dialog may have been deleted by its owner meanwhile
            widget.show()
    window.hidden_while_locked = []
    if window.shortcut_guard.cancelled:
        window.shortcut_guard.cancelled = 0
        window.ctx.status_message.emit(_t("鎖定時開著的對話框已取消，未做任何動作；請重新操作。"))
    focus = window.focus_before_lock
    if focus is not None:
        focus.setFocus()
    else:
        hook = getattr(window.current_page(), "on_shown", None)
        if callable(hook):
            hook()


def hold_while_covered(window: MainWindow, widget: QWidget) -> bool:
    """A dialog shown while a lock or a sign-out covers the pages waits hidden for the next
    sign-in, like those open at the lock (:func:`cover`). Before the first sign-in nothing of a
    page exists and a start-up message is shown as it comes."""
    if not window.content_built or _login_screens(window, widget):
        return False
    if widget not in window.hidden_while_locked:
        window.hidden_while_locked.append(widget)
    return True


def _login_screens(window: MainWindow, widget: QWidget) -> bool:
    """Whether ``widget`` belongs to the login screen (the first sign-in's own password)."""
    owner = widget.parentWidget()
    while owner is not None and owner is not window.built_login_screen:
        owner = owner.parentWidget()
    return owner is not None


def abandon_sign_in(window: MainWindow, account: str) -> None:
    """The operator signed in with a one-time password and cancelled choosing their own: they
    are signed out, on record, and the login screen asks again (a locked window taken over so
    stays covered, its locked operator signed out already)."""
    from eservice_desktop.services import operators
    from eservice_desktop.services.operators_audit import WINDOW

    app = window.ctx.app
    operators.logout(app)
    window.ctx.tasks.run(
        operators.record_sign_out, app, account, "password not changed", via=WINDOW
    )
    window.locked = False
    window.activateWindow()  # the dialog had the keyboard: the account field has it now
    window.login_screen.ask_login(_t("未設定自己的密碼，已登出。"))


def account_disabled(window: MainWindow, why: object = None) -> None:
    """A use case refused the operator because their account was disabled after they signed in
    (``SessionEnded``): their session ends here too (drafts kept), and anybody may sign in. A
    password set meanwhile (``PasswordChanged``: an office admin's reset) says so instead: they
    sign in again with the new one."""
    if window.ctx.operator is None:
        return
    # the access log says why, as for a command line session (it read a plain sign-out, as
    # if the operator had signed out themselves)
    sign_out(window, "password changed" if isinstance(why, PasswordChanged) else "disabled")
    if isinstance(why, PasswordChanged):
        window.login_screen.say(window.ctx.pick(why.message_zh, why.message_en), refusal=False)
        return
    window.login_screen.say(_t("此帳號已停用，已登出；請以其他帳號登入。"))
